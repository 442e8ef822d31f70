/**
 * Event sub-processes as Flowable runs them. While a scope (the process, or a sub-process) is active, the event
 * sub-processes directly inside it listen for their start event (message, signal, timer) as children of the scope's
 * execution; an error start event is found by a thrown error (bpmn-errors.ts). An interrupting start cancels what
 * runs in the scope (the scope's own boundary events stay), a non-interrupting one runs beside it and keeps
 * listening. When the event sub-process completes, so does its scope if nothing else runs in it.
 */
import { isPendingCompensation } from './compensation.js';
import type { Executor } from './executor.js';
import type { GraphNode, ProcessGraph } from './graph.js';
import type { Exec, InstanceState } from './session.js';

/** The event sub-processes directly in a scope (the process: null, or a sub-process id). */
export function eventSubProcesses(graph: ProcessGraph, scopeNodeId: string | null): GraphNode[] {
  return Object.values(graph.nodes).filter((n) => n.triggeredByEvent && n.parent === scopeNodeId);
}

/** A scope started: its event sub-processes with a message, signal or timer start begin to listen. */
export function listenForEventSubProcesses(
  x: Executor,
  inst: InstanceState,
  scope: Exec,
  scopeNodeId: string | null,
): void {
  for (const esp of eventSubProcesses(inst.graph, scopeNodeId)) {
    const start = inst.graph.nodes[esp.startNodeId!];
    const kind = start?.event?.kind;
    if (!start || (kind !== 'message' && kind !== 'signal' && kind !== 'timer')) continue;
    const listener = x.s.newExec(inst, scope.id, start.id, 'boundary');
    listener.state.eventSubProcess = esp.id;
    x.waitForEvent(inst, listener, start);
  }
}

/** A listener's event arrived: the event sub-process starts (after interrupting its scope when it interrupts). */
export async function fireEventSubProcess(
  x: Executor,
  inst: InstanceState,
  listener: Exec,
  start: GraphNode,
): Promise<void> {
  const scope = inst.execs.get(listener.parentId!)!;
  const esp = inst.graph.nodes[listener.state.eventSubProcess as string]!;
  x.s.deleteExec(inst, listener);
  if (start.cancelActivity !== false) await interruptScope(x, inst, scope, esp);
  else if (start.event?.kind !== 'timer') {
    const again = x.s.newExec(inst, scope.id, start.id, 'boundary');
    again.state.eventSubProcess = esp.id;
    x.waitForEvent(inst, again, start);
  }
  startEventSubProcess(x, inst, scope, esp);
}

/** Cancels everything running in `scope` except the boundary events of the scope's own activity. */
export async function interruptScope(x: Executor, inst: InstanceState, scope: Exec, by: GraphNode): Promise<void> {
  const own = new Set(scope.activityId ? (inst.graph.nodes[scope.activityId]?.boundaryEvents ?? []) : []);
  const reason = `Cancelled by event sub-process '${by.id}'`;
  for (const child of [...inst.execs.values()]) {
    if (child.parentId !== scope.id) continue;
    if (child.kind === 'boundary' && child.activityId && own.has(child.activityId)) continue;
    // what completed in the scope stays compensable (the scope itself goes on)
    if (isPendingCompensation(child)) continue;
    await x.cancelBelow(inst, child, reason);
    x.s.endActivity(child, reason);
    x.s.deleteExec(inst, child);
  }
}

/** Runs event sub-process `esp` in `scope`: a scope execution for it, a token at its start event. */
export function startEventSubProcess(x: Executor, inst: InstanceState, scope: Exec, esp: GraphNode): void {
  const body = x.s.newExec(inst, scope.id, esp.id, 'scope');
  x.s.startActivity(inst, body, esp.id, esp.name ?? null, 'eventSubProcess');
  const start = inst.graph.nodes[esp.startNodeId!]!;
  const token = x.s.newExec(inst, body.id, start.id, 'token');
  x.plan(() => x.enter(inst, token, start));
}
