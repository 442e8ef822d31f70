/** Every SQL statement of the IGA API. */

import type { IgaDefinition } from '../../dialects/iga/types.js';
import type { Db, Queryable } from '../../store/db.js';
import type { RequestDoc } from './request-doc.js';

export type Status = 'draft' | 'published';

export interface StoredDefinition extends IgaDefinition {
  _rev: number;
  status: Status;
  mutable: boolean;
}

interface Row {
  id: string;
  status: Status;
  rev: number;
  mutable: boolean;
  body: Record<string, unknown> | string;
}

const toDefinition = (r: Row): StoredDefinition => {
  const body = (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as Omit<IgaDefinition, 'id'>;
  return { id: r.id, ...body, _rev: r.rev, status: r.status, mutable: r.mutable } as StoredDefinition;
};

/** The stored body: everything but the columns. */
export function bodyOf(def: IgaDefinition): Record<string, unknown> {
  const { id: _id, _rev, status: _s, mutable: _m, ...rest } = def as IgaDefinition & Record<string, unknown>;
  return rest;
}

/** Thrown when a unique (id, status) row already exists: the one-draft rule. */
export class DraftExistsError extends Error {}

export async function read(q: Queryable, id: string, status: Status): Promise<StoredDefinition | undefined> {
  const { rows } = await q.query<Row>(
    'SELECT id, status, rev, mutable, body FROM iga_definitions WHERE id = $1 AND status = $2',
    [id, status],
  );
  return rows[0] ? toDefinition(rows[0]) : undefined;
}

export async function listAll(q: Queryable): Promise<StoredDefinition[]> {
  const { rows } = await q.query<Row>('SELECT id, status, rev, mutable, body FROM iga_definitions ORDER BY id, status');
  return rows.map(toDefinition);
}

/** Creates the draft (rev: the published one's, or 0); DraftExistsError when the id has one already. */
export async function createDraft(db: Db, def: IgaDefinition, at: string): Promise<StoredDefinition> {
  return db.transaction(async (tx) => {
    const published = await read(tx, def.id, 'published');
    const { rows } = await tx.query<Row>(
      `INSERT INTO iga_definitions (id, status, rev, mutable, body, created_at, updated_at) VALUES ($1, 'draft', $2, true, $3, $4, $4)
       ON CONFLICT (id, status) DO NOTHING RETURNING id, status, rev, mutable, body`,
      [def.id, published?._rev ?? 0, JSON.stringify(bodyOf(def)), at],
    );
    if (!rows[0]) throw new DraftExistsError(def.id);
    return toDefinition(rows[0]);
  });
}

/** Replaces the draft's body (keeping _rev); undefined when there is no draft. */
export async function updateDraft(q: Queryable, def: IgaDefinition, at: string): Promise<StoredDefinition | undefined> {
  const { rows } = await q.query<Row>(
    `UPDATE iga_definitions SET body = $2, updated_at = $3 WHERE id = $1 AND status = 'draft' RETURNING id, status, rev, mutable, body`,
    [def.id, JSON.stringify(bodyOf(def)), at],
  );
  return rows[0] ? toDefinition(rows[0]) : undefined;
}

/** Locks and returns the draft (for publish). */
export async function lockDraft(tx: Queryable, id: string): Promise<StoredDefinition | undefined> {
  const { rows } = await tx.query<Row>(
    `SELECT id, status, rev, mutable, body FROM iga_definitions WHERE id = $1 AND status = 'draft' FOR UPDATE`,
    [id],
  );
  return rows[0] ? toDefinition(rows[0]) : undefined;
}

/** Makes the (locked) draft the published definition with rev + 1 and removes the draft. */
export async function publishDraft(tx: Queryable, draft: StoredDefinition, at: string): Promise<StoredDefinition> {
  await tx.query(`DELETE FROM iga_definitions WHERE id = $1 AND status = 'draft'`, [draft.id]);
  const { rows } = await tx.query<Row>(
    `INSERT INTO iga_definitions (id, status, rev, mutable, body, created_at, updated_at) VALUES ($1, 'published', $2, true, $3, $4, $4)
     ON CONFLICT (id, status) DO UPDATE SET rev = EXCLUDED.rev, body = EXCLUDED.body, updated_at = EXCLUDED.updated_at
     RETURNING id, status, rev, mutable, body`,
    [draft.id, draft._rev + 1, JSON.stringify(bodyOf(draft)), at],
  );
  return toDefinition(rows[0]!);
}

export async function deleteRow(q: Queryable, id: string, status: Status): Promise<boolean> {
  const r = await q.query('DELETE FROM iga_definitions WHERE id = $1 AND status = $2', [id, status]);
  return r.rowCount > 0;
}

/** What keeps a published definition from being deleted: in-progress (or suspended) requests and bound request types. */
export async function usage(q: Queryable, id: string): Promise<{ requests: number; requestTypes: string[] }> {
  const r = await q.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM iga_requests WHERE workflow_id = $1 AND status IN ('in-progress', 'suspended')`,
    [id],
  );
  const t = await q.query<{ id: string }>('SELECT id FROM iga_request_types WHERE workflow_id = $1 ORDER BY id', [id]);
  return { requests: Number(r.rows[0]!.n), requestTypes: t.rows.map((x) => x.id) };
}

export async function lockPublished(tx: Queryable, id: string): Promise<StoredDefinition | undefined> {
  const { rows } = await tx.query<Row>(
    `SELECT id, status, rev, mutable, body FROM iga_definitions WHERE id = $1 AND status = 'published' FOR UPDATE`,
    [id],
  );
  return rows[0] ? toDefinition(rows[0]) : undefined;
}

/** Whether a published definition exists, holding a share lock on it until the transaction ends. */
export async function sharePublished(tx: Queryable, id: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM iga_definitions WHERE id = $1 AND status = 'published' FOR SHARE`, [
    id,
  ]);
  return rows.length > 0;
}

// --- request types ---------------------------------------------------------------------------------------------------

export interface RequestTypeRecord {
  id: string;
  displayName: string;
  description?: string;
  workflow: { id?: string };
  _rev: number;
  custom: boolean;
  schemas: Record<string, unknown>;
}

interface TypeRow {
  id: string;
  display_name: string;
  description: string | null;
  workflow_id: string | null;
  rev: number;
  custom: boolean;
  schemas: Record<string, unknown> | string;
}

const toType = (r: TypeRow): RequestTypeRecord => ({
  id: r.id,
  displayName: r.display_name,
  ...(r.description !== null ? { description: r.description } : {}),
  workflow: r.workflow_id ? { id: r.workflow_id } : {},
  _rev: r.rev,
  custom: r.custom,
  schemas: typeof r.schemas === 'string' ? JSON.parse(r.schemas) : r.schemas,
});

export async function listRequestTypes(q: Queryable): Promise<RequestTypeRecord[]> {
  const { rows } = await q.query<TypeRow>('SELECT * FROM iga_request_types ORDER BY id');
  return rows.map(toType);
}

export async function readRequestType(q: Queryable, id: string, lock = false): Promise<RequestTypeRecord | undefined> {
  const { rows } = await q.query<TypeRow>(`SELECT * FROM iga_request_types WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
  return rows[0] ? toType(rows[0]) : undefined;
}

/** A new request type; false when the id is taken (nothing written). */
export async function insertRequestType(q: Queryable, t: RequestTypeRecord): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO iga_request_types (id, display_name, description, workflow_id, rev, custom, schemas)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [t.id, t.displayName, t.description ?? null, t.workflow.id ?? null, t._rev, t.custom, JSON.stringify(t.schemas)],
  );
  return rows.length > 0;
}

export async function updateRequestType(
  q: Queryable,
  id: string,
  changes: { workflowId?: string; displayName?: string },
): Promise<RequestTypeRecord> {
  const { rows } = await q.query<TypeRow>(
    `UPDATE iga_request_types SET workflow_id = COALESCE($2, workflow_id), display_name = COALESCE($3, display_name), rev = rev + 1
     WHERE id = $1 RETURNING *`,
    [id, changes.workflowId ?? null, changes.displayName ?? null],
  );
  return toType(rows[0]!);
}

// --- requests --------------------------------------------------------------------------------------------------------

interface RequestRow {
  id: string;
  body: RequestDoc | string;
}
const toDoc = (r: RequestRow): RequestDoc => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body);

export async function insertRequest(tx: Queryable, doc: RequestDoc): Promise<void> {
  await tx.query(
    `INSERT INTO iga_requests (id, request_type, workflow_id, status, created_at, body, instance_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $5)`,
    [
      doc.id,
      doc.requestType,
      doc.workflow.id,
      doc.decision.status,
      doc.metadata.createdDate,
      JSON.stringify(doc),
      doc.workflow.instanceId ?? null,
    ],
  );
}

export async function saveRequest(tx: Queryable, doc: RequestDoc): Promise<void> {
  await tx.query('UPDATE iga_requests SET status = $2, body = $3, updated_at = $4 WHERE id = $1', [
    doc.id,
    doc.decision.status,
    JSON.stringify(doc),
    doc.metadata.modifiedDate,
  ]);
}

export async function readRequest(q: Queryable, id: string, lock = false): Promise<RequestDoc | undefined> {
  const { rows } = await q.query<RequestRow>(
    `SELECT id, body FROM iga_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? toDoc(rows[0]) : undefined;
}

export async function allRequests(q: Queryable): Promise<RequestDoc[]> {
  const { rows } = await q.query<RequestRow>(
    `SELECT id, body FROM iga_requests WHERE body <> '{}'::jsonb ORDER BY created_at, id`,
  );
  return rows.map(toDoc);
}
