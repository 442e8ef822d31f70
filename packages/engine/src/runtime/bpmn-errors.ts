/**
 * BPMN errors as Flowable propagates them (ErrorPropagation): a thrown error code looks for an error boundary event
 * on the activity that threw it, then on each enclosing scope (sub-process, multi-instance body), then out of a called
 * process into its call activity, and so on up to the root process. A boundary naming the code wins over a catch-all
 * (no errorRef) on the same activity. The catching activity is interrupted (a called process is deleted with it).
 * Nothing catching it: the command fails, as Flowable's BpmnError does.
 */
import { RuntimeError } from './errors.js';
import type { Executor } from './executor.js';
import type { GraphNode } from './graph.js';
import type { Exec, InstanceState } from './session.js';

export async function throwBpmnError(
  x: Executor,
  inst: InstanceState,
  thrower: Exec,
  errorCode: string | undefined,
  from: GraphNode,
): Promise<void> {
  let cur: { inst: InstanceState; exec: Exec } | undefined = { inst, exec: thrower };
  while (cur) {
    const ci: InstanceState = cur.inst;
    const exec: Exec = cur.exec;
    const catcher = catchingBoundary(ci, exec, errorCode);
    if (catcher) return x.interrupt(ci, exec, catcher);
    const parent: Exec | undefined = exec.parentId ? ci.execs.get(exec.parentId) : undefined;
    if (parent) cur = { inst: ci, exec: parent };
    else if (ci.superInstanceId && ci.superExecutionId) {
      // out of a called process: the call activity's execution in the calling process (same root, already locked)
      const caller = await x.s.load(ci.superInstanceId);
      const callExec = caller?.execs.get(ci.superExecutionId);
      cur = caller && callExec && !caller.ended ? { inst: caller, exec: callExec } : undefined;
    } else cur = undefined;
  }
  throw new RuntimeError(
    'failed',
    `No catching boundary event found for error with errorCode '${errorCode ?? ''}', neither in same process nor in parent process`,
    `    at endEvent '${from.id}'${from.name ? ` (${from.name})` : ''}\n    at process '${inst.definitionKey}' (definition ${inst.definitionId}, instance ${inst.id})`,
  );
}

/** The error boundary event of `exec`'s activity that catches `errorCode`: the one naming it, else a catch-all. */
function catchingBoundary(inst: InstanceState, exec: Exec, errorCode: string | undefined): GraphNode | undefined {
  // The root has no activity; an inner multi-instance execution's boundary events belong to its body (its parent).
  if (exec.kind === 'root' || exec.state.miInner || !exec.activityId) return undefined;
  const node = inst.graph.nodes[exec.activityId];
  const errorBoundaries = (node?.boundaryEvents ?? [])
    .map((id) => inst.graph.nodes[id]!)
    .filter((b) => b.event?.kind === 'error');
  return (
    (errorCode !== undefined ? errorBoundaries.find((b) => b.event!.errorCode === errorCode) : undefined) ??
    errorBoundaries.find((b) => b.event!.errorCode === undefined)
  );
}
