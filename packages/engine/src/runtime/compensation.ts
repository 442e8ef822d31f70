/**
 * BPMN compensation as Camunda 7 and Flowable run it (CompensationUtil, CompensationEventHandler).
 *
 * When an activity with a compensation handler completes, a subscription is recorded in the scope it ran in: an
 * execution of kind `compensation` under the scope's execution (the process, a sub-process, a multi-instance body),
 * so it is stored, loaded and dropped with the instance's executions. A completing sub-process (or multi-instance
 * body) takes the subscriptions recorded inside it along: they move under one subscription for the sub-process, with
 * a snapshot of its local variables, whose handler is its compensation event sub-process or, by default, the
 * compensation of what completed inside it. A scope cancelled before it completes drops its subscriptions.
 *
 * A compensation throw (intermediate or end event) collects the pending subscriptions of its scope (an event
 * sub-process also reaches those of the scope it is in), or only those of its `activityRef`, and starts their
 * handlers in reverse order of completion, in the thrower's scope beside it. With `waitForCompletion` (the default)
 * the thrower waits until every one has ended; without it the thrower goes on at once.
 */
import type { Executor } from './executor.js';
import type { GraphNode } from './graph.js';
import type { Exec, InstanceState } from './session.js';

/** A subscription not yet thrown: waits for nothing, does not keep its scope running. */
export function isPendingCompensation(x: Exec): boolean {
  return x.kind === 'compensation' && !x.state.active;
}

/** `n` completed in `e` (before its token moves on): records its compensation in the scope it ran in. */
export function recordCompensation(x: Executor, inst: InstanceState, e: Exec, n: GraphNode): void {
  const scopeId = e.parentId;
  if (!scopeId) return;
  if (n.type === 'subProcess') snapshotScope(x, inst, e, n, scopeId, false);
  const handler = n.compensationHandler ? inst.graph.nodes[n.compensationHandler] : undefined;
  if (handler && !handler.triggeredByEvent) subscribe(x, inst, scopeId, n.id, { handler: handler.id });
}

/** A multi-instance body completed: the subscriptions of its instances become one, for the activity. */
export function recordMultiInstanceCompensation(x: Executor, inst: InstanceState, body: Exec, n: GraphNode): void {
  if (body.parentId) snapshotScope(x, inst, body, n, body.parentId, true);
}

function snapshotScope(x: Executor, inst: InstanceState, scope: Exec, n: GraphNode, parentId: string, mi: boolean) {
  const inner = pendingChildren(inst, scope);
  const handler = !mi && n.compensationHandler ? inst.graph.nodes[n.compensationHandler] : undefined;
  const esp = handler?.triggeredByEvent ? handler.id : undefined;
  if (!inner.length && !esp) return;
  const sub = subscribe(x, inst, parentId, n.id, esp ? { handler: esp } : mi ? { miBody: true } : {});
  // The handlers read the scope's local variables as they were when it completed.
  for (const [k, v] of inst.vars.get(scope.id) ?? []) x.s.setVar(inst, sub.id, k, v);
  for (const c of inner) {
    c.parentId = sub.id;
    x.s.touch(c);
  }
}

function subscribe(x: Executor, inst: InstanceState, scopeId: string, activityId: string, state: object): Exec {
  const sub = x.s.newExec(inst, scopeId, activityId, 'compensation');
  Object.assign(sub.state, state);
  return sub;
}

function pendingChildren(inst: InstanceState, e: Exec): Exec[] {
  return [...inst.execs.values()].filter((c) => c.parentId === e.id && isPendingCompensation(c));
}

/** A compensation intermediate throw or end event `n` reached by `e`. */
export async function throwCompensation(x: Executor, inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
  const ev = n.event!;
  const subs = collect(inst, e, n, ev.activityRef);
  if (!subs.length) return resume(x, inst, e, n);
  const wait = ev.waitForCompletion !== false;
  activate(x, inst, subs, e.parentId ?? inst.id, wait ? e.id : undefined);
  if (!wait) return resume(x, inst, e, n);
  e.state.wait = 'compensation';
  x.s.touch(e);
}

/** The pending subscriptions a throw reaches: its scope's, and through an event sub-process the enclosing one's. */
function collect(inst: InstanceState, thrower: Exec, n: GraphNode, activityRef: string | undefined): Exec[] {
  const found: Exec[] = [];
  let nodeId = n.parent;
  let from: Exec = thrower;
  for (;;) {
    const scope = scopeExecution(inst, from, nodeId);
    if (!scope) break;
    found.push(...pendingChildren(inst, scope));
    // Only an event sub-process lets the throw through to the scope around it (Camunda's consumesCompensation).
    const node = nodeId ? inst.graph.nodes[nodeId] : undefined;
    if (!node?.triggeredByEvent) break;
    nodeId = node.parent;
    from = scope;
  }
  return activityRef ? found.filter((s) => subscribedFor(inst, s, activityRef)) : found;
}

/** The execution running flow scope `nodeId` (null: the process) above `from`. */
function scopeExecution(inst: InstanceState, from: Exec, nodeId: string | null): Exec | undefined {
  let cur = from.parentId ? inst.execs.get(from.parentId) : undefined;
  while (cur) {
    if (nodeId === null ? cur.kind === 'root' : cur.activityId === nodeId && cur.kind !== 'mi-body') return cur;
    cur = cur.parentId ? inst.execs.get(cur.parentId) : undefined;
  }
  return undefined;
}

/**
 * Whether subscription `s` compensates `activityRef`: a multi-instance activity as a whole, else through its own
 * handler when it has one, else (a sub-process without a handler) by compensating what completed inside it.
 */
function subscribedFor(inst: InstanceState, s: Exec, activityRef: string): boolean {
  if (s.activityId !== activityRef) return false;
  const ref = inst.graph.nodes[activityRef];
  if (ref?.multiInstance) return !!s.state.miBody;
  if (ref?.compensationHandler) return s.state.handler === ref.compensationHandler;
  return !s.state.handler;
}

/**
 * Starts the handlers of `subs` under `parentId`, the latest completed first; every one exists before any runs. The
 * top ones name the `thrower` waiting for them.
 */
function activate(x: Executor, inst: InstanceState, subs: Exec[], parentId: string, thrower?: string): void {
  for (const sub of [...subs].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))) {
    sub.parentId = parentId;
    sub.state.active = true;
    if (thrower) sub.state.thrower = thrower;
    x.s.touch(sub);
    const handler = sub.state.handler ? inst.graph.nodes[sub.state.handler as string] : undefined;
    if (handler?.triggeredByEvent) startCompensationEventSubProcess(x, inst, sub, handler);
    else if (handler) {
      const token = x.s.newExec(inst, sub.id, handler.id, 'token');
      x.plan(() => x.enter(inst, token, handler));
    } else {
      const inner = pendingChildren(inst, sub);
      if (inner.length) activate(x, inst, inner, sub.id);
      else x.plan(() => compensationDone(x, inst, sub));
    }
  }
}

function startCompensationEventSubProcess(x: Executor, inst: InstanceState, sub: Exec, esp: GraphNode): void {
  const body = x.s.newExec(inst, sub.id, esp.id, 'scope');
  x.s.startActivity(inst, body, esp.id, esp.name ?? null, 'eventSubProcess');
  const start = inst.graph.nodes[esp.startNodeId!]!;
  const token = x.s.newExec(inst, body.id, start.id, 'token');
  x.plan(() => x.enter(inst, token, start));
}

/**
 * Nothing runs any more under the active subscription `sub`: it is done (what was not compensated in it goes with
 * it). The thrower waiting for it goes on after its last one; else its parent may complete.
 */
export async function compensationDone(x: Executor, inst: InstanceState, sub: Exec): Promise<void> {
  if (!inst.execs.has(sub.id)) return;
  const parentId = sub.parentId;
  const throwerId = sub.state.thrower as string | undefined;
  await x.cancelBelow(inst, sub, 'Compensation completed');
  x.s.deleteExec(inst, sub);
  if (!throwerId) return x.childEnded(inst, parentId, undefined);
  const thrower = inst.execs.get(throwerId);
  if (!thrower || thrower.state.wait !== 'compensation') return;
  for (const other of inst.execs.values())
    if (other.kind === 'compensation' && other.state.thrower === throwerId) return;
  return resume(x, inst, thrower, inst.graph.nodes[thrower.activityId!]!);
}

async function resume(x: Executor, inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
  delete e.state.wait;
  x.s.touch(e);
  if (n.type !== 'endEvent') return x.leave(inst, e, n);
  if (n.listeners) {
    delete e.state.listening;
    await x.activityEvent(inst, e, n, 'end');
    if (inst.ended || !inst.execs.has(e.id)) return;
  }
  x.s.endActivity(e);
  return x.endToken(inst, e, n);
}
