/**
 * FLOW definition → the process graph (src/runtime/graph.ts) that an execution runs. Each task is one service task
 * naming a FLOW service behaviour (apis/flow/tasks.ts), which applies the FLOW rules itself: condition and "all
 * dependencies skipped" → SKIPPED, templates, ignoreErrors, fallbackState and the task record. So every token passes
 * every task once and the joins stay plain parallel joins.
 *
 *   start ─▶ fork ─┬▶ timeout? ─(flowTimeoutAt set)▶ timer ─▶ flow.timeout ─▶ terminate
 *                  │          └─(default)▶ end
 *                  └▶ background? ─▶ [fork] ─▶ ([join] ─▶ task ─▶ [fork]) … ─▶ [join] ─▶ flow.finish ─▶ terminate
 *
 * - `HTTP`, `SCRIPT` and the check types are **external** service tasks (behaviour `flow.call`): their work runs
 *   outside any database transaction as a `wf.external` job, and `retryConfig` becomes that job's attempts and
 *   delays (runtime/external-tasks.ts). `SET_VARIABLES` and `DECISION` run in the command (`flow.task`).
 * - `WAIT` is `flow.task` (decides the due time, none when skipped) ─▶ gateway ─▶ timer catch event (date
 *   `${flowWait<i>}`) ─▶ `flow.wait-done` ─▶ merge; the gateway's default flow bypasses the timer.
 * - The execute request's `timeoutMs` is a timer on its own branch (`${flowTimeoutAt}`): it fires through the job
 *   executor whether or not anyone reads the execution, and its terminate end event cancels whatever still runs.
 *   The main branch ends in a terminate end event too, which cancels that timer.
 * - With `X-Frankie-Background: 1` the first step is an async continuation, so execute returns before any task runs.
 */
import type { GraphFlow, GraphNode, NodeType, ProcessGraph } from '../../runtime/graph.js';
import { type FlowTask, transitiveDependencies } from './validate.js';

export interface FlowErrorHandling {
  ignoreErrors: boolean;
  fallbackState: Record<string, unknown>;
  retryConfig: { maxAttempts: number; delayMs: number; backoffFactor: number; maxDelayMs?: number };
}

/** Task settings win property by property over the definition's defaults, which win over the built-in defaults. */
export function effectiveErrorHandling(task: FlowTask, defaults?: Record<string, unknown>): FlowErrorHandling {
  const d = (defaults ?? {}) as Partial<FlowErrorHandling>;
  const t = (task.errorHandling ?? {}) as Partial<FlowErrorHandling>;
  const retry = { ...(d.retryConfig ?? {}), ...(t.retryConfig ?? {}) } as Partial<FlowErrorHandling['retryConfig']>;
  return {
    ignoreErrors: t.ignoreErrors ?? d.ignoreErrors ?? false,
    fallbackState: t.fallbackState ?? d.fallbackState ?? {},
    retryConfig: {
      maxAttempts: retry.maxAttempts ?? 1,
      delayMs: retry.delayMs ?? 1000,
      backoffFactor: retry.backoffFactor ?? 2,
      ...(retry.maxDelayMs !== undefined ? { maxDelayMs: retry.maxDelayMs } : {}),
    },
  };
}

/** The wait before attempt n+1 after attempt n failed: `min(delayMs × backoffFactor^(n-1), maxDelayMs)`. */
export function retryDelays(rc: FlowErrorHandling['retryConfig']): number[] {
  return Array.from({ length: Math.max(0, rc.maxAttempts - 1) }, (_, i) => {
    const d = rc.delayMs * rc.backoffFactor ** i;
    return rc.maxDelayMs !== undefined ? Math.min(d, rc.maxDelayMs) : d;
  });
}

export const TASK_BEHAVIOUR = 'flow.task';
export const CALL_BEHAVIOUR = 'flow.call';
export const WAIT_DONE_BEHAVIOUR = 'flow.wait-done';
export const FINISH_BEHAVIOUR = 'flow.finish';
export const TIMEOUT_BEHAVIOUR = 'flow.timeout';

/** Task types whose work runs outside the command, as an external service task. */
export const EXTERNAL_TYPES: ReadonlySet<string> = new Set(['HTTP', 'SCRIPT', 'KYC', 'IDV', 'AML', 'BLOCKLIST']);

export type FlowGraphNode = GraphNode & {
  flowTask?: FlowTask;
  errorHandling?: FlowErrorHandling;
  waitVar?: string;
  /** The tasks this one depends on, directly or transitively (what a script sees as `tasks`). */
  upstream?: string[];
};

/** The start variable that sends the first step through an async continuation (an execute in the background). */
export const BACKGROUND_VARIABLE = 'flowBackground';
/** The start variable holding when the execution times out (an ISO date-time), or null for no limit. */
export const TIMEOUT_VARIABLE = 'flowTimeoutAt';

export function waitVariable(index: number): string {
  return `flowWait${index}`;
}

type Builder = ReturnType<typeof builder>;

function builder() {
  const nodes: Record<string, FlowGraphNode> = {};
  const flows: Record<string, GraphFlow> = {};
  let flowCount = 0;
  const node = (id: string, type: NodeType, extra: Partial<FlowGraphNode> = {}) => {
    nodes[id] = { id, type, parent: null, incoming: [], outgoing: [], ...extra };
    return nodes[id]!;
  };
  const connect = (source: string, target: string, condition?: string) => {
    const id = `flow_${++flowCount}`;
    flows[id] = { id, source, target, ...(condition !== undefined ? { condition } : {}) };
    nodes[source]!.outgoing.push(id);
    nodes[target]!.incoming.push(id);
    return id;
  };
  const behaviour = (name: string) => ({ service: { expression: '', behaviour: name } });
  return { nodes, flows, node, connect, behaviour };
}

/** start ─▶ fork ─▶ (timeout branch, background gateway); returns the node the tasks hang from. */
function frame(b: Builder): string {
  const { node, connect, nodes, behaviour } = b;
  node('start', 'startEvent', { event: { kind: 'none' } });
  node('fork__run', 'parallelGateway');
  connect('start', 'fork__run');
  // The timeout branch comes first: it settles (waits at its timer or ends) before the main branch can terminate.
  node('timeout__', 'exclusiveGateway');
  node('timeout__timer', 'intermediateCatchEvent', {
    event: { kind: 'timer', timer: { type: 'date', value: `\${${TIMEOUT_VARIABLE}}` } },
  });
  node('timeout__fire', 'serviceTask', { name: 'timeout', ...behaviour(TIMEOUT_BEHAVIOUR) });
  node('timeout__end', 'endEvent', { event: { kind: 'terminate' } });
  node('timeout__none', 'endEvent', { event: { kind: 'none' } });
  connect('fork__run', 'timeout__');
  connect('timeout__', 'timeout__timer', `\${${TIMEOUT_VARIABLE} != null}`);
  nodes.timeout__!.defaultFlow = connect('timeout__', 'timeout__none');
  connect('timeout__timer', 'timeout__fire');
  connect('timeout__fire', 'timeout__end');
  // background ─▶ async no-op ─▶ merge: a background execute returns before any task runs.
  node('bg__', 'exclusiveGateway');
  node('bg__async', 'task', { async: true });
  node('bg__merge', 'exclusiveGateway');
  connect('fork__run', 'bg__');
  connect('bg__', 'bg__async', `\${${BACKGROUND_VARIABLE} == true}`);
  nodes.bg__!.defaultFlow = connect('bg__', 'bg__merge');
  connect('bg__async', 'bg__merge');
  node('finish__', 'serviceTask', { name: 'finish', ...behaviour(FINISH_BEHAVIOUR) });
  node('end', 'endEvent', { event: { kind: 'terminate' } });
  connect('finish__', 'end');
  return 'bg__merge';
}

/** Adds one task's nodes; returns where tokens enter and leave it. */
function taskNodes(b: Builder, t: FlowTask, i: number, extra: Partial<FlowGraphNode>) {
  const { node, connect, behaviour, nodes } = b;
  let first = t.id;
  let last = t.id;
  const type = t.configuration.type;
  if (type === 'WAIT') {
    const v = waitVariable(i);
    node(t.id, 'serviceTask', { ...extra, waitVar: v, ...behaviour(TASK_BEHAVIOUR) });
    node(`wait__${t.id}`, 'exclusiveGateway');
    node(`timer__${t.id}`, 'intermediateCatchEvent', {
      event: { kind: 'timer', timer: { type: 'date', value: `\${${v}}` } },
    });
    node(`done__${t.id}`, 'serviceTask', { flowTask: t, ...behaviour(WAIT_DONE_BEHAVIOUR) });
    node(`waited__${t.id}`, 'exclusiveGateway');
    connect(t.id, `wait__${t.id}`);
    connect(`wait__${t.id}`, `timer__${t.id}`, `\${${v} != null}`);
    nodes[`wait__${t.id}`]!.defaultFlow = connect(`wait__${t.id}`, `waited__${t.id}`);
    connect(`timer__${t.id}`, `done__${t.id}`);
    connect(`done__${t.id}`, `waited__${t.id}`);
    last = `waited__${t.id}`;
  } else {
    const name = EXTERNAL_TYPES.has(String(type)) ? CALL_BEHAVIOUR : TASK_BEHAVIOUR;
    node(t.id, 'serviceTask', { ...extra, ...behaviour(name) });
  }
  if ((t.dependsOn?.length ?? 0) > 1) {
    node(`join__${t.id}`, 'parallelGateway');
    connect(`join__${t.id}`, first);
    first = `join__${t.id}`;
  }
  return { first, last };
}

export function compileFlowDefinition(
  def: { tasks: FlowTask[]; name?: string; description?: string; defaultErrorHandling?: Record<string, unknown> },
  processId: string,
): ProcessGraph {
  const b = builder();
  const { node, connect } = b;
  const from = frame(b);
  const entry = new Map<string, string>();
  const exit = new Map<string, string>();
  const dependents = new Map<string, string[]>(def.tasks.map((t) => [t.id, []]));
  for (const t of def.tasks) for (const d of t.dependsOn ?? []) dependents.get(d)?.push(t.id);
  const upstream = transitiveDependencies(def.tasks);
  def.tasks.forEach((t, i) => {
    const { first, last } = taskNodes(b, t, i, {
      upstream: [...(upstream.get(t.id) ?? [])],
      name: t.name ?? t.id,
      ...(t.description ? { documentation: t.description } : {}),
      flowTask: t,
      errorHandling: effectiveErrorHandling(t, def.defaultErrorHandling),
    });
    entry.set(t.id, first);
    exit.set(t.id, last);
  });

  const roots = def.tasks.filter((t) => (t.dependsOn?.length ?? 0) === 0).map((t) => t.id);
  const leaves = def.tasks.filter((t) => dependents.get(t.id)!.length === 0).map((t) => t.id);
  const endEntry = leaves.length > 1 ? node('join__end', 'parallelGateway').id : 'finish__';
  if (endEntry !== 'finish__') connect(endEntry, 'finish__');
  const fanOut = (source: string, targets: string[], forkId: string) => {
    if (targets.length === 1) connect(source, targets[0]!);
    else if (targets.length > 1) {
      node(forkId, 'parallelGateway');
      connect(source, forkId);
      for (const target of targets) connect(forkId, target);
    }
  };
  if (def.tasks.length === 0) connect(from, 'finish__');
  else
    fanOut(
      from,
      roots.map((r) => entry.get(r)!),
      'fork__start',
    );
  for (const t of def.tasks) {
    const targets = dependents.get(t.id)!.map((d) => entry.get(d)!);
    if (targets.length === 0) targets.push(endEntry);
    fanOut(exit.get(t.id)!, targets, `fork__${t.id}`);
  }
  return {
    id: processId,
    ...(def.name ? { name: def.name } : {}),
    ...(def.description ? { documentation: def.description } : {}),
    isExecutable: true,
    startNodeId: 'start',
    nodes: b.nodes,
    flows: b.flows,
    candidateStarterUsers: [],
    candidateStarterGroups: [],
    // The graph's own conditions and timer dates are the compiler's plumbing (`${flowWait0 != null}`), JUEL: the
    // definition's conditions and templates are FLOW's grammar (evaluate.ts) over the execution's state, which the
    // behaviours evaluate; SCRIPT tasks run JavaScript in the sandbox as external calls.
    language: 'juel',
  };
}
