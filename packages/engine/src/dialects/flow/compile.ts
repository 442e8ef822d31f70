/**
 * FLOW definition → process graph (src/runtime/graph.ts). The task DAG becomes:
 *
 *   start ─▶ [fork] ─▶ ([join] ─▶ [cond?] ─▶ task ─▶ [merge?] ─▶ [fork]) … ─▶ [join] ─▶ end
 *
 * - a task with several `dependsOn` waits at a parallel join; a task (or the start) with several successors forks in
 *   parallel, so independent tasks run concurrently and a join runs once every branch has finished;
 * - a task with a `condition` sits behind an exclusive gateway whose conditional flow enters the task and whose default
 *   flow skips it to an exclusive merge, so a skipped branch still reaches the joins below it (the spec's "a join after
 *   two branches still runs"); the condition text is FLOW's expression grammar (dialects/flow/references.ts), marked by
 *   the graph's `dialect` so the runtime evaluates it with that grammar, not JUEL;
 * - `HTTP`, `DECISION`, `SET_VARIABLES` and the check types are service tasks (`flow:<TYPE>`, result in
 *   `tasks.<id>.output`), `SCRIPT` a JavaScript script task, `WAIT` a timer catch event (duration or date);
 * - retries (`retryConfig.maxAttempts > 1`, task over definition defaults) become an async node with
 *   `failedJobRetryTimeCycle` `R<n-1>/PT<delay>S`, so the job table retries it.
 * Every task node keeps its FLOW task (`flowTask`) and merged error handling, so the runtime needs nothing else.
 */
import type { GraphFlow, GraphNode, NodeType, ProcessGraph } from '../../runtime/graph.js';
import type { FlowDefinitionBody, FlowTask } from './validate.js';

export interface FlowErrorHandling {
  ignoreErrors: boolean;
  fallbackState: Record<string, unknown>;
  retryConfig: { maxAttempts: number; delayMs: number; backoffFactor: number; maxDelayMs?: number };
}

export type FlowGraphNode = GraphNode & { flowTask?: FlowTask; errorHandling?: FlowErrorHandling };

export interface FlowProcessGraph extends ProcessGraph {
  dialect: 'flow';
  nodes: Record<string, FlowGraphNode>;
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

const seconds = (ms: number) => `PT${(ms / 1000).toString()}S`;

export function compileFlowDefinition(
  def: FlowDefinitionBody & { id: string },
  options: { processId?: string } = {},
): FlowProcessGraph {
  const nodes: Record<string, FlowGraphNode> = {};
  const flows: Record<string, GraphFlow> = {};
  const node = (id: string, type: NodeType, extra: Partial<FlowGraphNode> = {}) => {
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
  node('end', 'endEvent', { event: { kind: 'none' } });
  const entry = new Map<string, string>();
  const exit = new Map<string, string>();
  const dependents = new Map<string, string[]>(def.tasks.map((t) => [t.id, []]));
  for (const t of def.tasks) for (const d of t.dependsOn ?? []) dependents.get(d)?.push(t.id);

  for (const t of def.tasks) {
    const type = t.configuration.type;
    const eh = effectiveErrorHandling(t, def.defaultErrorHandling);
    const extra: Partial<FlowGraphNode> = { name: t.name ?? t.id, flowTask: t, errorHandling: eh };
    if (t.description) extra.documentation = t.description;
    if (eh.retryConfig.maxAttempts > 1) {
      extra.async = true;
      extra.failedJobRetryTimeCycle = `R${eh.retryConfig.maxAttempts - 1}/${seconds(eh.retryConfig.delayMs)}`;
    }
    if (type === 'SCRIPT') {
      node(t.id, 'scriptTask', {
        ...extra,
        script: {
          format: 'javascript',
          source: String(t.configuration.script ?? ''),
          resultVariable: `tasks.${t.id}.output`,
        },
      });
    } else if (type === 'WAIT') {
      const timer =
        typeof t.configuration.durationMs === 'number'
          ? { type: 'duration' as const, value: seconds(t.configuration.durationMs) }
          : { type: 'date' as const, value: String(t.configuration.until ?? '') };
      node(t.id, 'intermediateCatchEvent', { ...extra, event: { kind: 'timer', timer } });
    } else {
      node(t.id, 'serviceTask', {
        ...extra,
        service: { expression: `flow:${type}`, resultVariable: `tasks.${t.id}.output` },
      });
    }
    let first = t.id;
    let last = t.id;
    if (t.condition !== undefined) {
      const cond = node(`cond__${t.id}`, 'exclusiveGateway', { name: `${t.id}?` });
      const merge = node(`merge__${t.id}`, 'exclusiveGateway');
      connect(cond.id, t.id, t.condition);
      cond.defaultFlow = connect(cond.id, merge.id);
      connect(t.id, merge.id);
      first = cond.id;
      last = merge.id;
    }
    if ((t.dependsOn?.length ?? 0) > 1) {
      const join = node(`join__${t.id}`, 'parallelGateway');
      connect(join.id, first);
      first = join.id;
    }
    entry.set(t.id, first);
    exit.set(t.id, last);
  }

  const roots = def.tasks.filter((t) => (t.dependsOn?.length ?? 0) === 0).map((t) => t.id);
  const leaves = def.tasks.filter((t) => dependents.get(t.id)!.length === 0).map((t) => t.id);
  const endEntry = leaves.length > 1 ? node('join__end', 'parallelGateway').id : 'end';
  if (endEntry !== 'end') connect(endEntry, 'end');

  const fanOut = (from: string, targets: string[], forkId: string) => {
    if (targets.length === 0) return;
    if (targets.length === 1) connect(from, targets[0]!);
    else {
      node(forkId, 'parallelGateway');
      connect(from, forkId);
      for (const target of targets) connect(forkId, target);
    }
  };
  if (def.tasks.length === 0) connect('start', 'end');
  else
    fanOut(
      'start',
      roots.map((r) => entry.get(r)!),
      'fork__start',
    );
  for (const t of def.tasks) {
    const targets = dependents.get(t.id)!.map((d) => entry.get(d)!);
    if (targets.length === 0) targets.push(endEntry);
    fanOut(exit.get(t.id)!, targets, `fork__${t.id}`);
  }

  return {
    id: options.processId ?? def.id,
    name: def.name,
    ...(def.description ? { documentation: def.description } : {}),
    isExecutable: true,
    startNodeId: 'start',
    nodes,
    flows,
    candidateStarterUsers: [],
    candidateStarterGroups: [],
    dialect: 'flow',
  };
}
