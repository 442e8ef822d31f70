/**
 * FLOW executions: the `flow_executions` rows (migration 031) and the service behaviours that run FLOW tasks inside
 * the shared runtime (runtime/behaviours.ts). Each execution is one runtime process instance whose business key is
 * the execution id; the behaviours keep the row (state, task records, outcome) up to date in the runtime's own
 * transaction, so the row and the instance never disagree.
 */
import type { FlowErrorHandling } from '../../dialects/flow/compile.js';
import { evaluateCondition, type FlowScope, resolveTemplates } from '../../dialects/flow/evaluate.js';
import {
  FINISH_BEHAVIOUR,
  type FlowExecNode,
  TASK_BEHAVIOUR,
  WAIT_DONE_BEHAVIOUR,
} from '../../dialects/flow/execution-graph.js';
import type { FlowTask } from '../../dialects/flow/validate.js';
import type { ServiceBehaviour, ServiceBehaviourContext } from '../../runtime/behaviours.js';
import { runScript } from '../../runtime/script-sandbox.js';
import type { Queryable } from '../../store/db.js';
import type { Scope } from './repository.js';

export type ExecutionState = 'INPROGRESS' | 'COMPLETED' | 'ERROR' | 'TIMEOUT';
export type TaskStatus = 'PENDING' | 'RUNNING' | 'WAITING' | 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';
export type ErrorType =
  | 'HTTP_STATUS'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'SCRIPT_ERROR'
  | 'TEMPLATE_ERROR'
  | 'TYPE_MISMATCH'
  | 'CHECK_ERROR';

export interface TaskError {
  errorType: ErrorType;
  message: string;
  httpStatus?: number;
}

export interface TaskRecord {
  taskId: string;
  type: string;
  status: TaskStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  output: unknown;
  error: TaskError | null;
  errorIgnored: boolean;
}

export interface Failure {
  taskId: string | null;
  errorType: ErrorType | 'EXECUTION_TIMEOUT';
  message: string;
}

export interface ExecutionRow {
  id: string;
  scope: Scope;
  definitionId: string;
  version: number;
  versionId: string;
  instanceId: string | null;
  state: ExecutionState;
  startedAt: string;
  endedAt: string | null;
  createdBy: string;
  channel: string | null;
  clientRequestId: string | null;
  comment: { text: string } | null;
  initialState: Record<string, unknown>;
  data: Record<string, unknown>;
  tasks: TaskRecord[];
  taskOrder: string[];
  failure: Failure | null;
  timeoutMs: number | null;
  variableNames: string[];
}

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
  const order = [...o.sortFields.map((f) => `${SORT_COLUMNS[f]} ${dir} ${nulls}`), `id ${dir}`].join(', ');
  const count = await q.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM flow_executions WHERE ${where}`,
    params,
  );
  params.push(o.limit, o.offset);
  const { rows } = await q.query(
    `SELECT * FROM flow_executions WHERE ${where} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { total: Number(count.rows[0]!.n), items: rows.map(toRow) };
}

/** Ends an execution whose `timeoutMs` has passed as TIMEOUT; true when it changed. */
export function expireIfDue(e: ExecutionRow, now: Date): boolean {
  if (e.state !== 'INPROGRESS' || e.timeoutMs === null) return false;
  if (now.getTime() - new Date(e.startedAt).getTime() < e.timeoutMs) return false;
  endExecution(e, 'TIMEOUT', now, {
    taskId: null,
    errorType: 'EXECUTION_TIMEOUT',
    message: `The execution did not finish within ${e.timeoutMs} ms`,
  });
  return true;
}

function endExecution(e: ExecutionRow, state: ExecutionState, now: Date, failure: Failure | null): void {
  e.state = state;
  e.endedAt = now.toISOString();
  e.failure = failure;
  for (const t of e.tasks) {
    if (t.status === 'PENDING' || t.status === 'RUNNING' || t.status === 'WAITING') {
      t.status = 'CANCELLED';
      t.endedAt = t.startedAt ? e.endedAt : t.endedAt;
    }
  }
}

// ------------------------------------------------------------------------------------------------ task behaviours

/** A check request as the check provider receives it (configuration with templates resolved). */
export interface CheckRequest {
  type: 'KYC' | 'IDV' | 'AML' | 'BLOCKLIST';
  entityId: string;
  entityType: 'INDIVIDUAL' | 'ORGANIZATION';
  checkOptions: Record<string, unknown>;
  timeoutMs: number;
}

/** Answers a check; throw to fail the attempt (a CHECK_ERROR). */
export type CheckProvider = (
  req: CheckRequest,
) => Promise<{ result: string; issues: unknown[] } & Record<string, unknown>>;

/** wfkit's stub provider: `checkOptions.simulateResult` (`PASS` by default; `ERROR` fails the attempt). */
export const stubCheckProvider: CheckProvider = async (req) => {
  const simulated = req.checkOptions.simulateResult;
  const result = typeof simulated === 'string' ? simulated : 'PASS';
  if (result === 'ERROR') throw new Error(`The ${req.type} check of ${req.entityId} failed (simulated)`);
  return { result, issues: result === 'PASS' ? [] : [{ code: `SIMULATED_${result}` }] };
};

export interface FlowRunOptions {
  checkProvider?: CheckProvider;
  /** Waits between retry attempts (default a real timer); tests pass one that advances their clock. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

class TaskFailure extends Error {
  constructor(readonly error: TaskError) {
    super(error.message);
  }
}

const cut = (s: string) => (s.length > 4000 ? `${s.slice(0, 3997)}...` : s);

function scopeOf(e: ExecutionRow): FlowScope {
  return {
    state: e.data,
    tasks: Object.fromEntries(
      e.tasks.map((t) => [
        t.taskId,
        { output: t.output ?? undefined, status: t.status, error: t.error, attempts: t.attempts },
      ]),
    ),
    execution: {
      id: e.id,
      workflowDefinitionId: e.definitionId,
      version: e.version,
      versionId: e.versionId,
      startedAt: e.startedAt,
    },
  };
}

function templated(value: unknown, e: ExecutionRow): unknown {
  try {
    return resolveTemplates(value, scopeOf(e));
  } catch (err) {
    throw new TaskFailure({ errorType: 'TEMPLATE_ERROR', message: cut(String((err as Error).message ?? err)) });
  }
}

async function runHttp(cfg: FlowTask['configuration'], e: ExecutionRow, o: FlowRunOptions): Promise<unknown> {
  const method = String(cfg.method ?? 'GET');
  const url = new URL(String(templated(cfg.url, e) ?? ''));
  for (const [k, v] of Object.entries((templated(cfg.query ?? {}, e) ?? {}) as Record<string, unknown>))
    url.searchParams.append(k, v === null ? '' : String(v));
  const headers = new Headers();
  for (const [k, v] of Object.entries((templated(cfg.headers ?? {}, e) ?? {}) as Record<string, unknown>))
    headers.set(k, v === null ? '' : String(v));
  let body: string | undefined;
  if (cfg.body !== undefined && method !== 'GET' && method !== 'HEAD') {
    body = JSON.stringify(templated(cfg.body, e));
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const timeoutMs = typeof cfg.timeoutMs === 'number' ? cfg.timeoutMs : 30_000;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new TaskFailure({ errorType: 'TIMEOUT', message: `${method} ${url} took longer than ${timeoutMs} ms` });
    throw new TaskFailure({ errorType: 'NETWORK', message: cut(`${method} ${url} failed: ${(err as Error).message}`) });
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the text as it is
  }
  const expected = Array.isArray(cfg.expectedStatus) ? (cfg.expectedStatus as number[]) : null;
  const ok = expected ? expected.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok)
    throw new TaskFailure({
      errorType: 'HTTP_STATUS',
      message: cut(`${method} ${url} answered ${res.status}`),
      httpStatus: res.status,
    });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
}

async function runScriptTask(
  t: FlowTask,
  node: FlowExecNode,
  e: ExecutionRow,
): Promise<{ output: unknown; writes: Record<string, unknown> }> {
  const writes: Record<string, unknown> = {};
  const scope = scopeOf(e);
  const upstream = new Set(node.upstream ?? []);
  const globals = {
    state: structuredClone(e.data),
    variables: Object.fromEntries(e.variableNames.filter((n) => Object.hasOwn(e.data, n)).map((n) => [n, e.data[n]])),
    tasks: Object.fromEntries(Object.entries(scope.tasks).filter(([id]) => upstream.has(id))),
    __flowExecution: scope.execution,
  };
  const source = `(function (execution, setState) {\n${String(t.configuration.script ?? '')}\n})(__flowExecution, (function (host) { return function (k, v) { host.setVariable(String(k), v === undefined ? null : v); }; })(execution))`;
  try {
    const r = await runScript(
      source,
      {
        getVariable: () => null,
        setVariable: (k, v) => {
          writes[k] = v;
        },
        getVariables: () => ({}),
        globals,
      },
      { timeoutMs: typeof t.configuration.timeoutMs === 'number' ? t.configuration.timeoutMs : 5000 },
    );
    return { output: r.result ?? null, writes };
  } catch (err) {
    throw new TaskFailure({ errorType: 'SCRIPT_ERROR', message: cut(String((err as Error).message ?? err)) });
  }
}

/** One attempt of a task; resolves with its output (and the state keys it writes). */
async function attempt(
  t: FlowTask,
  node: FlowExecNode,
  e: ExecutionRow,
  o: FlowRunOptions,
): Promise<{ output: unknown; writes?: Record<string, unknown> }> {
  const cfg = t.configuration;
  switch (cfg.type) {
    case 'SET_VARIABLES': {
      const values = templated(cfg.values ?? {}, e) as Record<string, unknown>;
      return { output: values, writes: values };
    }
    case 'DECISION': {
      const cases = (cfg.cases ?? []) as { when: string; result: string }[];
      for (const [i, c] of cases.entries()) {
        let hit: boolean;
        try {
          hit = evaluateCondition(c.when, scopeOf(e));
        } catch (err) {
          throw new TaskFailure({ errorType: 'TEMPLATE_ERROR', message: cut((err as Error).message) });
        }
        if (hit) return { output: { result: c.result, caseIndex: i } };
      }
      return {
        output: { result: typeof cfg.defaultResult === 'string' ? cfg.defaultResult : 'DEFAULT', caseIndex: null },
      };
    }
    case 'SCRIPT':
      return runScriptTask(t, node, e);
    case 'HTTP':
      return { output: await runHttp(cfg, e, o) };
    case 'KYC':
    case 'IDV':
    case 'AML':
    case 'BLOCKLIST': {
      const entityId = templated(cfg.entityId, e);
      if (typeof entityId !== 'string' || !entityId)
        throw new TaskFailure({ errorType: 'TYPE_MISMATCH', message: `The entityId of '${t.id}' is not a string` });
      try {
        const output = await (o.checkProvider ?? stubCheckProvider)({
          type: cfg.type,
          entityId,
          entityType: cfg.entityType === 'ORGANIZATION' ? 'ORGANIZATION' : 'INDIVIDUAL',
          checkOptions: (templated(cfg.checkOptions ?? {}, e) ?? {}) as Record<string, unknown>,
          timeoutMs: typeof cfg.timeoutMs === 'number' ? cfg.timeoutMs : 60_000,
        });
        return { output };
      } catch (err) {
        if (err instanceof TaskFailure) throw err;
        throw new TaskFailure({ errorType: 'CHECK_ERROR', message: cut(String((err as Error).message ?? err)) });
      }
    }
    default:
      throw new TaskFailure({ errorType: 'TYPE_MISMATCH', message: `Task type ${cfg.type} cannot run here` });
  }
}

/** When a WAIT task is due: `durationMs` after now, or `until` (a date-time or a template giving one). */
function waitDue(t: FlowTask, e: ExecutionRow, now: Date): Date {
  const cfg = t.configuration;
  if (typeof cfg.durationMs === 'number') return new Date(now.getTime() + cfg.durationMs);
  const v = templated(cfg.until, e);
  const d = typeof v === 'string' ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime()))
    throw new TaskFailure({ errorType: 'TYPE_MISMATCH', message: `The until of '${t.id}' is not a date-time` });
  return d;
}

const retryDelay = (rc: FlowErrorHandling['retryConfig'], n: number) => {
  const d = rc.delayMs * rc.backoffFactor ** (n - 1);
  return rc.maxDelayMs !== undefined ? Math.min(d, rc.maxDelayMs) : d;
};

async function load(ctx: ServiceBehaviourContext): Promise<ExecutionRow> {
  const e = ctx.businessKey ? await readExecutionById(ctx.tx, ctx.businessKey) : undefined;
  if (!e) throw new Error(`No FLOW execution for process instance '${ctx.instanceId}'`);
  if (e.instanceId === null) e.instanceId = ctx.rootInstanceId;
  return e;
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The FLOW service behaviours, for the runtime (registered by the FLOW module). */
export function flowBehaviours(o: FlowRunOptions = {}): Record<string, ServiceBehaviour> {
  const runTask: ServiceBehaviour = async (ctx) => {
    const node = ctx.node as FlowExecNode;
    const t = node.flowTask!;
    const e = await load(ctx);
    const rec = e.tasks.find((x) => x.taskId === t.id)!;
    const now = ctx.now;
    const waitVar = node.waitVar;
    if (waitVar) ctx.setVariable(waitVar, null);
    expireIfDue(e, now);
    if (e.state !== 'INPROGRESS') {
      await saveExecution(ctx.tx, e);
      return null;
    }
    const deps = t.dependsOn ?? [];
    let skip = deps.length > 0 && deps.every((d) => e.tasks.find((x) => x.taskId === d)?.status === 'SKIPPED');
    if (!skip && t.condition !== undefined) {
      try {
        skip = !evaluateCondition(t.condition, scopeOf(e));
      } catch {
        skip = true;
      }
    }
    e.taskOrder.push(t.id);
    if (skip) {
      rec.status = 'SKIPPED';
      rec.endedAt = now.toISOString();
      await saveExecution(ctx.tx, e);
      return null;
    }
    rec.status = 'RUNNING';
    rec.startedAt = now.toISOString();
    const eh = node.errorHandling!;
    const max = Math.max(1, eh.retryConfig.maxAttempts);
    for (let n = 1; ; n++) {
      rec.attempts = n;
      try {
        if (t.configuration.type === 'WAIT') {
          const due = waitDue(t, e, now);
          rec.status = 'WAITING';
          rec.error = null;
          ctx.setVariable(waitVar!, due.toISOString());
          await saveExecution(ctx.tx, e);
          return null;
        }
        const r = await attempt(t, node, e, o);
        rec.status = 'COMPLETED';
        rec.output = r.output ?? null;
        rec.error = null;
        if (r.writes) Object.assign(e.data, r.writes);
        break;
      } catch (err) {
        if (!(err instanceof TaskFailure)) throw err;
        rec.error = err.error;
        if (n < max) {
          await (o.sleep ?? sleepFor)(retryDelay(eh.retryConfig, n));
          continue;
        }
        rec.status = 'FAILED';
        if (eh.ignoreErrors) {
          rec.errorIgnored = true;
          Object.assign(e.data, eh.fallbackState);
        } else {
          endExecution(e, 'ERROR', now, { taskId: t.id, errorType: err.error.errorType, message: err.error.message });
        }
        break;
      }
    }
    rec.endedAt = now.toISOString();
    await saveExecution(ctx.tx, e);
    return null;
  };

  const waitDone: ServiceBehaviour = async (ctx) => {
    const t = (ctx.node as FlowExecNode).flowTask!;
    const e = await load(ctx);
    const rec = e.tasks.find((x) => x.taskId === t.id)!;
    expireIfDue(e, ctx.now);
    if (e.state === 'INPROGRESS' && rec.status === 'WAITING') {
      rec.status = 'COMPLETED';
      rec.endedAt = ctx.now.toISOString();
      rec.output = { resumedAt: ctx.now.toISOString() };
    }
    await saveExecution(ctx.tx, e);
    return null;
  };

  const finish: ServiceBehaviour = async (ctx) => {
    const e = await load(ctx);
    expireIfDue(e, ctx.now);
    if (e.state === 'INPROGRESS') endExecution(e, 'COMPLETED', ctx.now, null);
    await saveExecution(ctx.tx, e);
    return null;
  };

  return { [TASK_BEHAVIOUR]: runTask, [WAIT_DONE_BEHAVIOUR]: waitDone, [FINISH_BEHAVIOUR]: finish };
}

/** The response shape of an execution (`WorkflowExecution`) and its summary (`WorkflowExecutionSummary`). */
export function renderSummary(e: ExecutionRow) {
  const ids = (pred: (t: TaskRecord) => boolean) => e.tasks.filter(pred).map((t) => t.taskId);
  return {
    workflowExecutionId: e.id,
    workflowDefinitionId: e.definitionId,
    version: e.version,
    versionId: e.versionId,
    workflowExecutionState: e.state,
    startedAt: e.startedAt,
    endedAt: e.endedAt,
    createdBy: e.createdBy,
    channel: e.channel,
    steps: {
      order: e.taskOrder,
      passed: ids((t) => t.status === 'COMPLETED'),
      failed: ids((t) => t.status === 'FAILED'),
      incomplete: ids((t) => ['PENDING', 'RUNNING', 'WAITING', 'CANCELLED'].includes(t.status)),
      notApplicable: ids((t) => t.status === 'SKIPPED'),
    },
  };
}

export function renderExecution(e: ExecutionRow) {
  return {
    ...renderSummary(e),
    ...(e.comment ? { comment: e.comment } : {}),
    initialState: e.initialState,
    state: e.data,
    tasks: e.tasks.map((t) => ({
      taskId: t.taskId,
      type: t.type,
      status: t.status,
      attempts: t.attempts,
      startedAt: t.startedAt,
      endedAt: t.endedAt,
      output: t.output,
      error: t.error,
      errorIgnored: t.errorIgnored,
    })),
    failure: e.failure,
  };
}
