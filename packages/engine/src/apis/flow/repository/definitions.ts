/** The SQL of FLOW definitions (flow_definitions, flow_definition_versions). Rows are scoped by (customer id, child id or ''). */
import type { Db, Queryable } from '../../../store/db.js';

export interface Scope {
  customerId: string;
  childId: string;
}

export interface SaveMeta {
  at: string;
  by: string;
  versionId: string;
  channel: string | null;
  clientRequestId: string | null;
}

/** What a saved snapshot holds (the definition as sent, with defaults applied). */
export interface StoredBody {
  name: string;
  tasks: unknown[];
  description?: string;
  owner: string;
  isTemplate: boolean;
  tags: string[];
  initialState: Record<string, unknown>;
  defaultErrorHandling?: Record<string, unknown>;
  variables: unknown[];
}

export interface Snapshot {
  id: string;
  body: StoredBody;
  version: number;
  versionId: string;
  latestVersion: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

const iso = (v: unknown) => new Date(v as string).toISOString();

interface SnapshotRow {
  definition_id: string;
  body: StoredBody | string;
  version: number;
  version_id: string;
  latest_version: number;
  created_at: unknown;
  created_by: string;
  updated_at: unknown;
  updated_by: string;
}

const toSnapshot = (r: SnapshotRow): Snapshot => ({
  id: r.definition_id,
  body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body,
  version: r.version,
  versionId: r.version_id,
  latestVersion: r.latest_version,
  createdAt: iso(r.created_at),
  createdBy: r.created_by,
  updatedAt: iso(r.updated_at),
  updatedBy: r.updated_by,
});

const SNAPSHOT_SELECT = `SELECT v.definition_id, v.body, v.version, v.version_id, d.latest_version, d.created_at, d.created_by,
  v.updated_at, v.updated_by
  FROM flow_definition_versions v JOIN flow_definitions d
    ON d.customer_id = v.customer_id AND d.child_id = v.child_id AND d.id = v.definition_id`;

/**
 * Creates or updates the head row in one statement; publishing increments latest_version under the row lock that
 * `ON CONFLICT DO UPDATE` takes, so concurrent publishes of one id queue here and get consecutive numbers.
 */
async function upsertHead(tx: Queryable, s: Scope, id: string, body: StoredBody, meta: SaveMeta, publish: boolean) {
  const { rows } = await tx.query<{ latest_version: number; created_at: unknown; created_by: string }>(
    `INSERT INTO flow_definitions (customer_id, child_id, id, name, description, owner, tags, is_template, latest_version,
       created_at, created_by, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $9, $10, $9, $10)
     ON CONFLICT (customer_id, child_id, id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
       owner = EXCLUDED.owner, tags = EXCLUDED.tags, is_template = EXCLUDED.is_template, updated_at = EXCLUDED.updated_at,
       updated_by = EXCLUDED.updated_by, latest_version = flow_definitions.latest_version + $11
     RETURNING latest_version, created_at, created_by`,
    [
      s.customerId,
      s.childId,
      id,
      body.name,
      body.description ?? null,
      body.owner,
      JSON.stringify(body.tags),
      body.isTemplate,
      meta.at,
      meta.by,
      publish ? 1 : 0,
    ],
  );
  return rows[0]!;
}

const snapshotOf = (
  id: string,
  body: StoredBody,
  version: number,
  meta: SaveMeta,
  head: { latest_version: number; created_at: unknown; created_by: string },
): Snapshot => ({
  id,
  body,
  version,
  versionId: meta.versionId,
  latestVersion: head.latest_version,
  createdAt: iso(head.created_at),
  createdBy: head.created_by,
  updatedAt: iso(meta.at),
  updatedBy: meta.by,
});

/** Saves (or replaces) the draft, version -1. */
export async function saveDraft(db: Db, s: Scope, id: string, body: StoredBody, meta: SaveMeta): Promise<Snapshot> {
  return db.transaction(async (tx) => {
    const head = await upsertHead(tx, s, id, body, meta, false);
    await tx.query(
      `INSERT INTO flow_definition_versions (customer_id, child_id, definition_id, version, version_id, body, updated_at, updated_by, channel, client_request_id)
       VALUES ($1, $2, $3, -1, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (customer_id, child_id, definition_id, version) DO UPDATE SET version_id = EXCLUDED.version_id, body = EXCLUDED.body,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by, channel = EXCLUDED.channel,
         client_request_id = EXCLUDED.client_request_id`,
      [
        s.customerId,
        s.childId,
        id,
        meta.versionId,
        JSON.stringify(body),
        meta.at,
        meta.by,
        meta.channel,
        meta.clientRequestId,
      ],
    );
    return snapshotOf(id, body, -1, meta, head);
  });
}

/** Creates the next published version (max + 1) from the body; the draft is kept. */
export async function publish(db: Db, s: Scope, id: string, body: StoredBody, meta: SaveMeta): Promise<Snapshot> {
  return db.transaction(async (tx) => {
    const head = await upsertHead(tx, s, id, body, meta, true);
    await tx.query(
      `INSERT INTO flow_definition_versions (customer_id, child_id, definition_id, version, version_id, body, updated_at, updated_by, channel, client_request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        s.customerId,
        s.childId,
        id,
        head.latest_version,
        meta.versionId,
        JSON.stringify(body),
        meta.at,
        meta.by,
        meta.channel,
        meta.clientRequestId,
      ],
    );
    return snapshotOf(id, body, head.latest_version, meta, head);
  });
}

export async function readVersion(q: Queryable, s: Scope, id: string, version: number): Promise<Snapshot | undefined> {
  const { rows } = await q.query<SnapshotRow>(
    `${SNAPSHOT_SELECT} WHERE v.customer_id = $1 AND v.child_id = $2 AND v.definition_id = $3 AND v.version = $4`,
    [s.customerId, s.childId, id, version],
  );
  return rows[0] ? toSnapshot(rows[0]) : undefined;
}

/** The highest published version, or undefined; `exists` tells whether the id is known at all. */
export async function readLatest(
  q: Queryable,
  s: Scope,
  id: string,
): Promise<{ exists: boolean; snapshot?: Snapshot }> {
  const { rows } = await q.query<{ latest_version: number }>(
    'SELECT latest_version FROM flow_definitions WHERE customer_id = $1 AND child_id = $2 AND id = $3',
    [s.customerId, s.childId, id],
  );
  if (!rows[0]) return { exists: false };
  if (rows[0].latest_version === 0) return { exists: true };
  const snapshot = await readVersion(q, s, id, rows[0].latest_version);
  return snapshot ? { exists: true, snapshot } : { exists: true };
}

/** Deletes the draft; a definition with no published version disappears altogether. False when there is no draft. */
export async function deleteDraft(db: Db, s: Scope, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const head = await tx.query<{ latest_version: number }>(
      'SELECT latest_version FROM flow_definitions WHERE customer_id = $1 AND child_id = $2 AND id = $3 FOR UPDATE',
      [s.customerId, s.childId, id],
    );
    if (!head.rows[0]) return false;
    const del = await tx.query(
      'DELETE FROM flow_definition_versions WHERE customer_id = $1 AND child_id = $2 AND definition_id = $3 AND version = -1',
      [s.customerId, s.childId, id],
    );
    if (del.rowCount === 0) return false;
    if (head.rows[0].latest_version === 0) {
      await tx.query('DELETE FROM flow_definitions WHERE customer_id = $1 AND child_id = $2 AND id = $3', [
        s.customerId,
        s.childId,
        id,
      ]);
    } else {
      // The summary now shows the latest published version again.
      await tx.query(
        `UPDATE flow_definitions d SET name = v.body->>'name', description = v.body->>'description', owner = v.body->>'owner',
           tags = v.body->'tags', is_template = (v.body->>'isTemplate')::boolean, updated_at = v.updated_at, updated_by = v.updated_by
         FROM flow_definition_versions v
         WHERE d.customer_id = $1 AND d.child_id = $2 AND d.id = $3
           AND v.customer_id = d.customer_id AND v.child_id = d.child_id AND v.definition_id = d.id AND v.version = d.latest_version`,
        [s.customerId, s.childId, id],
      );
    }
    return true;
  });
}

export interface VersionSummary {
  version: number;
  versionId: string;
  isDraft: boolean;
  updatedAt: string;
  updatedBy: string;
}

export async function listVersions(
  q: Queryable,
  s: Scope,
  id: string,
  page: { offset: number; limit: number; sort: 'asc' | 'desc' },
): Promise<{ total: number; versions: VersionSummary[]; draft: VersionSummary | null } | undefined> {
  const head = await q.query<{ latest_version: number }>(
    'SELECT latest_version FROM flow_definitions WHERE customer_id = $1 AND child_id = $2 AND id = $3',
    [s.customerId, s.childId, id],
  );
  if (!head.rows[0]) return undefined;
  const dir = page.sort === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await q.query<{ version: number; version_id: string; updated_at: unknown; updated_by: string }>(
    `SELECT version, version_id, updated_at, updated_by FROM flow_definition_versions
     WHERE customer_id = $1 AND child_id = $2 AND definition_id = $3 AND version > 0 ORDER BY version ${dir} LIMIT $4 OFFSET $5`,
    [s.customerId, s.childId, id, page.limit, page.offset],
  );
  const draft = await q.query<{ version: number; version_id: string; updated_at: unknown; updated_by: string }>(
    `SELECT version, version_id, updated_at, updated_by FROM flow_definition_versions
     WHERE customer_id = $1 AND child_id = $2 AND definition_id = $3 AND version = -1`,
    [s.customerId, s.childId, id],
  );
  const summary = (r: {
    version: number;
    version_id: string;
    updated_at: unknown;
    updated_by: string;
  }): VersionSummary => ({
    version: r.version,
    versionId: r.version_id,
    isDraft: r.version === -1,
    updatedAt: iso(r.updated_at),
    updatedBy: r.updated_by,
  });
  return {
    total: head.rows[0].latest_version,
    versions: rows.map(summary),
    draft: draft.rows[0] ? summary(draft.rows[0]) : null,
  };
}

export interface DefinitionSummary {
  id: string;
  name: string;
  description?: string;
  owner: string;
  tags: string[];
  isTemplate: boolean;
  versions: number[];
  latestVersion: number | null;
  latestVersionId: string | null;
  hasDraft: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

const SORT_COLUMNS: Record<string, string> = {
  id: 'd.id',
  name: 'd.name',
  createdAt: 'd.created_at',
  updatedAt: 'd.updated_at',
};

export async function listDefinitions(
  q: Queryable,
  s: Scope,
  o: { offset: number; limit: number; sort: 'asc' | 'desc'; sortFields: string[]; tag?: string; isTemplate?: boolean },
): Promise<{ total: number; items: DefinitionSummary[] }> {
  const params: unknown[] = [s.customerId, s.childId];
  let where = 'd.customer_id = $1 AND d.child_id = $2';
  if (o.tag !== undefined) {
    params.push(JSON.stringify([o.tag]));
    where += ` AND d.tags @> $${params.length}::jsonb`;
  }
  if (o.isTemplate !== undefined) {
    params.push(o.isTemplate);
    where += ` AND d.is_template = $${params.length}`;
  }
  const dir = o.sort === 'asc' ? 'ASC' : 'DESC';
  const order = [...o.sortFields.map((f) => `${SORT_COLUMNS[f]} ${dir}`), `d.id ${dir}`].join(', ');
  params.push(o.limit, o.offset);
  const { rows } = await q.query<{
    id: string;
    name: string;
    description: string | null;
    owner: string;
    tags: string[] | string;
    is_template: boolean;
    latest_version: number;
    latest_version_id: string | null;
    has_draft: boolean;
    created_at: unknown;
    created_by: string;
    updated_at: unknown;
    updated_by: string;
    total: string | number;
  }>(
    // Page first, on the narrow key columns (page numbers rule out keyset paging), then the page's rows and their
    // version lookups: the subqueries run for 20 rows, not for every row before the OFFSET.
    `WITH page AS (
       SELECT d.customer_id, d.child_id, d.id, count(*) OVER () AS total
       FROM flow_definitions d WHERE ${where} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}
     )
     SELECT d.*, page.total,
       (SELECT v.version_id FROM flow_definition_versions v WHERE v.customer_id = d.customer_id AND v.child_id = d.child_id
          AND v.definition_id = d.id AND v.version = d.latest_version) AS latest_version_id,
       EXISTS (SELECT 1 FROM flow_definition_versions v WHERE v.customer_id = d.customer_id AND v.child_id = d.child_id
          AND v.definition_id = d.id AND v.version = -1) AS has_draft
     FROM page JOIN flow_definitions d ON d.customer_id = page.customer_id AND d.child_id = page.child_id AND d.id = page.id
     ORDER BY ${order}`,
    params,
  );
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (!rows[0] && o.offset > 0) {
    const c = await q.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM flow_definitions d WHERE ${where}`,
      params.slice(0, -2),
    );
    total = Number(c.rows[0]!.n);
  }
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      ...(r.description !== null ? { description: r.description } : {}),
      owner: r.owner,
      tags: typeof r.tags === 'string' ? JSON.parse(r.tags) : r.tags,
      isTemplate: r.is_template,
      versions: Array.from({ length: r.latest_version }, (_, i) => i + 1),
      latestVersion: r.latest_version || null,
      latestVersionId: r.latest_version ? r.latest_version_id : null,
      hasDraft: r.has_draft,
      createdAt: iso(r.created_at),
      createdBy: r.created_by,
      updatedAt: iso(r.updated_at),
      updatedBy: r.updated_by,
    })),
  };
}

/** The recorded channel and caller request id of a snapshot (not part of any response; for audit and tests). */
export async function readSaveRecord(q: Queryable, s: Scope, id: string, version: number) {
  const { rows } = await q.query<{ channel: string | null; client_request_id: string | null }>(
    `SELECT channel, client_request_id FROM flow_definition_versions WHERE customer_id = $1 AND child_id = $2 AND definition_id = $3 AND version = $4`,
    [s.customerId, s.childId, id, version],
  );
  return rows[0];
}

/** The snapshot with this versionId (a published version or the current draft), or undefined. */
export async function readVersionById(
  q: Queryable,
  s: Scope,
  id: string,
  versionId: string,
): Promise<Snapshot | undefined> {
  const { rows } = await q.query<SnapshotRow>(
    `${SNAPSHOT_SELECT} WHERE v.customer_id = $1 AND v.child_id = $2 AND v.definition_id = $3 AND v.version_id = $4`,
    [s.customerId, s.childId, id, versionId],
  );
  return rows[0] ? toSnapshot(rows[0]) : undefined;
}
