/**
 * FLOW definition → the process graph an execution runs (src/runtime/graph.ts), built from a stored version's body.
 * Unlike compile.ts (the graph stored with each version, which mirrors conditions and retries as BPMN constructs),
 * every task here is one service task naming a service behaviour (`flow.task`), which applies the FLOW rules itself:
 * condition and "all dependencies skipped" → SKIPPED, templates, retries, ignoreErrors, and the task record. So the
 * token always passes every task once and the parallel joins stay simple.
 *
 *   start ─▶ [fork] ─▶ ([join] ─▶ task ─▶ [fork]) … ─▶ [join] ─▶ finish ─▶ end
 *
 * A `WAIT` task is `task` (behaviour: decides the due time, or none when skipped) ─▶ exclusive gateway ─▶ timer catch
 * event (date `${flowWait<i>}`) ─▶ `wait-done` behaviour ─▶ merge; the gateway's default flow bypasses the timer.
 */
import type { GraphFlow, GraphNode, NodeType, ProcessGraph } from '../../runtime/graph.js';
import { effectiveErrorHandling, type FlowErrorHandling } from './compile.js';
import { type FlowTask, transitiveDependencies } from './validate.js';

export const TASK_BEHAVIOUR = 'flow.task';
export const WAIT_DONE_BEHAVIOUR = 'flow.wait-done';
export const FINISH_BEHAVIOUR = 'flow.finish';

export type FlowExecNode = GraphNode & {
  flowTask?: FlowTask;
  errorHandling?: FlowErrorHandling;
  waitVar?: string;
  /** The tasks this one depends on, directly or transitively (what a script sees as `tasks`). */
  upstream?: string[];
};

/** The start variable that sends the first step through an async continuation (an execute in the background). */
export const BACKGROUND_VARIABLE = 'flowBackground';

export function waitVariable(index: number): string {
  return `flowWait${index}`;
}

export function executionGraph(
  def: { tasks: FlowTask[]; name?: string; defaultErrorHandling?: Record<string, unknown> },
  processId: string,
): ProcessGraph {
  const nodes: Record<string, FlowExecNode> = {};
  const flows: Record<string, GraphFlow> = {};
  const node = (id: string, type: NodeType, extra: Partial<FlowExecNode> = {}) => {
    nodes[id] = { id, type, parent: null, incoming: [], outgoing: [], ...extra };
    return nodes[id]!;
  };
  let flowCount = 0;
  const connect = (source: string, target: string, condition?: string) => {
    const id = `flow_${++flowCount}`;
    flows[id] = { id, source, target, ...(condition !== undefined ? { condition } : {}) };
    nodes[source]!.outgoing.push(id);
    nodes[target]!.incoming.push(id);
    return id;
  };
  node('start', 'startEvent', { event: { kind: 'none' } });
  // start ─▶ gateway ─(background)▶ async no-op ─▶ merge ─▶ …: a background execute returns before any task runs.
  node('bg__', 'exclusiveGateway');
  node('bg__async', 'task', { async: true });
  node('bg__merge', 'exclusiveGateway');
  connect('start', 'bg__');
  connect('bg__', 'bg__async', `\${${BACKGROUND_VARIABLE} == true}`);
  nodes.bg__!.defaultFlow = connect('bg__', 'bg__merge');
  connect('bg__async', 'bg__merge');
  node('finish__', 'serviceTask', { name: 'finish', service: { expression: '', behaviour: FINISH_BEHAVIOUR } });
  node('end', 'endEvent', { event: { kind: 'none' } });
  connect('finish__', 'end');

  const entry = new Map<string, string>();
  const exit = new Map<string, string>();
  const dependents = new Map<string, string[]>(def.tasks.map((t) => [t.id, []]));
  for (const t of def.tasks) for (const d of t.dependsOn ?? []) dependents.get(d)?.push(t.id);

  const upstream = transitiveDependencies(def.tasks);
  def.tasks.forEach((t, i) => {
    const extra: Partial<FlowExecNode> = {
      upstream: [...(upstream.get(t.id) ?? [])],
      name: t.name ?? t.id,
      flowTask: t,
      errorHandling: effectiveErrorHandling(t, def.defaultErrorHandling),
    };
    let first = t.id;
    let last = t.id;
    if (t.configuration.type === 'WAIT') {
      const v = waitVariable(i);
      node(t.id, 'serviceTask', { ...extra, waitVar: v, service: { expression: '', behaviour: TASK_BEHAVIOUR } });
      const gw = node(`wait__${t.id}`, 'exclusiveGateway');
      const timer = node(`timer__${t.id}`, 'intermediateCatchEvent', {
        event: { kind: 'timer', timer: { type: 'date', value: `\${${v}}` } },
      });
      const done = node(`done__${t.id}`, 'serviceTask', {
        flowTask: t,
        service: { expression: '', behaviour: WAIT_DONE_BEHAVIOUR },
      });
      const merge = node(`waited__${t.id}`, 'exclusiveGateway');
      connect(t.id, gw.id);
      connect(gw.id, timer.id, `\${${v} != null}`);
      gw.defaultFlow = connect(gw.id, merge.id);
      connect(timer.id, done.id);
      connect(done.id, merge.id);
      last = merge.id;
    } else {
      node(t.id, 'serviceTask', { ...extra, service: { expression: '', behaviour: TASK_BEHAVIOUR } });
    }
    if ((t.dependsOn?.length ?? 0) > 1) {
      const join = node(`join__${t.id}`, 'parallelGateway');
      connect(join.id, first);
      first = join.id;
    }
    entry.set(t.id, first);
    exit.set(t.id, last);
  });

  const roots = def.tasks.filter((t) => (t.dependsOn?.length ?? 0) === 0).map((t) => t.id);
  const leaves = def.tasks.filter((t) => dependents.get(t.id)!.length === 0).map((t) => t.id);
  const endEntry = leaves.length > 1 ? node('join__end', 'parallelGateway').id : 'finish__';
  if (endEntry !== 'finish__') connect(endEntry, 'finish__');
  const fanOut = (from: string, targets: string[], forkId: string) => {
    if (targets.length === 1) connect(from, targets[0]!);
    else if (targets.length > 1) {
      node(forkId, 'parallelGateway');
      connect(from, forkId);
      for (const target of targets) connect(forkId, target);
    }
  };
  if (def.tasks.length === 0) connect('bg__merge', 'finish__');
  else
    fanOut(
      'bg__merge',
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
    isExecutable: true,
    startNodeId: 'start',
    nodes,
    flows,
    candidateStarterUsers: [],
    candidateStarterGroups: [],
  };
}
