/** SQL of IDM's generic repository table (migration 091). */
import type { Queryable } from '../../../store/db.js';
import type { ColumnMap } from '../crest/sql.js';

export interface RepoRow {
  collection: string;
  id: string;
  rev: string | number;
  body: Record<string, unknown>;
}

export const REPO_SELECT = 'SELECT r.* FROM idm_repo_object r';
export const REPO_FROM = 'FROM idm_repo_object r';
/** `_id`, and every other field through the JSON body. */
export const repoColumns = (fields: Iterable<string>): ColumnMap => {
  const columns: ColumnMap = { _id: { sql: 'r.id', type: 'text' } };
  for (const f of fields) if (f !== '_id') columns[f] = { sql: `r.body -> '${f.replace(/'/g, "''")}'`, type: 'jsonb' };
  return columns;
};

export async function insertDocument(
  q: Queryable,
  d: { collection: string; id: string; body: Record<string, unknown>; now: Date },
): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO idm_repo_object (collection, id, body, create_time) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (collection, id) DO NOTHING RETURNING id`,
    [d.collection, d.id, JSON.stringify(d.body), d.now],
  );
  return rows.length === 1;
}

export async function getDocument(q: Queryable, collection: string, id: string): Promise<RepoRow | null> {
  const { rows } = await q.query<RepoRow>('SELECT * FROM idm_repo_object WHERE collection = $1 AND id = $2', [
    collection,
    id,
  ]);
  return rows[0] ?? null;
}

/** Replaces a document's body when `rev` matches (or is null); answers whether it did. */
export async function replaceDocument(
  q: Queryable,
  d: { collection: string; id: string; body: Record<string, unknown>; rev: string | null },
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE idm_repo_object SET body = $3::jsonb, rev = rev + 1
      WHERE collection = $1 AND id = $2 AND ($4::text IS NULL OR rev::text = $4) RETURNING id`,
    [d.collection, d.id, JSON.stringify(d.body), d.rev],
  );
  return rows.length === 1;
}

export async function deleteDocument(q: Queryable, collection: string, id: string): Promise<void> {
  await q.query('DELETE FROM idm_repo_object WHERE collection = $1 AND id = $2', [collection, id]);
}
