/** Every SQL statement of the Kontent-style API. Functions take the caller's Queryable (a transaction or the Db). */
import type { Queryable } from '../../store/db.js';

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
export async function lockWorkflows(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('wfkit:kontent:workflows:' || current_schema()))`);
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

export async function listWorkflows(q: Queryable): Promise<WorkflowRecord[]> {
  const { rows } = await q.query(`SELECT ${WORKFLOW_COLUMNS} FROM kontent_workflows ORDER BY seq`);
  return rows.map(toWorkflow);
}

export async function findWorkflow(
  q: Queryable,
  ref: { id?: string; codename?: string },
): Promise<WorkflowRecord | undefined> {
  const [column, value] = ref.id !== undefined ? ['id', ref.id] : ['codename', ref.codename];
  const { rows } = await q.query(`SELECT ${WORKFLOW_COLUMNS} FROM kontent_workflows WHERE ${column} = $1`, [value]);
  return rows[0] ? toWorkflow(rows[0]) : undefined;
}

export async function saveWorkflow(q: Queryable, w: WorkflowRecord, isNew: boolean): Promise<void> {
  const values = [
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
    await q.query(
      `INSERT INTO kontent_workflows (${WORKFLOW_COLUMNS}) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb)`,
      values,
    );
  } else {
    await q.query(
      `UPDATE kontent_workflows SET name = $2, codename = $3, scopes = $4::jsonb, steps = $5::jsonb,
         unpublish_role_ids = $6::jsonb, create_new_version_role_ids = $7::jsonb, archived_role_ids = $8::jsonb
       WHERE id = $1`,
      values,
    );
  }
}

export async function deleteWorkflow(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM kontent_workflows WHERE id = $1', [id]);
}

/** Whether any variant (latest or published version) is in the workflow. */
export async function workflowInUse(q: Queryable, id: string): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT 1 FROM kontent_variants WHERE workflow_id = $1 OR published->>'workflow_id' = $2 LIMIT 1`,
    [id, id],
  );
  return rows.length > 0;
}

/** The steps of the list that some variant is in. */
export async function stepsInUse(q: Queryable, workflowId: string, stepIds: string[]): Promise<string[]> {
  if (stepIds.length === 0) return [];
  const { rows } = await q.query<{ step_id: string }>(
    'SELECT DISTINCT step_id::text AS step_id FROM kontent_variants WHERE workflow_id = $1 AND step_id = ANY($2::uuid[])',
    [workflowId, stepIds],
  );
  return rows.map((r) => r.step_id);
}

// --- roles ----------------------------------------------------------------------------------------------------------

export async function listRoles(q: Queryable): Promise<RoleRecord[]> {
  const { rows } = await q.query<RoleRecord>('SELECT id::text AS id, name, codename FROM kontent_roles ORDER BY seq');
  return rows;
}

export async function findRole(q: Queryable, ref: { id?: string; codename?: string }): Promise<RoleRecord | undefined> {
  const [column, value] = ref.id !== undefined ? ['id', ref.id] : ['codename', ref.codename];
  const { rows } = await q.query<RoleRecord>(
    `SELECT id::text AS id, name, codename FROM kontent_roles WHERE ${column} = $1`,
    [value],
  );
  return rows[0];
}

// --- generic lookups by reference -----------------------------------------------------------------------------------

type RefTable = 'kontent_collections' | 'kontent_languages' | 'kontent_types' | 'kontent_items';

async function findByRef(q: Queryable, table: RefTable, ref: Ref, forUpdate = false): Promise<Row | undefined> {
  const [column, value] =
    ref.id !== undefined
      ? ['id', ref.id]
      : ref.codename !== undefined
        ? ['codename', ref.codename]
        : ['external_id', ref.external_id];
  if (value === undefined) return undefined;
  const { rows } = await q.query(`SELECT * FROM ${table} WHERE ${column} = $1${forUpdate ? ' FOR UPDATE' : ''}`, [
    value,
  ]);
  return rows[0];
}

/** A page of rows in creation order after `afterSeq`; `more` tells whether another page follows. */
async function page(
  q: Queryable,
  table: RefTable,
  afterSeq: number,
  limit: number,
): Promise<{ rows: Row[]; more: boolean }> {
  const { rows } = await q.query(`SELECT * FROM ${table} WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit + 1]);
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

export async function codenameTaken(
  q: Queryable,
  table: RefTable,
  codename: string,
  exceptId?: string,
): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM ${table} WHERE codename = $1 AND id IS DISTINCT FROM $2::uuid`, [
    codename,
    exceptId ?? null,
  ]);
  return rows.length > 0;
}

export async function externalIdTaken(q: Queryable, table: RefTable, externalId: string): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM ${table} WHERE external_id = $1`, [externalId]);
  return rows.length > 0;
}

// --- collections ----------------------------------------------------------------------------------------------------

const toCollection = (r: Row): CollectionRecord => ({
  id: String(r.id),
  name: r.name as string,
  codename: r.codename as string,
  external_id: (r.external_id as string | null) ?? null,
});

export async function listCollections(q: Queryable): Promise<CollectionRecord[]> {
  const { rows } = await q.query('SELECT * FROM kontent_collections ORDER BY seq');
  return rows.map(toCollection);
}

export async function findCollection(q: Queryable, ref: Ref): Promise<CollectionRecord | undefined> {
  const r = await findByRef(q, 'kontent_collections', ref);
  return r ? toCollection(r) : undefined;
}

export async function insertCollection(q: Queryable, c: CollectionRecord): Promise<void> {
  await q.query('INSERT INTO kontent_collections (id, name, codename, external_id) VALUES ($1, $2, $3, $4)', [
    c.id,
    c.name,
    c.codename,
    c.external_id,
  ]);
}

export async function deleteCollection(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM kontent_collections WHERE id = $1', [id]);
}

export async function collectionInUse(q: Queryable, id: string): Promise<boolean> {
  const items = await q.query('SELECT 1 FROM kontent_items WHERE collection_id = $1 LIMIT 1', [id]);
  if (items.rows.length > 0) return true;
  const scopes = await q.query(
    `SELECT 1 FROM kontent_workflows, jsonb_array_elements(scopes) s WHERE s->'collections' ? $1 LIMIT 1`,
    [id],
  );
  return scopes.rows.length > 0;
}

export async function getMeta<T>(q: Queryable, key: string): Promise<T | undefined> {
  const { rows } = await q.query('SELECT value FROM kontent_meta WHERE key = $1', [key]);
  // Both drivers parse jsonb, so a JSON string value arrives as a string: no second parse.
  return rows[0] ? (rows[0].value as T) : undefined;
}

export async function setMeta(q: Queryable, key: string, value: unknown): Promise<void> {
  await q.query(
    'INSERT INTO kontent_meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
    [key, JSON.stringify(value)],
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

export async function pageLanguages(q: Queryable, afterSeq: number, limit: number) {
  const p = await page(q, 'kontent_languages', afterSeq, limit);
  return { records: p.rows.map(toLanguage), lastSeq: Number(p.rows.at(-1)?.seq ?? afterSeq), more: p.more };
}

export async function findLanguage(q: Queryable, ref: Ref): Promise<LanguageRecord | undefined> {
  const r = await findByRef(q, 'kontent_languages', ref);
  return r ? toLanguage(r) : undefined;
}

export async function insertLanguage(q: Queryable, l: LanguageRecord): Promise<void> {
  await q.query(
    `INSERT INTO kontent_languages (id, name, codename, external_id, is_active, is_default, fallback_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [l.id, l.name, l.codename, l.external_id, l.is_active, l.is_default, l.fallback_id],
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

export async function pageTypes(q: Queryable, afterSeq: number, limit: number) {
  const p = await page(q, 'kontent_types', afterSeq, limit);
  return { records: p.rows.map(toType), lastSeq: Number(p.rows.at(-1)?.seq ?? afterSeq), more: p.more };
}

export async function findType(q: Queryable, ref: Ref): Promise<TypeRecord | undefined> {
  const r = await findByRef(q, 'kontent_types', ref);
  return r ? toType(r) : undefined;
}

export async function insertType(q: Queryable, t: TypeRecord): Promise<void> {
  await q.query(
    `INSERT INTO kontent_types (id, name, codename, external_id, elements, last_modified) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [t.id, t.name, t.codename, t.external_id, JSON.stringify(t.elements), t.last_modified],
  );
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

export async function pageItems(q: Queryable, afterSeq: number, limit: number) {
  const p = await page(q, 'kontent_items', afterSeq, limit);
  return { records: p.rows.map(toItem), lastSeq: Number(p.rows.at(-1)?.seq ?? afterSeq), more: p.more };
}

export async function findItem(q: Queryable, ref: Ref, forUpdate = false): Promise<ItemRecord | undefined> {
  const r = await findByRef(q, 'kontent_items', ref, forUpdate);
  return r ? toItem(r) : undefined;
}

export async function insertItem(q: Queryable, i: ItemRecord): Promise<void> {
  await q.query(
    `INSERT INTO kontent_items (id, name, codename, external_id, type_id, collection_id, spaces, last_modified)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [i.id, i.name, i.codename, i.external_id, i.type_id, i.collection_id, JSON.stringify(i.spaces), i.last_modified],
  );
}

export async function updateItem(q: Queryable, i: ItemRecord): Promise<void> {
  await q.query(
    `UPDATE kontent_items SET name = $2, codename = $3, collection_id = $4, spaces = $5::jsonb, last_modified = $6 WHERE id = $1`,
    [i.id, i.name, i.codename, i.collection_id, JSON.stringify(i.spaces), i.last_modified],
  );
}

export async function deleteItem(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM kontent_variants WHERE item_id = $1', [id]);
  await q.query('DELETE FROM kontent_items WHERE id = $1', [id]);
}

export async function variantKeysOfItem(q: Queryable, itemId: string): Promise<string[]> {
  const { rows } = await q.query<{ language_id: string }>(
    'SELECT language_id::text AS language_id FROM kontent_variants WHERE item_id = $1',
    [itemId],
  );
  return rows.map((r) => r.language_id);
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
  q: Queryable,
  itemId: string,
  languageId: string,
  forUpdate = false,
): Promise<VariantRecord | undefined> {
  const { rows } = await q.query(
    `SELECT * FROM kontent_variants WHERE item_id = $1 AND language_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [itemId, languageId],
  );
  return rows[0] ? toVariant(rows[0]) : undefined;
}

export async function saveVariant(q: Queryable, v: VariantRecord): Promise<void> {
  await q.query(
    `INSERT INTO kontent_variants (item_id, language_id, elements, workflow_id, step_id, contributors, due_date, note,
       last_modified, publish_time, publish_timezone, unpublish_time, unpublish_timezone, published)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
     ON CONFLICT (item_id, language_id) DO UPDATE SET elements = EXCLUDED.elements, workflow_id = EXCLUDED.workflow_id,
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
    ],
  );
}
