/** The SQL of FLOW executions (flow_executions): one row per execution, the FLOW view of its runtime instance. */
import type { Queryable } from '../../../store/db.js';
import type { ExecutionRow } from '../executions.js';
import type { Scope } from './definitions.js';

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

function toRow(r: any): ExecutionRow {
  return {
    id: r.id,
    scope: { customerId: r.customer_id, childId: r.child_id },
    definitionId: r.definition_id,
    version: r.version,
    versionId: r.version_id,
    instanceId: r.instance_id,
    state: r.state,
    startedAt: iso(r.started_at)!,
    endedAt: iso(r.ended_at),
    createdBy: r.created_by,
    channel: r.channel,
    clientRequestId: r.client_request_id,
    comment: r.comment === null ? null : json(r.comment),
    initialState: json(r.initial_state),
    data: json(r.data),
    tasks: json(r.tasks),
    taskOrder: json(r.task_order),
    failure: r.failure === null ? null : json(r.failure),
    timeoutMs: r.timeout_ms === null ? null : Number(r.timeout_ms),
    variableNames: json(r.variable_names),
  };
}

export async function insertExecution(q: Queryable, e: ExecutionRow): Promise<void> {
  await q.query(
    `INSERT INTO flow_executions (id, customer_id, child_id, definition_id, version, version_id, instance_id, state,
       started_at, ended_at, created_by, channel, client_request_id, comment, initial_state, data, tasks, task_order,
       failure, timeout_ms, variable_names)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
    [
      e.id,
      e.scope.customerId,
      e.scope.childId,
      e.definitionId,
      e.version,
      e.versionId,
      e.instanceId,
      e.state,
      e.startedAt,
      e.endedAt,
      e.createdBy,
      e.channel,
      e.clientRequestId,
      e.comment === null ? null : JSON.stringify(e.comment),
      JSON.stringify(e.initialState),
      JSON.stringify(e.data),
      JSON.stringify(e.tasks),
      JSON.stringify(e.taskOrder),
      e.failure === null ? null : JSON.stringify(e.failure),
      e.timeoutMs,
      JSON.stringify(e.variableNames),
    ],
  );
}

/** Writes the mutable part of an execution. */
export async function saveExecution(q: Queryable, e: ExecutionRow): Promise<void> {
  await q.query(
    `UPDATE flow_executions SET instance_id = $2, state = $3, ended_at = $4, data = $5, tasks = $6, task_order = $7,
       failure = $8 WHERE id = $1`,
    [
      e.id,
      e.instanceId,
      e.state,
      e.endedAt,
      JSON.stringify(e.data),
      JSON.stringify(e.tasks),
      JSON.stringify(e.taskOrder),
      e.failure === null ? null : JSON.stringify(e.failure),
    ],
  );
}

export async function readExecutionById(q: Queryable, id: string): Promise<ExecutionRow | undefined> {
  const { rows } = await q.query('SELECT * FROM flow_executions WHERE id = $1', [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

export async function readExecution(q: Queryable, s: Scope, id: string): Promise<ExecutionRow | undefined> {
  const { rows } = await q.query('SELECT * FROM flow_executions WHERE id = $1 AND customer_id = $2 AND child_id = $3', [
    id,
    s.customerId,
    s.childId,
  ]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

const SORT_COLUMNS: Record<string, string> = { startedAt: 'started_at', endedAt: 'ended_at' };

export async function listExecutions(
  q: Queryable,
  s: Scope,
  o: {
    offset: number;
    limit: number;
    sort: 'asc' | 'desc';
    sortFields: string[];
    definitionId?: string;
    version?: number;
    state?: string;
  },
): Promise<{ total: number; items: ExecutionRow[] }> {
  const params: unknown[] = [s.customerId, s.childId];
  let where = 'customer_id = $1 AND child_id = $2';
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where += ` AND ${sql} = $${params.length}`;
  };
  if (o.definitionId !== undefined) add('definition_id', o.definitionId);
  if (o.version !== undefined) add('version', o.version);
  if (o.state !== undefined) add('state', o.state);
  const dir = o.sort === 'asc' ? 'ASC' : 'DESC';
  const nulls = o.sort === 'asc' ? 'NULLS LAST' : 'NULLS FIRST';
  const orderBy = (alias: string) =>
    [...o.sortFields.map((f) => `${alias}.${SORT_COLUMNS[f]} ${dir} ${nulls}`), `${alias}.id ${dir}`].join(', ');
  const count = await q.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM flow_executions WHERE ${where}`,
    params,
  );
  params.push(o.limit, o.offset);
  const { rows } = await q.query(
    // Page on the ids alone (the scope index), then read the page's rows: OFFSET skips index entries, not rows.
    `SELECT e.* FROM (SELECT x.id FROM flow_executions x WHERE ${where} ORDER BY ${orderBy('x')}
       LIMIT $${params.length - 1} OFFSET $${params.length}) page JOIN flow_executions e ON e.id = page.id
     ORDER BY ${orderBy('e')}`,
    params,
  );
  return { total: Number(count.rows[0]!.n), items: rows.map(toRow) };
}

/** Records the runtime instance an execution runs as (in the execute transaction). */
export async function setInstance(q: Queryable, id: string, instanceId: string): Promise<void> {
  await q.query('UPDATE flow_executions SET instance_id = $2 WHERE id = $1', [id, instanceId]);
}
