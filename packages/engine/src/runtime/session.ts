/**
 * One command's unit of work: loads the state of the process instances it touches (under the root instance's row
 * lock), runs the token executor in memory, and flushes every change (runtime and history rows) in the same
 * transaction. Nothing survives the command except what is flushed.
 */
import type { Queryable } from '../store/db.js';
import type { Clock } from './clock.js';
import type { ProcessGraph } from './graph.js';
import type { IdGenerator } from './ids.js';
import type { Owner } from './owner.js';
import { decodeValue, encodeValue } from './variables.js';

/** `compensation`: a completed activity's compensation subscription, then its running compensation (compensation.ts). */
export type ExecKind = 'root' | 'token' | 'scope' | 'mi-body' | 'boundary' | 'compensation';

export interface Exec {
  id: string;
  instanceId: string;
  parentId: string | null;
  activityId: string | null;
  kind: ExecKind;
  state: Record<string, any>;
  eventType: string | null;
  eventName: string | null;
  dueAt: Date | null;
  createdAt: Date;
}

export interface InstanceState {
  id: string;
  rootId: string;
  definitionId: string;
  definitionKey: string;
  graph: ProcessGraph;
  /** The API and tenant owning the instance (its definition's); every row it writes carries it. */
  owner: Owner;
  businessKey: string | null;
  startUserId: string | null;
  superExecutionId: string | null;
  superInstanceId: string | null;
  startTime: Date;
  /** The start event it began at when not the graph's (a message or signal start event). */
  startActivityId?: string;
  execs: Map<string, Exec>;
  /** scope id → name → value */
  vars: Map<string, Map<string, unknown>>;
  ended: boolean;
  isNew: boolean;
}

export interface TaskRow {
  id: string;
  instance_id: string;
  execution_id: string;
  definition_id: string;
  definition_key: string;
  task_def_key: string;
  name: string | null;
  description: string | null;
  assignee: string | null;
  owner: string | null;
  priority: number;
  due_date: Date | null;
  form_key: string | null;
  category: string | null;
  candidate_users: string[];
  candidate_groups: string[];
  create_time: Date;
  claim_time: Date | null;
  rev: number;
  owner_api: string;
  tenant: string;
}

/** The changeable fields of a task (a task listener may change any of them), in the order the UPDATEs bind them. */
function taskUpdateParams(t: TaskRow): unknown[] {
  return [
    t.id,
    t.name,
    t.description,
    t.assignee,
    t.owner,
    t.priority,
    t.due_date,
    t.claim_time,
    t.category,
    t.form_key,
    t.candidate_users ?? [],
    t.candidate_groups ?? [],
  ];
}

export interface HiActivity {
  id: string;
  instance_id: string;
  execution_id: string;
  activity_id: string;
  activity_name: string | null;
  activity_type: string;
  task_id: string | null;
  called_instance_id: string | null;
  assignee: string | null;
  start_time: Date;
  end_time: Date | null;
  duration_ms: number | null;
  delete_reason: string | null;
  owner_api: string;
  tenant: string;
}

export type HistoryLevel = 'none' | 'activity' | 'audit' | 'full';

const EXEC_COLS =
  'id, instance_id, parent_id, activity_id, kind, state, event_type, event_name, due_at, created_at, owner_api, tenant';
const LOAD_EXECS = `(SELECT COALESCE(json_agg(e), '[]'::json) FROM wf_execution e WHERE e.instance_id = i.id)`;
const LOAD_VARS = `(SELECT COALESCE(json_agg(json_build_object('scope_id', v.scope_id, 'name', v.name, 'type', v.type,
  'value', v.value)), '[]'::json) FROM wf_variable v WHERE v.instance_id = i.id)`;

/** One instance's row with its executions and variables, as `load` reads it. */
export interface LoadedInstanceRow {
  inst: Record<string, any>;
  execs: Record<string, any>[];
  vars: any[];
}

/** Locks root instances in one statement, in id order (as every group does); returns those that exist. */
export async function lockRoots(q: Queryable, rootIds: readonly string[]): Promise<Set<string>> {
  if (rootIds.length === 0) return new Set();
  const { rows } = await q.query<{ id: string }>(
    'SELECT id FROM wf_instance WHERE id = ANY($1) ORDER BY id FOR UPDATE',
    [[...rootIds].sort()],
  );
  return new Set(rows.map((r) => r.id));
}

/** The rows of several instances (by id) in one statement, for a group of commands to adopt (Session.adopt). */
export async function loadInstanceRows(q: Queryable, instanceIds: readonly string[]): Promise<LoadedInstanceRow[]> {
  if (instanceIds.length === 0) return [];
  const { rows } = await q.query<LoadedInstanceRow>(
    `SELECT row_to_json(i) AS inst, ${LOAD_EXECS} AS execs, ${LOAD_VARS} AS vars FROM wf_instance i
     WHERE i.id = ANY($1)`,
    [instanceIds],
  );
  return rows;
}

function rowToExec(r: Record<string, any>): Exec {
  return {
    id: r.id,
    instanceId: r.instance_id,
    parentId: r.parent_id,
    activityId: r.activity_id,
    kind: r.kind,
    state: r.state ?? {},
    eventType: r.event_type,
    eventName: r.event_name,
    dueAt: r.due_at ? new Date(r.due_at) : null,
    createdAt: new Date(r.created_at),
  };
}

export class Session {
  readonly instances = new Map<string, InstanceState>();
  // change tracking
  private readonly newExecs = new Set<string>();
  private readonly dirtyExecs = new Set<string>();
  private readonly deletedExecs = new Set<string>();
  private readonly dirtyVars = new Map<string, Set<string>>(); // scopeId → names
  private readonly deletedVarScopes = new Set<string>();
  /** Single variables removed from a scope that lives on (scope id → names). */
  private readonly deletedVars = new Map<string, Set<string>>();
  private readonly newTasks = new Map<string, TaskRow>();
  private readonly dirtyTasks = new Map<string, TaskRow>();
  private readonly deletedTasks = new Set<string>();
  private readonly hiTaskEnds = new Map<string, { end: Date; reason: string | null; task: TaskRow }>();
  private readonly hiActs = new Map<string, HiActivity>();
  private readonly hiActEndsOld = new Map<string, { end: Date; reason: string | null }>();
  private readonly hiInstEnds = new Map<string, { end: Date; endActivity: string | null; reason: string | null }>();
  private readonly endedInstances = new Set<string>();
  readonly scopeVarInstance = new Map<string, string>();
  private readonly taskCache = new Map<string, TaskRow>();
  /** Timer jobs to schedule / cancel after the flush (execution id). */
  readonly timersToSchedule: Exec[] = [];
  readonly timersToCancel = new Set<string>();

  constructor(
    readonly tx: Queryable,
    readonly clock: Clock,
    readonly ids: IdGenerator,
    readonly history: HistoryLevel,
    private readonly graphs: (definitionId: string) => Promise<{ graph: ProcessGraph; key: string }>,
    /** Whether lockRoot/lockRootOfTask take row locks (false where the store runs one transaction at a time). */
    private readonly locks = true,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  /**
   * Locks the root instance row; false when it does not exist (ended or deleted). Where transactions run one at a
   * time (`locks` false) nothing is read: true, and the load that follows finds the instance or not.
   */
  async lockRoot(rootId: string): Promise<boolean> {
    if (!this.locks) return true;
    const r = await this.tx.query('SELECT id FROM wf_instance WHERE id = $1 FOR UPDATE', [rootId]);
    return r.rowCount > 0;
  }

  /** Finds the root instance of a task and locks it, in one statement; false when the task is gone (see lockRoot). */
  async lockRootOfTask(taskId: string): Promise<boolean> {
    if (!this.locks) return true;
    const r = await this.tx.query(
      `SELECT id FROM wf_instance WHERE id = (SELECT i.root_id FROM wf_task t JOIN wf_instance i ON i.id = t.instance_id
         WHERE t.id = $1) FOR UPDATE`,
      [taskId],
    );
    return r.rowCount > 0;
  }

  /**
   * Finds the instance of an execution waiting on `eventType` and locks its root, in one statement; undefined when
   * there is none. What the statement read of the execution may predate the lock: load the instance afterwards.
   */
  async lockRootOfWaiting(
    executionId: string,
    eventType: string,
  ): Promise<{ instance_id: string; owner_api: string; tenant: string } | undefined> {
    const { rows } = await this.tx.query<{ instance_id: string; owner_api: string; tenant: string }>(
      `SELECT e.instance_id, c.owner_api, c.tenant FROM wf_execution e
         JOIN wf_instance c ON c.id = e.instance_id JOIN wf_instance r ON r.id = c.root_id
       WHERE e.id = $1 AND e.event_type = $2 FOR UPDATE OF r`,
      [executionId, eventType],
    );
    return rows[0];
  }

  async load(instanceId: string): Promise<InstanceState | undefined> {
    const hit = this.instances.get(instanceId);
    if (hit) return hit;
    const { rows } = await this.tx.query<{ inst: Record<string, any>; execs: Record<string, any>[]; vars: any[] }>(
      `SELECT row_to_json(i) AS inst, ${LOAD_EXECS} AS execs, ${LOAD_VARS} AS vars FROM wf_instance i WHERE i.id = $1`,
      [instanceId],
    );
    if (!rows[0]) return undefined;
    return this.hydrate(rows[0]);
  }

  /** After the root lock: a task and its instance's whole state in one statement. */
  async loadWithTask(taskId: string): Promise<{ task: TaskRow; inst: InstanceState } | undefined> {
    if (this.deletedTasks.has(taskId)) return undefined;
    const { rows } = await this.tx.query<{
      task: TaskRow;
      inst: Record<string, any>;
      execs: Record<string, any>[];
      vars: any[];
    }>(
      `SELECT row_to_json(t) AS task, row_to_json(i) AS inst, ${LOAD_EXECS} AS execs, ${LOAD_VARS} AS vars
       FROM wf_task t JOIN wf_instance i ON i.id = t.instance_id WHERE t.id = $1`,
      [taskId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const task = { ...r.task, create_time: new Date(r.task.create_time) } as TaskRow;
    if (task.claim_time) task.claim_time = new Date(task.claim_time);
    if (task.due_date) task.due_date = new Date(task.due_date);
    this.taskCache.set(task.id, task);
    const inst = this.instances.get(r.inst.id) ?? (await this.hydrate(r));
    return { task, inst };
  }

  /**
   * Takes an instance read ahead of the command (loadInstanceRows, under its root's lock) as if `load` had read it.
   * Its definition's graph should be cached already, or its lookup is a query of this session.
   */
  adopt(row: LoadedInstanceRow): Promise<InstanceState> {
    return this.instances.get(row.inst.id) ? Promise.resolve(this.instances.get(row.inst.id)!) : this.hydrate(row);
  }

  private async hydrate(row: LoadedInstanceRow): Promise<InstanceState> {
    const r = row.inst;
    const def = await this.graphs(r.definition_id);
    const execs = { rows: row.execs ?? [] };
    const vars = { rows: row.vars ?? [] };
    const inst: InstanceState = {
      id: r.id,
      rootId: r.root_id,
      definitionId: r.definition_id,
      definitionKey: r.definition_key,
      graph: def.graph,
      owner: { api: r.owner_api, tenant: r.tenant ?? '' },
      businessKey: r.business_key,
      startUserId: r.start_user_id,
      superExecutionId: r.super_execution_id,
      superInstanceId: r.super_instance_id,
      startTime: new Date(r.start_time),
      execs: new Map(),
      vars: new Map(),
      ended: false,
      isNew: false,
    };
    inst.execs.set(inst.id, {
      id: inst.id,
      instanceId: inst.id,
      parentId: null,
      activityId: null,
      kind: 'root',
      state: {},
      eventType: null,
      eventName: null,
      dueAt: null,
      createdAt: inst.startTime,
    });
    for (const e of execs.rows) inst.execs.set(e.id, rowToExec(e));
    for (const v of vars.rows) {
      let m = inst.vars.get(v.scope_id);
      if (!m) {
        m = new Map();
        inst.vars.set(v.scope_id, m);
      }
      m.set(v.name, decodeValue(v.type, v.value));
      this.scopeVarInstance.set(v.scope_id, inst.id);
    }
    this.instances.set(inst.id, inst);
    return inst;
  }

  addInstance(inst: InstanceState): void {
    this.instances.set(inst.id, inst);
  }

  // --- executions
  newExec(inst: InstanceState, parentId: string | null, activityId: string | null, kind: ExecKind): Exec {
    const e: Exec = {
      id: this.ids.ulid(),
      instanceId: inst.id,
      parentId,
      activityId,
      kind,
      state: {},
      eventType: null,
      eventName: null,
      dueAt: null,
      createdAt: this.now(),
    };
    inst.execs.set(e.id, e);
    this.newExecs.add(e.id);
    return e;
  }
  touch(e: Exec): void {
    if (e.kind !== 'root' || !this.instances.get(e.instanceId)?.isNew) this.dirtyExecs.add(e.id);
  }
  deleteExec(inst: InstanceState, e: Exec): void {
    inst.execs.delete(e.id);
    if (this.newExecs.has(e.id)) this.newExecs.delete(e.id);
    else this.deletedExecs.add(e.id);
    this.dirtyExecs.delete(e.id);
    if (inst.vars.has(e.id)) {
      inst.vars.delete(e.id);
      this.deletedVarScopes.add(e.id);
      this.dirtyVars.delete(e.id);
    }
    if (e.eventType === 'timer' || e.eventType === 'async' || e.eventType === 'external') this.timersToCancel.add(e.id);
  }

  // --- variables
  setVar(inst: InstanceState, scopeId: string, name: string, value: unknown): void {
    let m = inst.vars.get(scopeId);
    if (!m) {
      m = new Map();
      inst.vars.set(scopeId, m);
    }
    m.set(name, value);
    this.deletedVars.get(scopeId)?.delete(name);
    let d = this.dirtyVars.get(scopeId);
    if (!d) {
      d = new Set();
      this.dirtyVars.set(scopeId, d);
    }
    d.add(name);
    this.scopeVarInstance.set(scopeId, inst.id);
  }

  /** Removes every variable of a scope that lives on (an activity's local variables when it is left). */
  clearVars(inst: InstanceState, scopeId: string): void {
    const m = inst.vars.get(scopeId);
    if (!m) return;
    let d = this.deletedVars.get(scopeId);
    if (!d) {
      d = new Set();
      this.deletedVars.set(scopeId, d);
    }
    for (const name of m.keys()) d.add(name);
    inst.vars.delete(scopeId);
    this.dirtyVars.delete(scopeId);
  }

  // --- tasks
  insertTask(t: TaskRow): void {
    this.newTasks.set(t.id, t);
  }
  updateTask(t: TaskRow): void {
    if (this.newTasks.has(t.id)) this.newTasks.set(t.id, t);
    else this.dirtyTasks.set(t.id, t);
  }
  deleteTask(t: TaskRow, reason: string | null): void {
    if (this.newTasks.has(t.id)) this.newTasks.delete(t.id);
    else {
      this.deletedTasks.add(t.id);
      this.dirtyTasks.delete(t.id);
    }
    this.hiTaskEnds.set(t.id, { end: this.now(), reason, task: t });
  }
  async taskOfExecution(executionId: string): Promise<TaskRow | undefined> {
    for (const t of this.newTasks.values()) if (t.execution_id === executionId) return t;
    const cached = [...this.taskCache.values()].find((t) => t.execution_id === executionId);
    if (cached) return this.deletedTasks.has(cached.id) ? undefined : cached;
    const { rows } = await this.tx.query<TaskRow>('SELECT * FROM wf_task WHERE execution_id = $1', [executionId]);
    const t = rows[0];
    if (!t || this.deletedTasks.has(t.id)) return undefined;
    this.taskCache.set(t.id, t);
    return t;
  }
  async getTask(id: string): Promise<TaskRow | undefined> {
    if (this.deletedTasks.has(id)) return undefined;
    const n = this.newTasks.get(id) ?? this.dirtyTasks.get(id) ?? this.taskCache.get(id);
    if (n) return n;
    const { rows } = await this.tx.query<TaskRow>('SELECT * FROM wf_task WHERE id = $1', [id]);
    if (rows[0]) this.taskCache.set(id, rows[0]);
    return rows[0];
  }

  // --- history
  startActivity(
    inst: InstanceState,
    e: Exec,
    activityId: string,
    name: string | null,
    type: string,
  ): HiActivity | null {
    if (this.history === 'none') return null;
    const a: HiActivity = {
      id: this.ids.ulid(),
      instance_id: inst.id,
      execution_id: e.id,
      activity_id: activityId,
      activity_name: name,
      activity_type: type,
      task_id: null,
      called_instance_id: null,
      assignee: null,
      start_time: this.now(),
      end_time: null,
      duration_ms: null,
      delete_reason: null,
      owner_api: inst.owner.api,
      tenant: inst.owner.tenant,
    };
    this.hiActs.set(a.id, a);
    e.state.hiAct = a.id;
    return a;
  }
  activity(id: string | undefined): HiActivity | undefined {
    return id ? this.hiActs.get(id) : undefined;
  }
  endActivity(e: Exec, reason: string | null = null): void {
    const id = e.state.hiAct as string | undefined;
    if (!id) return;
    delete e.state.hiAct;
    const now = this.now();
    const a = this.hiActs.get(id);
    if (a) {
      a.end_time = now;
      a.duration_ms = now.getTime() - a.start_time.getTime();
      a.delete_reason = reason;
    } else this.hiActEndsOld.set(id, { end: now, reason });
  }
  endInstance(inst: InstanceState, endActivity: string | null, reason: string | null): void {
    inst.ended = true;
    this.endedInstances.add(inst.id);
    this.hiInstEnds.set(inst.id, { end: this.now(), endActivity, reason });
  }

  // --- flush
  /**
   * Writes every change of the command: inserts and updates in one statement, then deletes in a second one (the
   * statements of each group touch distinct rows; see StatementBatch).
   */
  async flush(): Promise<void> {
    await this.statements().run(this.tx);
  }

  /** The statements `flush` runs, for a caller that adds its own (the jobs a command schedules) before running them. */
  statements(): StatementBatch {
    const batch = new StatementBatch();
    const hist = this.history !== 'none';
    const audit = this.history === 'audit' || this.history === 'full';
    this.flushNewInstances(batch, hist);
    this.flushExecutions(batch);
    this.flushVariables(batch, audit);
    this.flushTasks(batch, audit);
    this.flushActivityAndInstanceHistory(batch, hist);
    this.flushEndedInstances(batch);
    return batch;
  }

  /**
   * Takes over the changes of `other`, a session of other instances in the same transaction, so that one flush
   * writes both (a group of job commands commits as one statement per kind of row). Every change-tracking field is
   * a Map, Set or array keyed by instance, execution, scope, task or history row id, all distinct between sessions
   * of distinct instances, so the union is the sum of both.
   */
  absorb(other: Session): void {
    for (const [name, mine] of Object.entries(this)) {
      const theirs = (other as unknown as Record<string, unknown>)[name];
      if (mine instanceof Map) for (const [k, v] of theirs as Map<unknown, unknown>) mine.set(k, v);
      else if (mine instanceof Set) for (const v of theirs as Set<unknown>) mine.add(v);
      else if (Array.isArray(mine)) mine.push(...(theirs as unknown[]));
    }
  }

  private flushNewInstances(batch: StatementBatch, hist: boolean): void {
    for (const inst of this.instances.values()) {
      if (!inst.isNew) continue;
      if (!inst.ended) {
        batch.write(
          `INSERT INTO wf_instance (id, root_id, definition_id, definition_key, business_key, start_user_id,
             super_execution_id, super_instance_id, start_time, owner_api, tenant)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
          [
            inst.id,
            inst.rootId,
            inst.definitionId,
            inst.definitionKey,
            inst.businessKey,
            inst.startUserId,
            inst.superExecutionId,
            inst.superInstanceId,
            inst.startTime,
            inst.owner.api,
            inst.owner.tenant,
          ],
        );
      }
      if (!hist) continue;
      // A new instance's history row is written whole, with its end when it ended in this command.
      const end = this.hiInstEnds.get(inst.id);
      batch.write(
        `INSERT INTO wf_hi_instance (id, root_id, definition_id, definition_key, business_key, start_user_id,
           super_instance_id, start_activity_id, end_activity_id, start_time, end_time, duration_ms, delete_reason,
           owner_api, tenant)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
        [
          inst.id,
          inst.rootId,
          inst.definitionId,
          inst.definitionKey,
          inst.businessKey,
          inst.startUserId,
          inst.superInstanceId,
          inst.startActivityId ?? inst.graph.startNodeId,
          end?.endActivity ?? null,
          inst.startTime,
          end?.end ?? null,
          end ? end.end.getTime() - inst.startTime.getTime() : null,
          end?.reason ?? null,
          inst.owner.api,
          inst.owner.tenant,
        ],
      );
      this.hiInstEnds.delete(inst.id);
    }
  }

  /** An execution of an instance still running (undefined when gone or its instance ended). */
  private liveExec(id: string): Exec | undefined {
    for (const inst of this.instances.values()) {
      const e = inst.execs.get(id);
      if (e) return inst.ended ? undefined : e;
    }
    return undefined;
  }

  private flushExecutions(batch: StatementBatch): void {
    const toInsert = [...this.newExecs]
      .map((id) => this.liveExec(id))
      .filter((e): e is Exec => !!e && e.kind !== 'root');
    if (toInsert.length) {
      batch.write(
        `INSERT INTO wf_execution (${EXEC_COLS})
         SELECT ${EXEC_COLS}
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, instance_id text, parent_id text, activity_id text, kind text,
           state jsonb, event_type text, event_name text, due_at timestamptz, created_at timestamptz, owner_api text,
           tenant text)`,
        [JSON.stringify(toInsert.map((e) => execJson(e, this.instances.get(e.instanceId)!.owner)))],
      );
    }
    const dirty: Exec[] = [];
    for (const id of this.dirtyExecs) {
      if (this.newExecs.has(id)) continue;
      const e = this.liveExec(id);
      if (e && e.kind !== 'root') dirty.push(e);
    }
    if (dirty.length === 1) {
      const e = dirty[0]!;
      batch.write(
        `UPDATE wf_execution SET parent_id = $2, activity_id = $3, kind = $4, state = $5::jsonb, event_type = $6,
           event_name = $7, due_at = $8 WHERE id = $1`,
        [e.id, e.parentId, e.activityId, e.kind, JSON.stringify(e.state), e.eventType, e.eventName, e.dueAt],
      );
    } else if (dirty.length > 1) {
      // One statement for many rows (a group of job commands): an UPDATE per row costs a parse and plan each. The
      // planner takes jsonb_to_recordset for 100 rows; `id = ANY` tells it the rows, so it looks them up by key.
      batch.write(
        `UPDATE wf_execution w SET parent_id = x.parent_id, activity_id = x.activity_id, kind = x.kind, state = x.state,
           event_type = x.event_type, event_name = x.event_name, due_at = x.due_at
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, parent_id text, activity_id text, kind text, state jsonb,
           event_type text, event_name text, due_at timestamptz)
         WHERE w.id = x.id AND w.id = ANY($2)`,
        [
          JSON.stringify(dirty.map((e) => execJson(e, this.instances.get(e.instanceId)!.owner))),
          dirty.map((e) => e.id),
        ],
      );
    }
    if (this.deletedExecs.size) batch.remove('DELETE FROM wf_execution WHERE id = ANY($1)', [[...this.deletedExecs]]);
  }

  private flushVariables(batch: StatementBatch, audit: boolean): void {
    const varRows: (Record<string, unknown> & { ended: boolean })[] = [];
    for (const [scope, names] of this.dirtyVars) {
      const instId = this.scopeVarInstance.get(scope)!;
      const inst = this.instances.get(instId)!;
      const m = inst.vars.get(scope);
      if (!m) continue;
      for (const n of names) {
        const enc = encodeValue(m.get(n));
        varRows.push({
          instance_id: instId,
          scope_id: scope,
          name: n,
          type: enc.type,
          value: enc.value,
          ended: inst.ended,
        });
      }
    }
    const liveVars = varRows.filter((v) => !v.ended);
    if (liveVars.length) {
      batch.write(
        `INSERT INTO wf_variable (instance_id, scope_id, name, type, value)
         SELECT instance_id, scope_id, name, type, value FROM jsonb_to_recordset($1::jsonb)
           AS x(instance_id text, scope_id text, name text, type text, value jsonb)
         ON CONFLICT (scope_id, name) DO UPDATE SET type = EXCLUDED.type, value = EXCLUDED.value`,
        [JSON.stringify(liveVars)],
      );
    }
    if (audit && varRows.length) {
      batch.write(
        `INSERT INTO wf_hi_variable (instance_id, scope_id, name, type, value, create_time, update_time)
         SELECT instance_id, scope_id, name, type, value, $2, $2 FROM jsonb_to_recordset($1::jsonb)
           AS x(instance_id text, scope_id text, name text, type text, value jsonb)
         ON CONFLICT (scope_id, name) DO UPDATE SET type = EXCLUDED.type, value = EXCLUDED.value, update_time = $2`,
        [JSON.stringify(varRows), this.now()],
      );
    }
    if (this.deletedVarScopes.size)
      batch.remove('DELETE FROM wf_variable WHERE scope_id = ANY($1)', [[...this.deletedVarScopes]]);
    const single = [...this.deletedVars].flatMap(([scope, names]) =>
      this.deletedVarScopes.has(scope) ? [] : [...names].map((name) => ({ scope, name })),
    );
    if (single.length)
      batch.remove(
        `DELETE FROM wf_variable v USING jsonb_to_recordset($1::jsonb) AS x(scope text, name text)
         WHERE v.scope_id = x.scope AND v.name = x.name`,
        [JSON.stringify(single)],
      );
  }

  private flushTasks(batch: StatementBatch, audit: boolean): void {
    const newTasks = [...this.newTasks.values()];
    if (newTasks.length) {
      batch.write('INSERT INTO wf_task SELECT * FROM jsonb_populate_recordset(NULL::wf_task, $1::jsonb)', [
        JSON.stringify(newTasks),
      ]);
    }
    for (const t of this.dirtyTasks.values()) {
      batch.write(
        `UPDATE wf_task SET name = $2, description = $3, assignee = $4, owner = $5, priority = $6, due_date = $7,
           claim_time = $8, category = $9, form_key = $10, candidate_users = $11, candidate_groups = $12,
           rev = rev + 1 WHERE id = $1`,
        taskUpdateParams(t),
      );
    }
    if (this.deletedTasks.size) batch.remove('DELETE FROM wf_task WHERE id = ANY($1)', [[...this.deletedTasks]]);
    if (audit) this.flushTaskHistory(batch, newTasks);
  }

  private flushTaskHistory(batch: StatementBatch, newTasks: TaskRow[]): void {
    const hiTasks = [
      ...newTasks.map((t) => ({ ...t, end_time: null, duration_ms: null, delete_reason: null })),
      ...[...this.hiTaskEnds.values()].map(({ end, reason, task }) => ({
        ...task,
        end_time: end,
        duration_ms: end.getTime() - new Date(task.create_time).getTime(),
        delete_reason: reason,
      })),
    ];
    if (hiTasks.length) {
      batch.write(
        `INSERT INTO wf_hi_task (id, instance_id, execution_id, definition_id, definition_key, task_def_key, name,
           description, assignee, owner, priority, due_date, form_key, category, candidate_users, candidate_groups,
           create_time, claim_time, end_time, duration_ms, delete_reason, owner_api, tenant)
         SELECT id, instance_id, execution_id, definition_id, definition_key, task_def_key, name,
           description, assignee, owner, priority, due_date, form_key, category, candidate_users, candidate_groups,
           create_time, claim_time, end_time, duration_ms, delete_reason, owner_api, tenant
         FROM jsonb_populate_recordset(NULL::wf_hi_task, $1::jsonb)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
           assignee = EXCLUDED.assignee, owner = EXCLUDED.owner, priority = EXCLUDED.priority,
           due_date = EXCLUDED.due_date, claim_time = EXCLUDED.claim_time, end_time = EXCLUDED.end_time,
           duration_ms = EXCLUDED.duration_ms, delete_reason = EXCLUDED.delete_reason, category = EXCLUDED.category,
           form_key = EXCLUDED.form_key, candidate_users = EXCLUDED.candidate_users,
           candidate_groups = EXCLUDED.candidate_groups`,
        [JSON.stringify(hiTasks)],
      );
    }
    for (const t of this.dirtyTasks.values()) {
      if (this.hiTaskEnds.has(t.id)) continue; // its row is rewritten whole above
      batch.write(
        `UPDATE wf_hi_task SET name = $2, description = $3, assignee = $4, owner = $5, priority = $6, due_date = $7,
           claim_time = $8, category = $9, form_key = $10, candidate_users = $11, candidate_groups = $12 WHERE id = $1`,
        taskUpdateParams(t),
      );
    }
  }

  private flushActivityAndInstanceHistory(batch: StatementBatch, hist: boolean): void {
    if (hist && this.hiActs.size) {
      batch.write(
        'INSERT INTO wf_hi_activity SELECT * FROM jsonb_populate_recordset(NULL::wf_hi_activity, $1::jsonb)',
        [JSON.stringify([...this.hiActs.values()])],
      );
    }
    const actEnds = [...this.hiActEndsOld].map(([id, { end, reason }]) => ({ id, end, reason }));
    if (actEnds.length === 1) {
      const { id, end, reason } = actEnds[0]!;
      batch.write(
        `UPDATE wf_hi_activity SET end_time = $2, duration_ms = (extract(epoch FROM ($2::timestamptz - start_time)) * 1000)::bigint,
           delete_reason = $3 WHERE id = $1`,
        [id, end, reason],
      );
    } else if (actEnds.length > 1) {
      batch.write(
        `UPDATE wf_hi_activity h SET end_time = x."end",
           duration_ms = (extract(epoch FROM (x."end" - h.start_time)) * 1000)::bigint, delete_reason = x.reason
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, "end" timestamptz, reason text)
         WHERE h.id = x.id AND h.id = ANY($2)`,
        [JSON.stringify(actEnds), actEnds.map((a) => a.id)],
      );
    }
    if (!hist) return;
    // Ends of instances that existed before this command (a new one's end went into its insert).
    const instEnds = [...this.hiInstEnds].map(([id, e]) => ({
      id,
      end: e.end,
      activity: e.endActivity,
      reason: e.reason,
    }));
    if (instEnds.length === 1) {
      const { id, end, activity, reason } = instEnds[0]!;
      batch.write(
        `UPDATE wf_hi_instance SET end_time = $2, end_activity_id = $3, delete_reason = $4,
           duration_ms = (extract(epoch FROM ($2::timestamptz - start_time)) * 1000)::bigint WHERE id = $1`,
        [id, end, activity, reason],
      );
    } else if (instEnds.length > 1) {
      batch.write(
        `UPDATE wf_hi_instance h SET end_time = x."end", end_activity_id = x.activity, delete_reason = x.reason,
           duration_ms = (extract(epoch FROM (x."end" - h.start_time)) * 1000)::bigint
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, "end" timestamptz, activity text, reason text)
         WHERE h.id = x.id AND h.id = ANY($2)`,
        [JSON.stringify(instEnds), instEnds.map((e) => e.id)],
      );
    }
  }

  /** Runtime rows of instances that ended in this command (history stays). */
  private flushEndedInstances(batch: StatementBatch): void {
    const endedOld = [...this.endedInstances].filter((id) => !this.instances.get(id)?.isNew);
    if (!endedOld.length) return;
    batch.remove('DELETE FROM wf_execution WHERE instance_id = ANY($1)', [endedOld]);
    batch.remove('DELETE FROM wf_variable WHERE instance_id = ANY($1)', [endedOld]);
    batch.remove('DELETE FROM wf_task WHERE instance_id = ANY($1)', [endedOld]);
    batch.remove('DELETE FROM wf_instance WHERE id = ANY($1)', [endedOld]);
  }
}

/**
 * A command's writes, collected and sent as one statement. All parts of a data-modifying WITH see the same snapshot,
 * so a delete must not share a statement with a write of the same rows: when a delete (`remove`) targets a table an
 * insert or update (`write`) also touches, the deletes go as a second statement, after the writes.
 */
export class StatementBatch {
  private readonly writes: [string, unknown[]][] = [];
  private readonly removes: [string, unknown[]][] = [];

  write(sql: string, params: unknown[]): void {
    this.writes.push([sql, params]);
  }

  remove(sql: string, params: unknown[]): void {
    this.removes.push([sql, params]);
  }

  async run(tx: Queryable): Promise<void> {
    const written = new Set(this.writes.map(([sql]) => targetTable(sql)));
    const disjoint =
      !written.has(undefined) &&
      this.removes.every(([sql]) => {
        const table = targetTable(sql);
        return table !== undefined && !written.has(table);
      });
    if (disjoint) {
      await runAsOne(tx, [...this.writes, ...this.removes]);
      return;
    }
    await runAsOne(tx, this.writes);
    await runAsOne(tx, this.removes);
  }
}

/** The table an INSERT, UPDATE or DELETE statement changes; undefined (any table) for another form. */
function targetTable(sql: string): string | undefined {
  return /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/i.exec(sql)?.[1];
}

/** Runs statements as one: `WITH s1 AS (...), s2 AS (...) SELECT 1`, parameters renumbered. */
async function runAsOne(tx: Queryable, stmts: [string, unknown[]][]): Promise<void> {
  if (!stmts.length) return;
  if (stmts.length === 1) {
    await tx.query(stmts[0]![0], stmts[0]![1]);
    return;
  }
  const params: unknown[] = [];
  const parts = stmts.map(([sql, ps], i) => {
    const offset = params.length;
    params.push(...ps);
    return `s${i} AS (${renumber(sql, offset)})`;
  });
  await tx.query(`WITH ${parts.join(',\n')} SELECT 1`, params);
}

/** Statement texts split around their placeholders: the same few texts are renumbered on every flush. */
const templates = new Map<string, { parts: string[]; numbers: number[] }>();

/** sql with every `$n` moved up by offset. */
function renumber(sql: string, offset: number): string {
  if (offset === 0) return sql;
  let t = templates.get(sql);
  if (!t) {
    t = { parts: [], numbers: [] };
    let last = 0;
    for (const m of sql.matchAll(/\$(\d+)/g)) {
      t.parts.push(sql.slice(last, m.index));
      t.numbers.push(Number(m[1]));
      last = m.index + m[0].length;
    }
    t.parts.push(sql.slice(last));
    if (templates.size < 1000) templates.set(sql, t);
  }
  let out = t.parts[0]!;
  for (let i = 0; i < t.numbers.length; i++) out += `$${t.numbers[i]! + offset}${t.parts[i + 1]}`;
  return out;
}

function execJson(e: Exec, owner: Owner) {
  return {
    owner_api: owner.api,
    tenant: owner.tenant,
    id: e.id,
    instance_id: e.instanceId,
    parent_id: e.parentId,
    activity_id: e.activityId,
    kind: e.kind,
    state: e.state,
    event_type: e.eventType,
    event_name: e.eventName,
    due_at: e.dueAt,
    created_at: e.createdAt,
  };
}
