/**
 * Signals as Flowable delivers them: inside the command that throws them. A throw reaches every execution waiting
 * for the signal in its owner's process instances (with `flowable:scope="processInstance"` on the <signal>: only in
 * the thrower's instance) and starts the latest definitions that have a signal start event for it.
 */
import { eventStartDefinitions } from './event-starts.js';
import type { Executor } from './executor.js';
import type { GraphNode } from './graph.js';
import { inScope, type OwnerScope, scopeSql } from './owner.js';
import type { Exec, InstanceState } from './session.js';

/** An intermediate or end signal throw event `n` reached by `e`. */
export async function throwSignal(x: Executor, inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
  const name = x.eventNameOf(inst, e, n);
  if (!name) return;
  await deliverSignal(x, name, n.event!.scope === 'processInstance' ? { instance: inst } : { scope: inst.owner });
}

/**
 * Delivers a signal in this command: to the waiting executions of `to.instance` only, or of every instance in
 * `to.scope` (their roots are locked and their state joins the command), then to signal start events. Returns how
 * many executions received it and how many instances it started.
 */
export async function deliverSignal(
  x: Executor,
  name: string,
  to: { instance: InstanceState } | { scope: OwnerScope | undefined },
  variables: Record<string, unknown> = {},
): Promise<number> {
  const s = x.s;
  const only = 'instance' in to ? to.instance : undefined;
  const scope = 'scope' in to ? to.scope : undefined;
  if (!only) {
    const params: unknown[] = [name];
    const { rows } = await s.tx.query<{ instance_id: string; root_id: string }>(
      `SELECT DISTINCT e.instance_id, i.root_id FROM wf_execution e JOIN wf_instance i ON i.id = e.instance_id
       WHERE e.event_type = 'signal' AND e.event_name = $1 AND ${scopeSql(scope, 'e', params)}`,
      params,
    );
    for (const r of rows) {
      if (s.instances.has(r.instance_id)) continue;
      if (await s.lockRoot(r.root_id)) await s.load(r.instance_id);
    }
  }
  // Receivers are fixed before any of them moves: an execution that starts waiting because of this signal misses it.
  const receivers: { inst: InstanceState; exec: Exec }[] = [];
  const instances = only
    ? [only]
    : [...s.instances.values()].filter((i) => inScope(scope, { owner_api: i.owner.api, tenant: i.owner.tenant }));
  for (const inst of instances) {
    if (inst.ended) continue;
    for (const exec of inst.execs.values())
      if (exec.eventType === 'signal' && exec.eventName === name) receivers.push({ inst, exec });
  }
  receivers.sort((a, b) => a.exec.createdAt.getTime() - b.exec.createdAt.getTime());
  let count = 0;
  for (const { inst, exec } of receivers) {
    // an earlier receiver may have cancelled this one (an interrupting boundary, an event-based gateway)
    if (inst.ended || !inst.execs.has(exec.id) || exec.eventType !== 'signal') continue;
    x.setVars(inst, exec, variables);
    await x.trigger(inst, exec);
    count++;
  }
  if (!only) {
    for (const def of await eventStartDefinitions(s.tx, 'signal', name, scope)) {
      for (const start of def.starts) {
        x.startInstance(def, { variables, startNodeId: start.nodeId });
        count++;
      }
    }
  }
  return count;
}
