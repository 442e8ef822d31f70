/**
 * Every SQL statement of the Kontent-style API. Functions take a Scope: the caller's Queryable (a transaction or the
 * Db) and the environment every statement is confined to (each table is keyed by environment).
 */
import type { Queryable } from '../../store/db.js';

/** Where a statement runs: the database (or transaction) and the environment id (lowercase UUID). */
export interface Scope {
  q: Queryable;
  env: string;
}

export interface Ref {
  id?: string;
  codename?: string;
  external_id?: string;
}

export interface StepRecord {
  id: string;
  name: string;
  codename: string;
  color: string;
  transitions_to: string[];
  role_ids: string[];
}

export interface ScopeRecord {
  content_types: string[];
  collections: string[];
}

export interface WorkflowRecord {
  id: string;
  name: string;
  codename: string;
  scopes: ScopeRecord[];
  steps: StepRecord[];
  unpublishRoleIds: string[];
  createNewVersionRoleIds: string[];
  archivedRoleIds: string[];
}

export interface RoleRecord {
  id: string;
  name: string;
  codename: string | null;
}

export interface CollectionRecord {
  id: string;
  name: string;
  codename: string;
  external_id: string | null;
}

export interface LanguageRecord {
  id: string;
  name: string;
  codename: string;
  external_id: string | null;
  is_active: boolean;
  is_default: boolean;
  fallback_id: string;
}

export interface ElementRecord {
  id: string;
  name: string;
  codename: string;
  type: 'text' | 'rich_text' | 'number' | 'date_time';
  is_required: boolean;
  guidelines?: string | null;
  external_id?: string;
}

export interface TypeRecord {
  id: string;
  name: string;
  codename: string;
  external_id: string | null;
  elements: ElementRecord[];
  last_modified: Date;
}

export interface ItemRecord {
  id: string;
  name: string;
  codename: string;
  external_id: string | null;
  type_id: string;
  collection_id: string;
  spaces: string[];
  last_modified: Date;
}

export interface ElementValueRecord {
  element: { id: string };
  value: string | number | null;
  display_timezone?: string | null;
}

export interface ContributorRecord {
  id?: string;
  email?: string;
}

/** The published version of a variant, kept while the latest version moves on (new-version). */
export interface PublishedSnapshot {
  elements: ElementValueRecord[];
  workflow_id: string;
  contributors: ContributorRecord[];
  due_date: string | null;
  note: string | null;
  last_modified: string;
}

export interface VariantRecord {
  itemId: string;
  languageId: string;
  elements: ElementValueRecord[];
  workflowId: string;
  stepId: string;
  contributors: ContributorRecord[];
  dueDate: Date | null;
  note: string | null;
  lastModified: Date;
  publishTime: Date | null;
  publishTimezone: string | null;
  unpublishTime: Date | null;
  unpublishTimezone: string | null;
  published: PublishedSnapshot | null;
}

type Row = Record<string, unknown>;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date));
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Serializes changes of workflows (step codenames are unique across workflows; scopes must not overlap). */
export async function lockWorkflows(s: Scope): Promise<void> {
  await s.q.query(
    `SELECT pg_advisory_xact_lock(hashtext('wfkit:kontent:workflows:' || current_schema() || ':' || $1))`,
    [s.env],
  );
}

// --- workflows ------------------------------------------------------------------------------------------------------

const WORKFLOW_COLUMNS =
  'id, name, codename, scopes, steps, unpublish_role_ids, create_new_version_role_ids, archived_role_ids';

function toWorkflow(r: Row): WorkflowRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    codename: r.codename as string,
    scopes: json(r.scopes),
    steps: json(r.steps),
    unpublishRoleIds: json(r.unpublish_role_ids),
    createNewVersionRoleIds: json(r.create_new_version_role_ids),
    archivedRoleIds: json(r.archived_role_ids),
  };
}

export async function listWorkflows(s: Scope): Promise<WorkflowRecord[]> {
  const { rows } = await s.q.query(
    `SELECT ${WORKFLOW_COLUMNS} FROM kontent_workflows WHERE environment_id = $1 ORDER BY seq`,
    [s.env],
  );
  return rows.map(toWorkflow);
}

export async function findWorkflow(
  s: Scope,
  ref: { id?: string; codename?: string },
): Promise<WorkflowRecord | undefined> {
  const [column, value] = ref.id !== undefined ? ['id', ref.id] : ['codename', ref.codename];
  const { rows } = await s.q.query(
    `SELECT ${WORKFLOW_COLUMNS} FROM kontent_workflows WHERE environment_id = $1 AND ${column} = $2`,
    [s.env, value],
  );
  return rows[0] ? toWorkflow(rows[0]) : undefined;
}

export async function saveWorkflow(s: Scope, w: WorkflowRecord, isNew: boolean): Promise<void> {
  const values = [
    s.env,
    w.id,
    w.name,
    w.codename,
    JSON.stringify(w.scopes),
    JSON.stringify(w.steps),
    JSON.stringify(w.unpublishRoleIds),
    JSON.stringify(w.createNewVersionRoleIds),
    JSON.stringify(w.archivedRoleIds),
  ];
  if (isNew) {
    await s.q.query(
      `INSERT INTO kontent_workflows (environment_id, ${WORKFLOW_COLUMNS})
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb)`,
      values,
    );
  } else {
    await s.q.query(
      `UPDATE kontent_workflows SET name = $3, codename = $4, scopes = $5::jsonb, steps = $6::jsonb,
         unpublish_role_ids = $7::jsonb, create_new_version_role_ids = $8::jsonb, archived_role_ids = $9::jsonb
       WHERE environment_id = $1 AND id = $2`,
      values,
    );
  }
}

export async function deleteWorkflow(s: Scope, id: string): Promise<void> {
  await s.q.query('DELETE FROM kontent_workflows WHERE environment_id = $1 AND id = $2', [s.env, id]);
}

/** Whether any variant (latest or published version) is in the workflow. */
export async function workflowInUse(s: Scope, id: string): Promise<boolean> {
  const { rows } = await s.q.query(
    `SELECT 1 FROM kontent_variants
     WHERE environment_id = $1 AND (workflow_id = $2 OR published->>'workflow_id' = $3) LIMIT 1`,
    [s.env, id, id],
  );
  return rows.length > 0;
}

/** The steps of the list that some variant is in. */
export async function stepsInUse(s: Scope, workflowId: string, stepIds: string[]): Promise<string[]> {
  if (stepIds.length === 0) return [];
  const { rows } = await s.q.query<{ step_id: string }>(
    `SELECT DISTINCT step_id::text AS step_id FROM kontent_variants
     WHERE environment_id = $1 AND workflow_id = $2 AND step_id = ANY($3::uuid[])`,
    [s.env, workflowId, stepIds],
  );
  return rows.map((r) => r.step_id);
}

// --- roles ----------------------------------------------------------------------------------------------------------

export async function listRoles(s: Scope): Promise<RoleRecord[]> {
  const { rows } = await s.q.query<RoleRecord>(
    'SELECT id::text AS id, name, codename FROM kontent_roles WHERE environment_id = $1 ORDER BY seq',
    [s.env],
  );
  return rows;
}

export async function findRole(s: Scope, ref: { id?: string; codename?: string }): Promise<RoleRecord | undefined> {
  const [column, value] = ref.id !== undefined ? ['id', ref.id] : ['codename', ref.codename];
  const { rows } = await s.q.query<RoleRecord>(
    `SELECT id::text AS id, name, codename FROM kontent_roles WHERE environment_id = $1 AND ${column} = $2`,
    [s.env, value],
  );
  return rows[0];
}

// --- generic lookups by reference -----------------------------------------------------------------------------------

type RefTable = 'kontent_collections' | 'kontent_languages' | 'kontent_types' | 'kontent_items';

async function findByRef(s: Scope, table: RefTable, ref: Ref, forUpdate = false): Promise<Row | undefined> {
  const [column, value] =
    ref.id !== undefined
      ? ['id', ref.id]
      : ref.codename !== undefined
        ? ['codename', ref.codename]
        : ['external_id', ref.external_id];
  if (value === undefined) return undefined;
  const { rows } = await s.q.query(
    `SELECT * FROM ${table} WHERE environment_id = $1 AND ${column} = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [s.env, value],
  );
  return rows[0];
}

/** A page of rows in creation order after `afterSeq`; `more` tells whether another page follows. */
async function page(
  s: Scope,
  table: RefTable,
  afterSeq: number,
  limit: number,
): Promise<{ rows: Row[]; more: boolean }> {
  const { rows } = await s.q.query(
    `SELECT * FROM ${table} WHERE environment_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [s.env, afterSeq, limit + 1],
  );
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

export async function codenameTaken(s: Scope, table: RefTable, codename: string, exceptId?: string): Promise<boolean> {
  const { rows } = await s.q.query(
    `SELECT 1 FROM ${table} WHERE environment_id = $1 AND codename = $2 AND id IS DISTINCT FROM $3::uuid`,
    [s.env, codename, exceptId ?? null],
  );
  return rows.length > 0;
}

export async function externalIdTaken(s: Scope, table: RefTable, externalId: string): Promise<boolean> {
  const { rows } = await s.q.query(`SELECT 1 FROM ${table} WHERE environment_id = $1 AND external_id = $2`, [
    s.env,
    externalId,
  ]);
  return rows.length > 0;
}

// --- collections ----------------------------------------------------------------------------------------------------

const toCollection = (r: Row): CollectionRecord => ({
  id: String(r.id),
  name: r.name as string,
  codename: r.codename as string,
  external_id: (r.external_id as string | null) ?? null,
});

export async function listCollections(s: Scope): Promise<CollectionRecord[]> {
  const { rows } = await s.q.query('SELECT * FROM kontent_collections WHERE environment_id = $1 ORDER BY seq', [s.env]);
  return rows.map(toCollection);
}

export async function findCollection(s: Scope, ref: Ref): Promise<CollectionRecord | undefined> {
  const r = await findByRef(s, 'kontent_collections', ref);
  return r ? toCollection(r) : undefined;
}

export async function insertCollection(s: Scope, c: CollectionRecord): Promise<void> {
  await s.q.query(
    'INSERT INTO kontent_collections (environment_id, id, name, codename, external_id) VALUES ($1, $2, $3, $4, $5)',
    [s.env, c.id, c.name, c.codename, c.external_id],
  );
}

/** Deletes the collection and takes it out of every space. */
export async function deleteCollection(s: Scope, id: string): Promise<void> {
  await s.q.query('DELETE FROM kontent_collections WHERE environment_id = $1 AND id = $2', [s.env, id]);
  await s.q.query(
    `UPDATE kontent_spaces SET collections = collections - $2::text WHERE environment_id = $1 AND collections ? $2::text`,
    [s.env, id],
  );
}

export async function collectionInUse(s: Scope, id: string): Promise<boolean> {
  return usedByItemsOrScopes(s, 'collection_id', 'collections', id);
}

/** Whether an item points at the object (`column`) or a workflow scope lists it (`scopeKey`). */
async function usedByItemsOrScopes(
  s: Scope,
  column: 'collection_id' | 'type_id',
  scopeKey: 'collections' | 'content_types',
  id: string,
): Promise<boolean> {
  const items = await s.q.query(`SELECT 1 FROM kontent_items WHERE environment_id = $1 AND ${column} = $2 LIMIT 1`, [
    s.env,
    id,
  ]);
  if (items.rows.length > 0) return true;
  const scopes = await s.q.query(
    `SELECT 1 FROM kontent_workflows w, jsonb_array_elements(w.scopes) sc
     WHERE w.environment_id = $1 AND sc->'${scopeKey}' ? $2 LIMIT 1`,
    [s.env, id],
  );
  return scopes.rows.length > 0;
}

export async function getMeta<T>(s: Scope, key: string): Promise<T | undefined> {
  const { rows } = await s.q.query('SELECT value FROM kontent_meta WHERE environment_id = $1 AND key = $2', [
    s.env,
    key,
  ]);
  // Both drivers parse jsonb, so a JSON string value arrives as a string: no second parse.
  return rows[0] ? (rows[0].value as T) : undefined;
}

export async function setMeta(s: Scope, key: string, value: unknown): Promise<void> {
  await s.q.query(
    `INSERT INTO kontent_meta (environment_id, key, value) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (environment_id, key) DO UPDATE SET value = EXCLUDED.value`,
    [s.env, key, JSON.stringify(value)],
  );
}

// --- languages ------------------------------------------------------------------------------------------------------

const toLanguage = (r: Row): LanguageRecord => ({
  id: String(r.id),
  name: r.name as string,
  codename: r.codename as string,
  external_id: (r.external_id as string | null) ?? null,
  is_active: Boolean(r.is_active),
  is_default: Boolean(r.is_default),
  fallback_id: String(r.fallback_id),
});

export async function pageLanguages(s: Scope, afterSeq: number, limit: number) {
  const p = await page(s, 'kontent_languages', afterSeq, limit);
  return { records: p.rows.map(toLanguage), lastSeq: Number(p.rows.at(-1)?.seq ?? afterSeq), more: p.more };
}

export async function findLanguage(s: Scope, ref: Ref): Promise<LanguageRecord | undefined> {
  const r = await findByRef(s, 'kontent_languages', ref);
  return r ? toLanguage(r) : undefined;
}

export async function insertLanguage(s: Scope, l: LanguageRecord): Promise<void> {
  await s.q.query(
    `INSERT INTO kontent_languages (environment_id, id, name, codename, external_id, is_active, is_default, fallback_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [s.env, l.id, l.name, l.codename, l.external_id, l.is_active, l.is_default, l.fallback_id],
  );
}

export async function updateLanguage(s: Scope, l: LanguageRecord): Promise<void> {
  await s.q.query(
    `UPDATE kontent_languages SET name = $3, codename = $4, is_active = $5, fallback_id = $6
     WHERE environment_id = $1 AND id = $2`,
    [s.env, l.id, l.name, l.codename, l.is_active, l.fallback_id],
  );
}

// --- content types --------------------------------------------------------------------------------------------------

const toType = (r: Row): TypeRecord => ({
  id: String(r.id),
  name: r.name as string,
  codename: r.codename as string,
  external_id: (r.external_id as string | null) ?? null,
  elements: json(r.elements),
  last_modified: new Date(r.last_modified as string),
});

export async function pageTypes(s: Scope, afterSeq: number, limit: number) {
  const p = await page(s, 'kontent_types', afterSeq, limit);
  return { records: p.rows.map(toType), lastSeq: Number(p.rows.at(-1)?.seq ?? afterSeq), more: p.more };
}

export async function findType(s: Scope, ref: Ref, forUpdate = false): Promise<TypeRecord | undefined> {
  const r = await findByRef(s, 'kontent_types', ref, forUpdate);
  return r ? toType(r) : undefined;
}

export async function insertType(s: Scope, t: TypeRecord): Promise<void> {
  await s.q.query(
    `INSERT INTO kontent_types (environment_id, id, name, codename, external_id, elements, last_modified)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [s.env, t.id, t.name, t.codename, t.external_id, JSON.stringify(t.elements), t.last_modified],
  );
}

export async function updateType(s: Scope, t: TypeRecord): Promise<void> {
  await s.q.query(
    `UPDATE kontent_types SET name = $3, codename = $4, elements = $5::jsonb, last_modified = $6
     WHERE environment_id = $1 AND id = $2`,
    [s.env, t.id, t.name, t.codename, JSON.stringify(t.elements), t.last_modified],
  );
}

/** Drops the values of removed elements from every variant of the type's items (latest and published versions). */
export async function removeElementValues(s: Scope, typeId: string, elementIds: string[]): Promise<void> {
  const keep = (of: string) => `(SELECT COALESCE(jsonb_agg(e), '[]'::jsonb) FROM jsonb_array_elements(${of}) e
                 WHERE NOT (e->'element'->>'id' = ANY($3::text[])))`;
  await s.q.query(
    `UPDATE kontent_variants v SET elements = ${keep('v.elements')},
       published = CASE WHEN v.published IS NULL THEN NULL
                   ELSE jsonb_set(v.published, '{elements}', ${keep("v.published->'elements'")}) END
     FROM kontent_items i
     WHERE v.environment_id = $1 AND i.environment_id = $1 AND i.id = v.item_id AND i.type_id = $2`,
    [s.env, typeId, elementIds],
  );
}

/** Whether items of the type exist or a workflow scope names it. */
export async function typeInUse(s: Scope, id: string): Promise<boolean> {
  return usedByItemsOrScopes(s, 'type_id', 'content_types', id);
}

export async function deleteType(s: Scope, id: string): Promise<void> {
  await s.q.query('DELETE FROM kontent_types WHERE environment_id = $1 AND id = $2', [s.env, id]);
}

// --- content items --------------------------------------------------------------------------------------------------

const toItem = (r: Row): ItemRecord => ({
  id: String(r.id),
  name: r.name as string,
  codename: r.codename as string,
  external_id: (r.external_id as string | null) ?? null,
  type_id: String(r.type_id),
  collection_id: String(r.collection_id),
  spaces: json(r.spaces),
  last_modified: new Date(r.last_modified as string),
});

export async function pageItems(s: Scope, afterSeq: number, limit: number) {
  const p = await page(s, 'kontent_items', afterSeq, limit);
  return { records: p.rows.map(toItem), lastSeq: Number(p.rows.at(-1)?.seq ?? afterSeq), more: p.more };
}

export async function findItem(s: Scope, ref: Ref, forUpdate = false): Promise<ItemRecord | undefined> {
  const r = await findByRef(s, 'kontent_items', ref, forUpdate);
  return r ? toItem(r) : undefined;
}

export async function insertItem(s: Scope, i: ItemRecord): Promise<void> {
  await s.q.query(
    `INSERT INTO kontent_items (environment_id, id, name, codename, external_id, type_id, collection_id, spaces, last_modified)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
    [
      s.env,
      i.id,
      i.name,
      i.codename,
      i.external_id,
      i.type_id,
      i.collection_id,
      JSON.stringify(i.spaces),
      i.last_modified,
    ],
  );
}

export async function updateItem(s: Scope, i: ItemRecord): Promise<void> {
  await s.q.query(
    `UPDATE kontent_items SET name = $3, codename = $4, collection_id = $5, spaces = $6::jsonb, last_modified = $7
     WHERE environment_id = $1 AND id = $2`,
    [s.env, i.id, i.name, i.codename, i.collection_id, JSON.stringify(i.spaces), i.last_modified],
  );
}

export async function deleteItem(s: Scope, id: string): Promise<void> {
  await s.q.query('DELETE FROM kontent_variants WHERE environment_id = $1 AND item_id = $2', [s.env, id]);
  await s.q.query('DELETE FROM kontent_items WHERE environment_id = $1 AND id = $2', [s.env, id]);
}

// --- variants -------------------------------------------------------------------------------------------------------

const toVariant = (r: Row): VariantRecord => ({
  itemId: String(r.item_id),
  languageId: String(r.language_id),
  elements: json(r.elements),
  workflowId: String(r.workflow_id),
  stepId: String(r.step_id),
  contributors: json(r.contributors),
  dueDate: date(r.due_date),
  note: (r.note as string | null) ?? null,
  lastModified: new Date(r.last_modified as string),
  publishTime: date(r.publish_time),
  publishTimezone: (r.publish_timezone as string | null) ?? null,
  unpublishTime: date(r.unpublish_time),
  unpublishTimezone: (r.unpublish_timezone as string | null) ?? null,
  published: r.published === null || r.published === undefined ? null : json(r.published),
});

export async function findVariant(
  s: Scope,
  itemId: string,
  languageId: string,
  forUpdate = false,
): Promise<VariantRecord | undefined> {
  const { rows } = await s.q.query(
    `SELECT * FROM kontent_variants WHERE environment_id = $1 AND item_id = $2 AND language_id = $3${forUpdate ? ' FOR UPDATE' : ''}`,
    [s.env, itemId, languageId],
  );
  return rows[0] ? toVariant(rows[0]) : undefined;
}

export async function saveVariant(s: Scope, v: VariantRecord): Promise<void> {
  await s.q.query(
    `INSERT INTO kontent_variants (environment_id, item_id, language_id, elements, workflow_id, step_id, contributors,
       due_date, note, last_modified, publish_time, publish_timezone, unpublish_time, unpublish_timezone, published)
     VALUES ($15, $1, $2, $3::jsonb, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
     ON CONFLICT (environment_id, item_id, language_id) DO UPDATE SET elements = EXCLUDED.elements, workflow_id = EXCLUDED.workflow_id,
       step_id = EXCLUDED.step_id, contributors = EXCLUDED.contributors, due_date = EXCLUDED.due_date, note = EXCLUDED.note,
       last_modified = EXCLUDED.last_modified, publish_time = EXCLUDED.publish_time,
       publish_timezone = EXCLUDED.publish_timezone, unpublish_time = EXCLUDED.unpublish_time,
       unpublish_timezone = EXCLUDED.unpublish_timezone, published = EXCLUDED.published`,
    [
      v.itemId,
      v.languageId,
      JSON.stringify(v.elements),
      v.workflowId,
      v.stepId,
      JSON.stringify(v.contributors),
      v.dueDate,
      v.note,
      v.lastModified,
      v.publishTime,
      v.publishTimezone,
      v.unpublishTime,
      v.unpublishTimezone,
      v.published === null ? null : JSON.stringify(v.published),
      s.env,
    ],
  );
}

/** The environment of an item, found by its id alone (only for jobs written before environments existed). */
export async function environmentOfItem(q: Queryable, itemId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ environment_id: string }>(
    'SELECT environment_id FROM kontent_items WHERE id = $1 LIMIT 1',
    [itemId],
  );
  return rows[0]?.environment_id;
}

export async function deleteVariant(s: Scope, itemId: string, languageId: string): Promise<void> {
  await s.q.query('DELETE FROM kontent_variants WHERE environment_id = $1 AND item_id = $2 AND language_id = $3', [
    s.env,
    itemId,
    languageId,
  ]);
}

/** Which variants a list takes: of one item, of items of a type, in a collection, or in a space. */
export type VariantListFilter =
  | { itemId: string }
  | { typeId: string }
  | { collectionId: string }
  | { spaceId: string }
  | { all: true };

/** A page of variants in creation order after `afterSeq` (keyset paging on (environment_id, seq)). */
export async function pageVariants(s: Scope, filter: VariantListFilter, afterSeq: number, limit: number) {
  const params: unknown[] = [s.env, afterSeq, limit + 1];
  let where = '';
  if ('itemId' in filter) {
    params.push(filter.itemId);
    where = 'AND v.item_id = $4';
  } else if ('typeId' in filter) {
    params.push(filter.typeId);
    where = 'AND i.type_id = $4';
  } else if ('collectionId' in filter) {
    params.push(filter.collectionId);
    where = 'AND i.collection_id = $4';
  } else if ('spaceId' in filter) {
    // In a space: items that list it in `spaces`, and items in one of its collections.
    params.push(filter.spaceId);
    where = `AND (i.spaces ? $4::text OR i.collection_id::text IN (
      SELECT jsonb_array_elements_text(sp.collections) FROM kontent_spaces sp
      WHERE sp.environment_id = v.environment_id AND sp.id::text = $4::text))`;
  }
  const { rows } = await s.q.query(
    `SELECT v.* FROM kontent_variants v
     JOIN kontent_items i ON i.environment_id = v.environment_id AND i.id = v.item_id
     WHERE v.environment_id = $1 AND v.seq > $2 ${where}
     ORDER BY v.seq LIMIT $3`,
    params,
  );
  const page = rows.slice(0, limit);
  return { records: page.map(toVariant), lastSeq: Number(page.at(-1)?.seq ?? afterSeq), more: rows.length > limit };
}

// --- spaces ---------------------------------------------------------------------------------------------------------

export interface SpaceRecord {
  id: string;
  name: string;
  codename: string;
  web_spotlight_root_item_id: string | null;
  /** Ids of the collections that belong to the space. */
  collections: string[];
}

const toSpace = (r: Row): SpaceRecord => ({
  id: String(r.id),
  name: r.name as string,
  codename: r.codename as string,
  web_spotlight_root_item_id: r.web_spotlight_root_item_id == null ? null : String(r.web_spotlight_root_item_id),
  collections: json(r.collections) as string[],
});

export async function listSpaces(s: Scope): Promise<SpaceRecord[]> {
  const { rows } = await s.q.query('SELECT * FROM kontent_spaces WHERE environment_id = $1 ORDER BY seq', [s.env]);
  return rows.map(toSpace);
}

export async function findSpace(s: Scope, ref: Ref, forUpdate = false): Promise<SpaceRecord | undefined> {
  const [column, value] = ref.id !== undefined ? ['id', ref.id] : ['codename', ref.codename];
  if (value === undefined) return undefined;
  const { rows } = await s.q.query(
    `SELECT * FROM kontent_spaces WHERE environment_id = $1 AND ${column} = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [s.env, value],
  );
  return rows[0] ? toSpace(rows[0]) : undefined;
}

export async function spaceCodenameTaken(s: Scope, codename: string, exceptId?: string): Promise<boolean> {
  const { rows } = await s.q.query(
    'SELECT 1 FROM kontent_spaces WHERE environment_id = $1 AND codename = $2 AND id IS DISTINCT FROM $3::uuid',
    [s.env, codename, exceptId ?? null],
  );
  return rows.length > 0;
}

export async function insertSpace(s: Scope, sp: SpaceRecord): Promise<void> {
  await s.q.query(
    `INSERT INTO kontent_spaces (environment_id, id, name, codename, web_spotlight_root_item_id, collections)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [s.env, sp.id, sp.name, sp.codename, sp.web_spotlight_root_item_id, JSON.stringify(sp.collections)],
  );
}

export async function updateSpace(s: Scope, sp: SpaceRecord): Promise<void> {
  await s.q.query(
    `UPDATE kontent_spaces SET name = $3, codename = $4, web_spotlight_root_item_id = $5, collections = $6::jsonb
     WHERE environment_id = $1 AND id = $2`,
    [s.env, sp.id, sp.name, sp.codename, sp.web_spotlight_root_item_id, JSON.stringify(sp.collections)],
  );
}

/** Deletes the space and takes it out of every item's `spaces`. */
export async function deleteSpace(s: Scope, id: string): Promise<void> {
  await s.q.query('DELETE FROM kontent_spaces WHERE environment_id = $1 AND id = $2', [s.env, id]);
  await s.q.query(
    `UPDATE kontent_items SET spaces = spaces - $2::text WHERE environment_id = $1 AND spaces ? $2::text`,
    [s.env, id],
  );
}

// --- environments ---------------------------------------------------------------------------------------------------

/** Serializes setting up an environment (two servers may start on one database at once). */
export async function lockEnvironment(s: Scope): Promise<void> {
  await s.q.query(
    `SELECT pg_advisory_xact_lock(hashtext('wfkit:kontent:environment:' || current_schema() || ':' || $1))`,
    [s.env],
  );
}

/** Whether the environment has its content model (the default workflow exists). */
export async function environmentReady(s: Scope): Promise<boolean> {
  const { rows } = await s.q.query(
    `SELECT 1 FROM kontent_workflows WHERE environment_id = $1 AND id = '00000000-0000-0000-0000-000000000000'`,
    [s.env],
  );
  return rows.length > 0;
}

const KONTENT_TABLES = [
  'kontent_roles',
  'kontent_collections',
  'kontent_languages',
  'kontent_types',
  'kontent_items',
  'kontent_workflows',
  'kontent_variants',
  'kontent_meta',
] as const;

/** Moves the rows written before environments existed (environment_id '') into this environment. */
export async function adoptLegacyRows(s: Scope): Promise<void> {
  const legacy = await s.q.query(
    `SELECT 1 FROM kontent_workflows WHERE environment_id = '' AND id = '00000000-0000-0000-0000-000000000000'`,
  );
  if (legacy.rows.length === 0) return;
  // Every foreign key includes environment_id, so parents and children move together: the keys are deferrable
  // (migration 080) and checked at the caller's commit.
  await s.q.query('SET CONSTRAINTS ALL DEFERRED');
  for (const table of KONTENT_TABLES) {
    await s.q.query(`UPDATE ${table} SET environment_id = $1 WHERE environment_id = ''`, [s.env]);
  }
}

/** The content model every environment starts with: roles, the default collection, language and workflow. */
export async function seedEnvironment(s: Scope): Promise<void> {
  await s.q.query(
    `INSERT INTO kontent_roles (environment_id, id, name, codename) VALUES
       ($1, 'f58733b9-520b-406b-9d45-eb15a2baee96', 'Project manager', 'project-manager'),
       ($1, '9b0e5fcb-6b1a-4b2c-8a3f-1d2e3f4a5b6c', 'Developer', NULL),
       ($1, '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 'Content contributor', NULL),
       ($1, '6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b', 'Reviewer', NULL)
     ON CONFLICT DO NOTHING`,
    [s.env],
  );
  await s.q.query(
    `INSERT INTO kontent_collections (environment_id, id, name, codename)
     VALUES ($1, '00000000-0000-0000-0000-000000000000', 'Default', 'default') ON CONFLICT DO NOTHING`,
    [s.env],
  );
  await s.q.query(
    `INSERT INTO kontent_languages (environment_id, id, name, codename, is_active, is_default, fallback_id)
     VALUES ($1, '00000000-0000-0000-0000-000000000000', 'Default project language', 'default', true, true,
       '00000000-0000-0000-0000-000000000000') ON CONFLICT DO NOTHING`,
    [s.env],
  );
  await s.q.query(
    `INSERT INTO kontent_workflows (environment_id, id, name, codename, scopes, steps)
     VALUES ($1, '00000000-0000-0000-0000-000000000000', 'Default', 'default', '[]'::jsonb,
       '[{"id":"eee6db3b-545a-4785-8e86-e3772c8756f9","name":"Draft","codename":"draft","color":"gray","transitions_to":["c199950d-99f0-4983-b711-6c4c91624b22","7a535a69-ad34-47f8-806a-def1fdf4d391"],"role_ids":[]}]'::jsonb)
     ON CONFLICT DO NOTHING`,
    [s.env],
  );
  await s.q.query(
    `INSERT INTO kontent_meta (environment_id, key, value) VALUES ($1, 'collections_last_modified', 'null'::jsonb)
     ON CONFLICT DO NOTHING`,
    [s.env],
  );
}

// --- items with variants ----------------------------------------------------------------------------------------------

/** Every item of the environment (narrowed by type, collection and space ids when given) with its variant in a language. */
export async function itemsWithVariant(
  s: Scope,
  languageId: string,
  narrow: { typeIds?: string[]; collectionIds?: string[]; spaceIds?: string[] },
): Promise<{ item: ItemRecord; variant: VariantRecord | undefined }[]> {
  const params: unknown[] = [s.env, languageId];
  const where: string[] = [];
  if (narrow.typeIds) {
    params.push(narrow.typeIds);
    where.push(`i.type_id = ANY($${params.length}::uuid[])`);
  }
  if (narrow.collectionIds) {
    params.push(narrow.collectionIds);
    where.push(`i.collection_id = ANY($${params.length}::uuid[])`);
  }
  if (narrow.spaceIds) {
    params.push(narrow.spaceIds);
    const n = params.length;
    // As for the variants-by-space list: listed in `spaces`, or in one of the spaces' collections.
    where.push(`(i.spaces ?| $${n}::text[] OR i.collection_id::text IN (
      SELECT jsonb_array_elements_text(sp.collections) FROM kontent_spaces sp
      WHERE sp.environment_id = i.environment_id AND sp.id::text = ANY($${n}::text[])))`);
  }
  const { rows } = await s.q.query(
    `SELECT i.id AS i_id, i.name AS i_name, i.codename AS i_codename, i.external_id AS i_external_id,
       i.type_id AS i_type_id, i.collection_id AS i_collection_id, i.spaces AS i_spaces,
       i.last_modified AS i_last_modified, v.*
     FROM kontent_items i
     LEFT JOIN kontent_variants v
       ON v.environment_id = i.environment_id AND v.item_id = i.id AND v.language_id = $2
     WHERE i.environment_id = $1 ${where.map((w) => `AND ${w}`).join(' ')}
     ORDER BY i.seq`,
    params,
  );
  return rows.map((r) => ({
    item: toItem({
      id: r.i_id,
      name: r.i_name,
      codename: r.i_codename,
      external_id: r.i_external_id,
      type_id: r.i_type_id,
      collection_id: r.i_collection_id,
      spaces: r.i_spaces,
      last_modified: r.i_last_modified,
    }),
    variant: r.item_id === null || r.item_id === undefined ? undefined : toVariant(r),
  }));
}
