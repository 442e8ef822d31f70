/**
 * The work of FLOW's external tasks (`HTTP`, `SCRIPT`, checks). `prepareCall` runs inside the command when the task
 * starts: it resolves the templates against the execution as it is then and returns the call as JSON (stored with
 * the `wf.external` job). `performCall` runs outside any transaction, once per attempt; it throws a TaskFailure.
 */
import type { FlowGraphNode } from '../../dialects/flow/compile.js';
import { type FlowScope, resolveTemplates } from '../../dialects/flow/evaluate.js';
import type { FlowTask } from '../../dialects/flow/validate.js';
import { runScript } from '../../runtime/script-sandbox.js';
import type { ExecutionRow, TaskError, TaskResult } from './executions.js';

export class TaskFailure extends Error {
  constructor(readonly error: TaskError) {
    super(error.message);
  }
}

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
  /**
   * How a synchronous execute waits for the next retry of its own tasks (default a real timer); tests pass one that
   * advances their clock.
   */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** The app's clock: `Date` inside SCRIPT tasks follows it (the module sets it). */
  now?: () => Date;
}

interface HttpCall {
  kind: 'HTTP';
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  expectedStatus: number[] | null;
}

interface ScriptCall {
  kind: 'SCRIPT';
  source: string;
  globals: Record<string, unknown>;
  timeoutMs: number;
}

interface CheckCall {
  kind: 'CHECK';
  request: CheckRequest;
}

export type FlowCall = HttpCall | ScriptCall | CheckCall;

export const cut = (s: string) => (s.length > 4000 ? `${s.slice(0, 3997)}...` : s);
const messageOf = (err: unknown) => String((err as Error)?.message ?? err);

/** What templates and conditions see of an execution. */
export function flowScope(e: ExecutionRow): FlowScope {
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

export function templated(value: unknown, e: ExecutionRow): unknown {
  try {
    return resolveTemplates(value, flowScope(e));
  } catch (err) {
    throw new TaskFailure({ errorType: 'TEMPLATE_ERROR', message: cut(messageOf(err)) });
  }
}

const stringMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, x === null ? '' : String(x)]),
  );

function prepareHttp(t: FlowTask, e: ExecutionRow): HttpCall {
  const cfg = t.configuration;
  const method = String(cfg.method ?? 'GET');
  let url: URL;
  try {
    url = new URL(String(templated(cfg.url, e) ?? ''));
  } catch (err) {
    if (err instanceof TaskFailure) throw err;
    throw new TaskFailure({ errorType: 'TYPE_MISMATCH', message: cut(`The url of '${t.id}' is not a URL`) });
  }
  for (const [k, v] of Object.entries(stringMap(templated(cfg.query ?? {}, e)))) url.searchParams.append(k, v);
  const headers = stringMap(templated(cfg.headers ?? {}, e));
  let body: string | undefined;
  if (cfg.body !== undefined && method !== 'GET' && method !== 'HEAD') {
    body = JSON.stringify(templated(cfg.body, e));
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  return {
    kind: 'HTTP',
    method,
    url: url.toString(),
    headers,
    ...(body !== undefined ? { body } : {}),
    timeoutMs: typeof cfg.timeoutMs === 'number' ? cfg.timeoutMs : 30_000,
    expectedStatus: Array.isArray(cfg.expectedStatus) ? (cfg.expectedStatus as number[]) : null,
  };
}

function prepareScript(t: FlowTask, node: FlowGraphNode, e: ExecutionRow): ScriptCall {
  const scope = flowScope(e);
  const upstream = new Set(node.upstream ?? []);
  return {
    kind: 'SCRIPT',
    // `setState(k, v)` writes a state key; `execution` is the execution's identity (as in templates).
    source: `(function (execution, setState) {\n${String(t.configuration.script ?? '')}\n})(__flowExecution, (function (host) { return function (k, v) { host.setVariable(String(k), v === undefined ? null : v); }; })(execution))`,
    globals: {
      state: structuredClone(e.data),
      variables: Object.fromEntries(e.variableNames.filter((n) => Object.hasOwn(e.data, n)).map((n) => [n, e.data[n]])),
      tasks: Object.fromEntries(Object.entries(scope.tasks).filter(([id]) => upstream.has(id))),
      __flowExecution: scope.execution,
    },
    timeoutMs: typeof t.configuration.timeoutMs === 'number' ? t.configuration.timeoutMs : 5000,
  };
}

function prepareCheck(t: FlowTask, e: ExecutionRow): CheckCall {
  const cfg = t.configuration;
  const entityId = templated(cfg.entityId, e);
  if (typeof entityId !== 'string' || !entityId)
    throw new TaskFailure({ errorType: 'TYPE_MISMATCH', message: `The entityId of '${t.id}' is not a string` });
  return {
    kind: 'CHECK',
    request: {
      type: cfg.type as CheckRequest['type'],
      entityId,
      entityType: cfg.entityType === 'ORGANIZATION' ? 'ORGANIZATION' : 'INDIVIDUAL',
      checkOptions: (templated(cfg.checkOptions ?? {}, e) ?? {}) as Record<string, unknown>,
      timeoutMs: typeof cfg.timeoutMs === 'number' ? cfg.timeoutMs : 60_000,
    },
  };
}

/** The call of an external task, from the execution as it is when the task starts. */
export function prepareCall(t: FlowTask, node: FlowGraphNode, e: ExecutionRow): FlowCall {
  switch (t.configuration.type) {
    case 'HTTP':
      return prepareHttp(t, e);
    case 'SCRIPT':
      return prepareScript(t, node, e);
    default:
      return prepareCheck(t, e);
  }
}

async function performHttp(c: HttpCall, o: FlowRunOptions): Promise<TaskResult> {
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(c.url, {
      method: c.method,
      headers: c.headers,
      ...(c.body !== undefined ? { body: c.body } : {}),
      signal: AbortSignal.timeout(c.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new TaskFailure({
        errorType: 'TIMEOUT',
        message: `${c.method} ${c.url} took longer than ${c.timeoutMs} ms`,
      });
    throw new TaskFailure({ errorType: 'NETWORK', message: cut(`${c.method} ${c.url} failed: ${messageOf(err)}`) });
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the text as it is
  }
  const ok = c.expectedStatus ? c.expectedStatus.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok)
    throw new TaskFailure({
      errorType: 'HTTP_STATUS',
      message: cut(`${c.method} ${c.url} answered ${res.status}`),
      httpStatus: res.status,
    });
  return { output: { status: res.status, headers: Object.fromEntries(res.headers), body: parsed } };
}

async function performScript(c: ScriptCall, o: FlowRunOptions): Promise<TaskResult> {
  const writes: Record<string, unknown> = {};
  try {
    const r = await runScript(
      c.source,
      {
        getVariable: () => null,
        setVariable: (k, v) => {
          writes[k] = v;
        },
        getVariables: () => ({}),
        globals: c.globals,
        ...(o.now ? { now: o.now } : {}),
      },
      { timeoutMs: c.timeoutMs },
    );
    return { output: r.result ?? null, writes };
  } catch (err) {
    throw new TaskFailure({ errorType: 'SCRIPT_ERROR', message: cut(messageOf(err)) });
  }
}

/** One attempt of the call, outside any transaction. */
export async function performCall(c: FlowCall, o: FlowRunOptions): Promise<TaskResult> {
  switch (c.kind) {
    case 'HTTP':
      return performHttp(c, o);
    case 'SCRIPT':
      return performScript(c, o);
    case 'CHECK':
      try {
        return { output: await (o.checkProvider ?? stubCheckProvider)(c.request) };
      } catch (err) {
        throw new TaskFailure({ errorType: 'CHECK_ERROR', message: cut(messageOf(err)) });
      }
  }
}
