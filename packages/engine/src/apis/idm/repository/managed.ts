/** SQL of the managed object tables (migration 090): objects, unique values, relationship edges. */
import type { Queryable } from '../../../store/db.js';
import type { ColumnMap } from '../crest/sql.js';

export interface ObjectRow {
  type: string;
  id: string;
  rev: string | number;
  body: Record<string, unknown>;
  create_time: Date;
  last_update_time: Date;
}

/** Edge ends are collection paths (`managed/user`, `internal/role`). One end's view of an edge: the property it fills on this object and the object at the other end. */
export interface EdgeRow {
  edge_id: string;
  rev: string | number;
  property: string;
  other_type: string;
  other_id: string;
  properties: Record<string, unknown>;
}

export interface NewEdge {
  id: string;
  property: string;
  reverse: string | null;
  otherType: string;
  otherId: string;
  properties: Record<string, unknown>;
}

export const OBJECT_SELECT = 'SELECT o.* FROM idm_managed_object o';
export const OBJECT_FROM = 'FROM idm_managed_object o';

/**
 * A relationship property as JSON for queries: `{_ref, _refResourceCollection, _refResourceId}` for a single one
 * (`manager/_refResourceId eq "..."`), an array of them for a list.
 */
function edgesAsJson(property: string, many: boolean): string {
  const p = property.replace(/'/g, "''");
  const ref = "jsonb_build_object('_ref', e.t || '/' || e.i, '_refResourceCollection', e.t, '_refResourceId', e.i)";
  return `(SELECT ${many ? `COALESCE(jsonb_agg(${ref}), '[]'::jsonb)` : `(array_agg(${ref}))[1]`}
    FROM (SELECT second_type AS t, second_id AS i FROM idm_managed_relationship WHERE first_type = 'managed/' || o.type AND first_id = o.id AND first_property = '${p}'
          UNION ALL SELECT first_type, first_id FROM idm_managed_relationship WHERE second_type = 'managed/' || o.type AND second_id = o.id AND second_property = '${p}') e)`;
}

const bodyField = (name: string) => `o.body -> '${name.replace(/'/g, "''")}'`;

/**
 * `_queryFilter` / `_sortKeys` fields of a type: `_id`, each plain property (JSON), each relationship (refs), and
 * the `extra` fields a query names that the schema does not declare (IDM stores and queries undeclared properties).
 */
export function objectColumns(
  properties: Iterable<{ name: string; relationship?: unknown; many: boolean; private: boolean }>,
  extra: Iterable<string> = [],
): ColumnMap {
  const columns: ColumnMap = { _id: { sql: 'o.id', type: 'text' } };
  const declared = new Set<string>(['_id']);
  for (const p of properties) {
    declared.add(p.name);
    if (p.private) continue;
    columns[p.name] = p.relationship
      ? { sql: edgesAsJson(p.name, p.many), type: 'jsonb' }
      : { sql: bodyField(p.name), type: 'jsonb' };
  }
  for (const name of extra)
    if (!declared.has(name) && !name.startsWith('_')) columns[name] = { sql: bodyField(name), type: 'jsonb' };
  return columns;
}

export async function getObject(q: Queryable, type: string, id: string, forUpdate = false): Promise<ObjectRow | null> {
  const { rows } = await q.query<ObjectRow>(
    `SELECT * FROM idm_managed_object WHERE type = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [type, id],
  );
  return rows[0] ?? null;
}

export async function objectsExist(q: Queryable, type: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await q.query<{ id: string }>(
    'SELECT id FROM idm_managed_object WHERE type = $1 AND id = ANY($2::text[])',
    [type, ids],
  );
  return new Set(rows.map((r) => r.id));
}

/** Inserts an object; false when the id is taken. */
export async function insertObject(
  q: Queryable,
  o: { type: string; id: string; body: Record<string, unknown>; now: Date },
): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO idm_managed_object (type, id, body, create_time, last_update_time) VALUES ($1, $2, $3::jsonb, $4, $4)
     ON CONFLICT (type, id) DO NOTHING RETURNING id`,
    [o.type, o.id, JSON.stringify(o.body), o.now],
  );
  return rows.length === 1;
}

export async function updateObject(
  q: Queryable,
  o: { type: string; id: string; body: Record<string, unknown>; now: Date },
): Promise<void> {
  await q.query(
    'UPDATE idm_managed_object SET body = $3::jsonb, rev = rev + 1, last_update_time = $4 WHERE type = $1 AND id = $2',
    [o.type, o.id, JSON.stringify(o.body), o.now],
  );
}

export async function deleteObject(q: Queryable, type: string, id: string): Promise<void> {
  await q.query(
    `WITH u AS (DELETE FROM idm_managed_unique WHERE type = $1 AND id = $2),
          e AS (DELETE FROM idm_managed_relationship WHERE (first_type = 'managed/' || $1 AND first_id = $2) OR (second_type = 'managed/' || $1 AND second_id = $2))
     DELETE FROM idm_managed_object WHERE type = $1 AND id = $2`,
    [type, id],
  );
}

/** Takes `value` of a unique property for the object; answers the id holding it when another object already does. */
export async function claimUnique(
  q: Queryable,
  u: { type: string; property: string; value: string; id: string },
): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO idm_managed_unique (type, property, value, id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (type, property, value) DO UPDATE SET id = idm_managed_unique.id RETURNING id`,
    [u.type, u.property, u.value, u.id],
  );
  const holder = rows[0]!.id;
  return holder === u.id ? null : holder;
}

export async function releaseUnique(q: Queryable, type: string, id: string, property: string): Promise<void> {
  await q.query('DELETE FROM idm_managed_unique WHERE type = $1 AND id = $2 AND property = $3', [type, id, property]);
}

/** The edges of the given relationship properties of an object, from either end, in the order they were written. */
export async function edgesOf(q: Queryable, type: string, id: string, properties: string[]): Promise<EdgeRow[]> {
  if (properties.length === 0) return [];
  const { rows } = await q.query<EdgeRow>(
    `SELECT id AS edge_id, rev, first_property AS property, second_type AS other_type, second_id AS other_id, properties, position
       FROM idm_managed_relationship WHERE first_type = $1 AND first_id = $2 AND first_property = ANY($3::text[])
     UNION ALL
     SELECT id, rev, second_property, first_type, first_id, properties, position
       FROM idm_managed_relationship WHERE second_type = $1 AND second_id = $2 AND second_property = ANY($3::text[])
     ORDER BY position, edge_id`,
    [type, id, properties],
  );
  return rows;
}

/** Replaces every edge of one relationship property of an object (from either end) with `edges`. */
export async function replaceEdges(
  q: Queryable,
  type: string,
  id: string,
  property: string,
  edges: NewEdge[],
): Promise<void> {
  await q.query(
    `DELETE FROM idm_managed_relationship
      WHERE (first_type = $1 AND first_id = $2 AND first_property = $3)
         OR (second_type = $1 AND second_id = $2 AND second_property = $3)`,
    [type, id, property],
  );
  if (edges.length === 0) return;
  await q.query(
    `INSERT INTO idm_managed_relationship (id, first_type, first_id, first_property, second_type, second_id, second_property, properties, position)
     SELECT e.id, $1, $2, $3, e.other_type, e.other_id, e.reverse, e.properties, e.position
       FROM jsonb_to_recordset($4::jsonb) AS e(id text, other_type text, other_id text, reverse text, properties jsonb, position integer)`,
    [
      type,
      id,
      property,
      JSON.stringify(
        edges.map((e, position) => ({
          id: e.id,
          other_type: e.otherType,
          other_id: e.otherId,
          reverse: e.reverse,
          properties: e.properties,
          position,
        })),
      ),
    ],
  );
}

/** Drops the edges whose reverse end is a single-valued property of `otherType/otherId` (before it gets a new one). */
export async function detachSingle(q: Queryable, otherType: string, otherId: string, property: string): Promise<void> {
  await q.query(
    `DELETE FROM idm_managed_relationship
      WHERE (second_type = $1 AND second_id = $2 AND second_property = $3)
         OR (first_type = $1 AND first_id = $2 AND first_property = $3)`,
    [otherType, otherId, property],
  );
}
