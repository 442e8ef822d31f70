/**
 * The event-based gateway as Flowable runs it: the gateway completes at once and a token waits at each intermediate
 * catch event after it (timer, message, signal). The first event to arrive wins; the other tokens of the same
 * gateway pass are cancelled (their timers with them).
 */
import type { Executor } from './executor.js';
import type { GraphNode } from './graph.js';
import type { Exec, InstanceState } from './session.js';

export async function leaveEventGateway(x: Executor, inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
  delete e.state.listening;
  if (n.listeners) await x.activityEvent(inst, e, n, 'end');
  x.s.endActivity(e);
  // One group per pass through the gateway, so that a later pass (a loop) is not cancelled with this one.
  const group = x.s.ids.ulid();
  n.outgoing.forEach((fid, i) => {
    const token = i === 0 ? e : x.s.newExec(inst, e.parentId, n.id, 'token');
    token.state.eventGroup = group;
    x.s.touch(token);
    x.plan(() => x.takeFlow(inst, token, fid));
  });
}

/** `winner` received its event: every other token of its gateway pass is cancelled. */
export function cancelEventGroup(x: Executor, inst: InstanceState, winner: Exec): void {
  const group = winner.state.eventGroup;
  delete winner.state.eventGroup;
  for (const other of [...inst.execs.values()]) {
    if (other === winner || other.state.eventGroup !== group) continue;
    x.s.endActivity(other, `Cancelled by event-based gateway: '${winner.activityId}' happened first`);
    x.s.deleteExec(inst, other);
  }
}
