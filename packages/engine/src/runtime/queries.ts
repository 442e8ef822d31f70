/**
 * The runtime's read model: what an API may read of the runtime's rows, always through an owner scope
 * (runtime/owner.ts), so another API's rows never show. API modules never name the runtime's tables: they read
 * through these functions, or build their own queries (CREST filters, sorting, paging) over the owner-scoped
 * relations below, which PostgreSQL inlines (the owner indexes of migration 060 still serve them).
 */
import type { Queryable } from '../store/db.js';
import { type OwnerScope, scopeSql } from './owner.js';
import { decodeValue } from './variables.js';

/** The runtime's relations, by what they hold. Variables carry no owner: reach them through an owned row. */
const TABLES = {
  deployments: 'wf_deployment',
  definitions: 'wf_definition',
  instances: 'wf_instance',
  executions: 'wf_execution',
  tasks: 'wf_task',
  variables: 'wf_variable',
  instanceHistory: 'wf_hi_instance',
  taskHistory: 'wf_hi_task',
  activityHistory: 'wf_hi_activity',
  variableHistory: 'wf_hi_variable',
  jobs: 'jobs',
  deadLetterJobs: 'dead_letter_jobs',
} as const;

export type RelationName = keyof typeof TABLES;

const UNOWNED = new Set<RelationName>(['variables', 'variableHistory']);

/**
 * A FROM item of the scope's rows of a relation: `FROM ${relation('tasks', scope)} t` (give it an alias: PostgreSQL
 * before 16 requires one for a subquery). The scope is written into the
 * SQL as literals (an API name and a tenant id, quoted), so it composes with any parameter numbering.
 */
export function relation(name: RelationName, scope: OwnerScope): string {
  const table = TABLES[name];
  if (UNOWNED.has(name)) return table;
  // A pending compensation subscription (runtime/compensation.ts) is bookkeeping, not an execution anyone sees.
  const hidden = name === 'executions' ? ` AND NOT (kind = 'compensation' AND state->>'active' IS NULL)` : '';
  return `(SELECT * FROM ${table} WHERE ${scopeLiteral(scope)}${hidden})`;
}

/** A scope as a SQL condition with literals (`owner_api = 'idm' AND tenant = ''`). */
export function scopeLiteral(scope: OwnerScope, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const lit = (v: string) => `'${v.replaceAll("'", "''")}'`;
  return `${a}owner_api = ${lit(scope.api)}${scope.tenant === undefined ? '' : ` AND ${a}tenant = ${lit(scope.tenant)}`}`;
}

export interface OpenTask {
  id: string;
  task_def_key: string;
  name: string | null;
  category: string | null;
  assignee: string | null;
  create_time: Date;
}

export interface Wait {
  /** The waiting execution's id (the timer's). */
  id: string;
  activity_id: string;
  due_at: Date;
  created_at: Date;
}

/** The read model's queries, for one owner scope. */
export class RuntimeQueries {
  constructor(readonly scope: OwnerScope) {}

  private where(alias: string, params: unknown[]): string {
    return scopeSql(this.scope, alias, params);
  }

  /** An instance's open user tasks, oldest first. */
  async openTasks(q: Queryable, instanceId: string): Promise<OpenTask[]> {
    const params: unknown[] = [instanceId];
    const { rows } = await q.query<OpenTask>(
      `SELECT id, task_def_key, name, category, assignee, create_time FROM wf_task t
       WHERE instance_id = $1 AND ${this.where('t', params)} ORDER BY create_time, id`,
      params,
    );
    return rows;
  }

  /** One open task, or undefined (also for another owner's). */
  async task(q: Queryable, taskId: string): Promise<OpenTask | undefined> {
    const params: unknown[] = [taskId];
    const { rows } = await q.query<OpenTask>(
      `SELECT id, task_def_key, name, category, assignee, create_time FROM wf_task t
       WHERE id = $1 AND ${this.where('t', params)}`,
      params,
    );
    return rows[0];
  }

  /** An instance's executions waiting on a timer, oldest first. */
  async timerWaits(q: Queryable, instanceId: string): Promise<Wait[]> {
    const params: unknown[] = [instanceId];
    const { rows } = await q.query<Wait>(
      `SELECT id, activity_id, due_at, created_at FROM wf_execution e
       WHERE instance_id = $1 AND event_type = 'timer' AND ${this.where('e', params)} ORDER BY created_at, id`,
      params,
    );
    return rows;
  }

  /** Whether the instance is still running. */
  async isRunning(q: Queryable, instanceId: string): Promise<boolean> {
    const params: unknown[] = [instanceId];
    const r = await q.query(`SELECT 1 FROM wf_instance i WHERE id = $1 AND ${this.where('i', params)}`, params);
    return r.rowCount > 0;
  }

  /**
   * The instance's own (process-level) variables as they are now: the live ones while it runs, the last written
   * (history) once it has ended. Decoded (dates as Date).
   */
  async instanceVariables(q: Queryable, instanceId: string): Promise<Record<string, unknown>> {
    const params: unknown[] = [instanceId];
    const { rows } = await q.query<{ name: string; type: string; value: unknown }>(
      `SELECT v.name, v.type, v.value FROM wf_variable v JOIN wf_instance i ON i.id = v.instance_id
         WHERE v.instance_id = $1 AND v.scope_id = $1 AND ${this.where('i', params)}
       UNION ALL
       SELECT v.name, v.type, v.value FROM wf_hi_variable v JOIN wf_hi_instance h ON h.id = v.instance_id
         WHERE v.instance_id = $1 AND v.scope_id = $1 AND ${this.where('h', params)}
           AND NOT EXISTS (SELECT 1 FROM wf_instance i2 WHERE i2.id = $1)`,
      params,
    );
    const out: Record<string, unknown> = {};
    for (const r of rows) out[r.name] = decodeValue(r.type, r.value);
    return out;
  }

  /** The local variables of an instance's open tasks (their executions' own, e.g. a node's inputs), by task id. */
  async taskLocalVariables(q: Queryable, instanceId: string): Promise<Map<string, Record<string, unknown>>> {
    const params: unknown[] = [instanceId];
    const { rows } = await q.query<{ task_id: string; name: string; type: string; value: unknown }>(
      `SELECT t.id AS task_id, v.name, v.type, v.value FROM wf_task t
         JOIN wf_variable v ON v.scope_id = t.execution_id AND v.instance_id = t.instance_id
       WHERE t.instance_id = $1 AND ${this.where('t', params)}`,
      params,
    );
    const out = new Map<string, Record<string, unknown>>();
    for (const r of rows) {
      const vars = out.get(r.task_id) ?? {};
      vars[r.name] = decodeValue(r.type, r.value);
      out.set(r.task_id, vars);
    }
    return out;
  }

  /** Which of `activityIds` the instance has reached (its activity history; needs history level `activity`). */
  async reachedActivities(q: Queryable, instanceId: string, activityIds: string[]): Promise<Set<string>> {
    if (activityIds.length === 0) return new Set();
    const params: unknown[] = [instanceId, activityIds];
    const { rows } = await q.query<{ activity_id: string }>(
      `SELECT DISTINCT a.activity_id FROM wf_hi_activity a JOIN wf_hi_instance h ON h.id = a.instance_id
       WHERE a.instance_id = $1 AND a.activity_id = ANY($2) AND ${this.where('h', params)}`,
      params,
    );
    return new Set(rows.map((r) => r.activity_id));
  }

  /** The ids of a deployment's definitions, by key. */
  async definitionIdsOfDeployment(q: Queryable, deploymentId: string): Promise<string[]> {
    const params: unknown[] = [deploymentId];
    const { rows } = await q.query<{ id: string }>(
      `SELECT id FROM wf_definition d WHERE deployment_id = $1 AND ${this.where('d', params)} ORDER BY key, id`,
      params,
    );
    return rows.map((r) => r.id);
  }
}
