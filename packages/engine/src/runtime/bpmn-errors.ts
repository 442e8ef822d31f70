/**
 * BPMN errors and escalations as Flowable propagates them (ErrorPropagation, EscalationPropagation): a thrown code
 * looks, level by level from the thrower up, for an event sub-process of the scope with a matching start event, then
 * for a matching boundary event on the enclosing activity (sub-process, multi-instance body, call activity), and out
 * of a called process into its call activity, up to the root process. A catcher naming the code wins over a
 * catch-all (no errorRef / escalationRef) at the same level.
 *
 * An error always interrupts its catcher (a called process is deleted with it); nothing catching it fails the
 * command, as Flowable's BpmnError does. An escalation interrupts only when its catcher does; uncaught, it is
 * nothing and the thrower goes on.
 */
import { RuntimeError } from './errors.js';
import { eventSubProcesses, interruptScope, startEventSubProcess } from './event-subprocesses.js';
import type { Executor } from './executor.js';
import type { GraphNode } from './graph.js';
import type { Exec, InstanceState } from './session.js';

type Kind = 'error' | 'escalation';

interface Catcher {
  inst: InstanceState;
  /** The scope execution (event sub-process) or the activity's execution (boundary event). */
  exec: Exec;
  node: GraphNode;
  eventSubProcess: boolean;
}

export async function throwBpmnError(
  x: Executor,
  inst: InstanceState,
  thrower: Exec,
  errorCode: string | undefined,
  from: GraphNode,
): Promise<void> {
  const c = await findCatcher(x, inst, thrower, 'error', errorCode);
  if (!c)
    throw new RuntimeError(
      'failed',
      `No catching boundary event found for error with errorCode '${errorCode ?? ''}', neither in same process nor in parent process`,
      `    at endEvent '${from.id}'${from.name ? ` (${from.name})` : ''}\n    at process '${inst.definitionKey}' (definition ${inst.definitionId}, instance ${inst.id})`,
    );
  storeCode(x, c, 'error', errorCode);
  if (!c.eventSubProcess) return x.interrupt(c.inst, c.exec, c.node);
  await interruptScope(x, c.inst, c.exec, c.node);
  startEventSubProcess(x, c.inst, c.exec, c.node);
}

/** Throws an escalation; the thrower goes on unless its catcher interrupted it (then it no longer exists). */
export async function throwEscalation(
  x: Executor,
  inst: InstanceState,
  thrower: Exec,
  escalationCode: string | undefined,
): Promise<void> {
  const c = await findCatcher(x, inst, thrower, 'escalation', escalationCode);
  if (!c) return;
  const event = storeCode(x, c, 'escalation', escalationCode);
  const interrupting = event.cancelActivity !== false;
  if (c.eventSubProcess) {
    if (interrupting) await interruptScope(x, c.inst, c.exec, c.node);
    return startEventSubProcess(x, c.inst, c.exec, c.node);
  }
  if (interrupting) return x.interrupt(c.inst, c.exec, c.node);
  const token = x.s.newExec(c.inst, c.exec.parentId, c.node.id, 'token');
  x.plan(() => x.enter(c.inst, token, c.node));
}

/** The catching event (a boundary event, an event sub-process's start); it stores the code where it asks to. */
function storeCode(x: Executor, c: Catcher, kind: Kind, code: string | undefined): GraphNode {
  const event = c.eventSubProcess ? c.inst.graph.nodes[c.node.startNodeId!]! : c.node;
  const variable = event.event?.kind === kind ? event.event.codeVariable : undefined;
  if (variable) x.setVar(c.inst, c.exec, variable, code ?? null);
  return event;
}

async function findCatcher(
  x: Executor,
  inst: InstanceState,
  thrower: Exec,
  kind: Kind,
  code: string | undefined,
): Promise<Catcher | undefined> {
  let cur: { inst: InstanceState; exec: Exec } | undefined = { inst, exec: thrower };
  let fromEventSubProcess = false;
  while (cur) {
    const ci: InstanceState = cur.inst;
    const exec: Exec = cur.exec;
    // first an event sub-process of the scope (not the one the throw comes from), then a boundary event
    const esp = fromEventSubProcess ? undefined : catchingEventSubProcess(ci, exec, kind, code);
    if (esp) return { inst: ci, exec, node: esp, eventSubProcess: true };
    const boundary = catchingBoundary(ci, exec, kind, code);
    if (boundary) return { inst: ci, exec, node: boundary, eventSubProcess: false };
    fromEventSubProcess = !!(exec.activityId && ci.graph.nodes[exec.activityId]?.triggeredByEvent);
    const parent: Exec | undefined = exec.parentId ? ci.execs.get(exec.parentId) : undefined;
    if (parent) cur = { inst: ci, exec: parent };
    else if (ci.superInstanceId && ci.superExecutionId) {
      // out of a called process: the call activity's execution in the calling process (same root, already locked)
      const caller = await x.s.load(ci.superInstanceId);
      const callExec = caller?.execs.get(ci.superExecutionId);
      cur = caller && callExec && !caller.ended ? { inst: caller, exec: callExec } : undefined;
      // passing through the call activity, the called instance's out mappings apply (caught there or not)
      if (cur) x.applyOutMappings(ci, cur.inst, cur.exec);
    } else cur = undefined;
  }
  return undefined;
}

/** Among catching events, the one naming `code`, else a catch-all. */
function match(events: GraphNode[], kind: Kind, code: string | undefined): GraphNode | undefined {
  const codeOf = (n: GraphNode) => (kind === 'error' ? n.event!.errorCode : n.event!.escalationCode);
  const ofKind = events.filter((n) => n.event?.kind === kind);
  return (
    (code !== undefined ? ofKind.find((n) => codeOf(n) === code) : undefined) ??
    ofKind.find((n) => codeOf(n) === undefined)
  );
}

/** The event sub-process of the scope `exec` runs (the process, a sub-process) whose start event catches the code. */
function catchingEventSubProcess(
  inst: InstanceState,
  exec: Exec,
  kind: Kind,
  code: string | undefined,
): GraphNode | undefined {
  if (exec.kind !== 'root' && exec.kind !== 'scope') return undefined;
  const esps = eventSubProcesses(inst.graph, exec.kind === 'root' ? null : exec.activityId);
  const start = match(
    esps.map((esp) => inst.graph.nodes[esp.startNodeId!]!),
    kind,
    code,
  );
  return start ? inst.graph.nodes[start.parent!] : undefined;
}

/** The boundary event of `exec`'s activity that catches the code. */
function catchingBoundary(
  inst: InstanceState,
  exec: Exec,
  kind: Kind,
  code: string | undefined,
): GraphNode | undefined {
  // The root has no activity; an inner multi-instance execution's boundary events belong to its body (its parent).
  if (exec.kind === 'root' || exec.state.miInner || !exec.activityId) return undefined;
  const node = inst.graph.nodes[exec.activityId];
  return match(
    (node?.boundaryEvents ?? []).map((id) => inst.graph.nodes[id]!),
    kind,
    code,
  );
}
