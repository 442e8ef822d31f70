/**
 * The FLOW service behaviours the runtime runs for the graph of dialects/flow/compile.ts. Each reads and writes the
 * execution's row through the command's transaction (the root instance row is locked), so the row moves with the
 * instance. `flow.call` is an external service task (runtime/external-tasks.ts): its call runs outside any
 * transaction, retried as a job after the delays of `retryConfig`.
 */
import {
  CALL_BEHAVIOUR,
  FINISH_BEHAVIOUR,
  type FlowGraphNode,
  retryDelays,
  TASK_BEHAVIOUR,
  TIMEOUT_BEHAVIOUR,
  WAIT_DONE_BEHAVIOUR,
} from '../../dialects/flow/compile.js';
import { evaluateCondition } from '../../dialects/flow/evaluate.js';
import type { FlowTask } from '../../dialects/flow/validate.js';
import type { ServiceBehaviour, ServiceBehaviourContext } from '../../runtime/behaviours.js';
import type { ExternalServiceBehaviour } from '../../runtime/external-tasks.js';
import {
  cut,
  type FlowCall,
  type FlowRunOptions,
  flowScope,
  performCall,
  prepareCall,
  TaskFailure,
  templated,
} from './calls.js';
import {
  type ExecutionRow,
  endExecution,
  type TaskError,
  type TaskRecord,
  type TaskResult,
  taskFailed,
  taskSucceeded,
  timeOut,
} from './executions.js';
import * as repo from './repository/index.js';

async function load(ctx: ServiceBehaviourContext): Promise<ExecutionRow> {
  const e = ctx.businessKey ? await repo.readExecutionById(ctx.tx, ctx.businessKey) : undefined;
  if (!e) throw new Error(`No FLOW execution for process instance '${ctx.instanceId}'`);
  return e;
}

interface Started {
  e: ExecutionRow;
  t: FlowTask;
  rec: TaskRecord;
  node: FlowGraphNode;
}

/**
 * A token reached a task: skipped (its condition is false, or all its dependencies were skipped), not run (the
 * execution has ended), or started (RUNNING, attempt 1). Returns the started task, or null after saving the row.
 */
async function begin(ctx: ServiceBehaviourContext): Promise<Started | null> {
  const node = ctx.node as FlowGraphNode;
  const t = node.flowTask!;
  const e = await load(ctx);
  const rec = e.tasks.find((x) => x.taskId === t.id)!;
  if (e.state !== 'INPROGRESS') return null;
  const deps = t.dependsOn ?? [];
  let skip = deps.length > 0 && deps.every((d) => e.tasks.find((x) => x.taskId === d)?.status === 'SKIPPED');
  if (!skip && t.condition !== undefined) {
    try {
      skip = !evaluateCondition(t.condition, flowScope(e));
    } catch {
      skip = true;
    }
  }
  e.taskOrder.push(t.id);
  if (skip) {
    rec.status = 'SKIPPED';
    rec.endedAt = ctx.now.toISOString();
    await repo.saveExecution(ctx.tx, e);
    return null;
  }
  rec.status = 'RUNNING';
  rec.startedAt = ctx.now.toISOString();
  rec.attempts = 1;
  return { e, t, rec, node };
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

/** The tasks that run inside the command: SET_VARIABLES and DECISION (pure, so never retried). */
function runInline(t: FlowTask, e: ExecutionRow): TaskResult {
  const cfg = t.configuration;
  if (cfg.type === 'SET_VARIABLES') {
    const values = templated(cfg.values ?? {}, e) as Record<string, unknown>;
    return { output: values, writes: values };
  }
  if (cfg.type !== 'DECISION')
    throw new TaskFailure({ errorType: 'TYPE_MISMATCH', message: `Task type ${cfg.type} cannot run here` });
  const cases = (cfg.cases ?? []) as { when: string; result: string }[];
  for (const [i, c] of cases.entries()) {
    let hit: boolean;
    try {
      hit = evaluateCondition(c.when, flowScope(e));
    } catch (err) {
      throw new TaskFailure({ errorType: 'TEMPLATE_ERROR', message: cut((err as Error).message) });
    }
    if (hit) return { output: { result: c.result, caseIndex: i } };
  }
  return { output: { result: typeof cfg.defaultResult === 'string' ? cfg.defaultResult : 'DEFAULT', caseIndex: null } };
}

/** `flow.task`: SET_VARIABLES, DECISION, and the start of a WAIT (its due time in the node's wait variable). */
const runTask: ServiceBehaviour = async (ctx) => {
  const waitVar = (ctx.node as FlowGraphNode).waitVar;
  if (waitVar) ctx.setVariable(waitVar, null);
  const s = await begin(ctx);
  if (!s) return null;
  const { e, t, rec, node } = s;
  try {
    if (t.configuration.type === 'WAIT') {
      rec.status = 'WAITING';
      ctx.setVariable(waitVar!, waitDue(t, e, ctx.now).toISOString());
    } else taskSucceeded(e, rec, runInline(t, e), ctx.now);
  } catch (err) {
    if (!(err instanceof TaskFailure)) throw err;
    taskFailed(e, rec, node.errorHandling!, err.error, ctx.now);
  }
  await repo.saveExecution(ctx.tx, e);
  return null;
};

/** `flow.call`: HTTP, SCRIPT and checks, whose work runs outside the command. */
function callBehaviour(o: FlowRunOptions): ExternalServiceBehaviour {
  return {
    external: true,
    async start(ctx) {
      const s = await begin(ctx);
      if (!s) return { result: null };
      const { e, t, rec, node } = s;
      let call: FlowCall;
      try {
        call = prepareCall(t, node, e);
      } catch (err) {
        if (!(err instanceof TaskFailure)) throw err;
        taskFailed(e, rec, node.errorHandling!, err.error, ctx.now);
        await repo.saveExecution(ctx.tx, e);
        return { result: null };
      }
      await repo.saveExecution(ctx.tx, e);
      const rc = node.errorHandling!.retryConfig;
      return { call, maxAttempts: rc.maxAttempts, retryDelaysMs: retryDelays(rc) };
    },
    perform: (call) => performCall(call as FlowCall, o),
    describeError: (err): TaskError =>
      err instanceof TaskFailure
        ? err.error
        : { errorType: 'NETWORK', message: cut(String((err as Error)?.message ?? err)) },
    async complete(ctx, outcome) {
      const node = ctx.node as FlowGraphNode;
      const e = await load(ctx);
      const rec = e.tasks.find((x) => x.taskId === node.flowTask!.id)!;
      // The execution may have ended meanwhile (another task failed): the outcome no longer matters.
      if (e.state !== 'INPROGRESS' || rec.status !== 'RUNNING') return null;
      rec.attempts = outcome.attempts;
      if (outcome.ok) taskSucceeded(e, rec, outcome.value as TaskResult, ctx.now);
      else taskFailed(e, rec, node.errorHandling!, outcome.error as TaskError, ctx.now);
      await repo.saveExecution(ctx.tx, e);
      return null;
    },
  };
}

/** `flow.wait-done`: the WAIT's timer fired. */
const waitDone: ServiceBehaviour = async (ctx) => {
  const t = (ctx.node as FlowGraphNode).flowTask!;
  const e = await load(ctx);
  const rec = e.tasks.find((x) => x.taskId === t.id)!;
  if (e.state === 'INPROGRESS' && rec.status === 'WAITING') {
    rec.status = 'COMPLETED';
    rec.endedAt = ctx.now.toISOString();
    rec.output = { resumedAt: ctx.now.toISOString() };
    await repo.saveExecution(ctx.tx, e);
  }
  return null;
};

/** `flow.finish`: every task has run. */
const finish: ServiceBehaviour = async (ctx) => {
  const e = await load(ctx);
  if (e.state === 'INPROGRESS') {
    endExecution(e, 'COMPLETED', ctx.now, null);
    await repo.saveExecution(ctx.tx, e);
  }
  return null;
};

/** `flow.timeout`: the execution's timeoutMs timer fired; the terminate end event after it cancels the rest. */
const timeout: ServiceBehaviour = async (ctx) => {
  const e = await load(ctx);
  timeOut(e, ctx.now);
  await repo.saveExecution(ctx.tx, e);
  return null;
};

/** The FLOW service behaviours, for the FLOW module's Runtime. */
export function flowBehaviours(o: FlowRunOptions = {}): Record<string, ServiceBehaviour> {
  return {
    [TASK_BEHAVIOUR]: runTask,
    [CALL_BEHAVIOUR]: callBehaviour(o),
    [WAIT_DONE_BEHAVIOUR]: waitDone,
    [FINISH_BEHAVIOUR]: finish,
    [TIMEOUT_BEHAVIOUR]: timeout,
  };
}
