/**
 * Signals as Flowable delivers them: inside the command that throws them. A throw reaches every execution waiting
 * for the signal in its owner's process instances (with `flowable:scope="processInstance"` on the <signal>: only in
 * the thrower's instance) and starts the latest definitions that have a signal start event for it.
 *
 * A throw carries the variables its `in` mappings name (the payload; `in businessKey` is the business key of the
 * instances it starts); a catching event with `out` mappings keeps only what they map, else the whole payload.
 * An asynchronous throw (`async="true"` on the signalEventDefinition) leaves at once: each receiver found now gets
 * the signal in a job of its own (`wf.signal`, with the receiver's execution id), signal start events in one job.
 */
import { RuntimeError } from './errors.js';
import { eventStartDefinitions } from './event-starts.js';
import type { Executor } from './executor.js';
import { evaluate, variablesContext } from './expressions/index.js';
import type { GraphNode, VariableMapping } from './graph.js';
import { inScope, type Owner, type OwnerScope, scopeSql } from './owner.js';
import type { Exec, InstanceState } from './session.js';

/** What a `wf.signal` job delivers: to one waiting execution, or (`starts`) to the signal start events. */
export interface SignalJobPayload {
  signalName: string;
  variables: Record<string, unknown>;
  executionId?: string;
  instanceId?: string;
  starts?: boolean;
  businessKey?: string | null;
}

/** A signal job an asynchronous throw asks for (the command enqueues it when it flushes). */
export interface QueuedSignal {
  payload: SignalJobPayload;
  owner: Owner;
  /** The root instance the job runs against (one job per instance at a time); none for starts. */
  rootId?: string;
}

type Target = { instance: InstanceState } | { scope: OwnerScope | undefined };

/** An intermediate or end signal throw event `n` reached by `e`. */
export async function throwSignal(x: Executor, inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
  const name = x.eventNameOf(inst, e, n);
  if (!name) return;
  const p = n.payload;
  const variables = p ? x.mappedIn(inst, e, p.inMappings, `the signal payload of '${n.id}'`) : {};
  const key = p?.businessKey ? x.evalIn(inst, e, p.businessKey, `the business key of '${n.id}'`) : undefined;
  const businessKey = key === undefined || key === null ? undefined : String(key);
  const to: Target = n.event!.scope === 'processInstance' ? { instance: inst } : { scope: inst.owner };
  if (n.event!.async) return queueSignal(x, name, to, inst.owner, variables, businessKey);
  await deliverSignal(x, name, to, variables, businessKey);
}

/**
 * Delivers a signal in this command: to the waiting executions of `to.instance` only, or of every instance in
 * `to.scope` (their roots are locked and their state joins the command), then to signal start events. Returns how
 * many executions received it and how many instances it started.
 */
export async function deliverSignal(
  x: Executor,
  name: string,
  to: Target,
  variables: Record<string, unknown> = {},
  businessKey?: string,
): Promise<number> {
  const s = x.s;
  const only = 'instance' in to ? to.instance : undefined;
  const scope = 'scope' in to ? to.scope : undefined;
  if (!only) {
    for (const r of await waitingInStore(x, name, scope)) {
      if (s.instances.has(r.instance_id)) continue;
      if (await s.lockRoot(r.root_id)) await s.load(r.instance_id);
    }
  }
  // Receivers are fixed before any of them moves: an execution that starts waiting because of this signal misses it.
  const receivers = waitingInSession(x, name, only, scope);
  let count = 0;
  for (const { inst, exec } of receivers) {
    // an earlier receiver may have cancelled this one (an interrupting boundary, an event-based gateway)
    if (inst.ended || !inst.execs.has(exec.id) || exec.eventType !== 'signal') continue;
    x.setVars(inst, exec, received(inst.graph.nodes[exec.activityId!], variables));
    await x.trigger(inst, exec);
    count++;
  }
  if (!only) count += await startBySignal(x, name, scope, variables, businessKey);
  return count;
}

/** Starts the latest definitions of the scope with a signal start event for `name`; how many instances. */
export async function startBySignal(
  x: Executor,
  name: string,
  scope: OwnerScope | undefined,
  variables: Record<string, unknown>,
  businessKey?: string | null,
): Promise<number> {
  let count = 0;
  for (const def of await eventStartDefinitions(x.s.tx, 'signal', name, scope)) {
    for (const start of def.starts) {
      const vars = received(def.graph.nodes[start.nodeId], variables);
      x.startInstance(def, { variables: vars, startNodeId: start.nodeId, businessKey: businessKey ?? null });
      count++;
    }
  }
  return count;
}

/** An asynchronous throw: one job per receiver waiting now, one for the signal start events if there are any. */
async function queueSignal(
  x: Executor,
  name: string,
  to: Target,
  owner: Owner,
  variables: Record<string, unknown>,
  businessKey: string | undefined,
): Promise<void> {
  const only = 'instance' in to ? to.instance : undefined;
  const scope = 'scope' in to ? to.scope : undefined;
  const seen = new Set<string>();
  const queue = (executionId: string, instanceId: string, rootId: string, o: Owner) => {
    if (seen.has(executionId)) return;
    seen.add(executionId);
    x.signalJobs.push({ payload: { signalName: name, variables, executionId, instanceId }, owner: o, rootId });
  };
  // the command's own state first (it may not be flushed yet), then what the store holds for other instances
  for (const { inst, exec } of waitingInSession(x, name, only, scope)) queue(exec.id, inst.id, inst.rootId, inst.owner);
  if (!only) {
    for (const r of await waitingInStore(x, name, scope)) {
      if (x.s.instances.has(r.instance_id)) continue;
      queue(r.id, r.instance_id, r.root_id, { api: r.owner_api, tenant: r.tenant });
    }
    if ((await eventStartDefinitions(x.s.tx, 'signal', name, scope)).length)
      x.signalJobs.push({
        payload: { signalName: name, variables, starts: true, ...(businessKey ? { businessKey } : {}) },
        owner,
      });
  }
}

/** Executions in the store waiting for the signal, in the scope. */
async function waitingInStore(x: Executor, name: string, scope: OwnerScope | undefined) {
  const params: unknown[] = [name];
  const { rows } = await x.s.tx.query<{
    id: string;
    instance_id: string;
    root_id: string;
    owner_api: string;
    tenant: string;
  }>(
    `SELECT e.id, e.instance_id, i.root_id, e.owner_api, e.tenant FROM wf_execution e
     JOIN wf_instance i ON i.id = e.instance_id
     WHERE e.event_type = 'signal' AND e.event_name = $1 AND ${scopeSql(scope, 'e', params)}
     ORDER BY e.created_at, e.id`,
    params,
  );
  return rows;
}

/** Executions of the command's instances waiting for the signal, oldest first. */
function waitingInSession(x: Executor, name: string, only: InstanceState | undefined, scope: OwnerScope | undefined) {
  const receivers: { inst: InstanceState; exec: Exec }[] = [];
  const instances = only
    ? [only]
    : [...x.s.instances.values()].filter((i) => inScope(scope, { owner_api: i.owner.api, tenant: i.owner.tenant }));
  for (const inst of instances) {
    if (inst.ended) continue;
    for (const exec of inst.execs.values())
      if (exec.eventType === 'signal' && exec.eventName === name) receivers.push({ inst, exec });
  }
  return receivers.sort((a, b) => a.exec.createdAt.getTime() - b.exec.createdAt.getTime());
}

/** The variables a catching event keeps of a payload: what its `out` mappings map, else all of it. */
export function received(catcher: GraphNode | undefined, payload: Record<string, unknown>): Record<string, unknown> {
  const out: VariableMapping[] = catcher?.payload?.outMappings ?? [];
  if (!out.length) return payload;
  const vars: Record<string, unknown> = {};
  for (const m of out) {
    if (m.all) Object.assign(vars, payload);
    else if (m.target)
      vars[m.target] = m.sourceExpression
        ? outMapped(catcher!, m.sourceExpression, payload)
        : (payload[m.source ?? ''] ?? null);
  }
  return vars;
}

/** An `out` mapping's expression over the payload; a failure names the catching event. */
function outMapped(catcher: GraphNode, src: string, payload: Record<string, unknown>): unknown {
  try {
    return evaluate(src, variablesContext(payload));
  } catch (e) {
    throw new RuntimeError(
      'failed',
      `Error evaluating an out mapping of '${catcher.id}': ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
