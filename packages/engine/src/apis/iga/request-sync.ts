/** Runtime state → request: a request's phases, actors, deadline and status follow its instance. */

import type { OpenTask, Wait } from '../../runtime/queries.js';
import type { Queryable } from '../../store/db.js';
import { queries } from './request-context.js';
import { type Actor, CALLER, PERMISSIONS, type RequestDoc } from './request-doc.js';

const ACTOR_ID = /^managed\/(user|role)\/[^/\s]+$/;

type Decision = RequestDoc['decision'];

/** Brings the request's phases, actors and status up to date with its instance. */
export async function sync(tx: Queryable, doc: RequestDoc, now: string): Promise<void> {
  const instanceId = doc.workflow.instanceId;
  if (!instanceId) return;
  const d = doc.decision;
  const open = await queries.openTasks(tx, instanceId);
  // Wait steps' timers; an approval's expiration timer (`<step>__expiration`) is not a phase but its deadline.
  const timers = await queries.timerWaits(tx, instanceId);
  const waits = timers.filter((w) => !isExpiration(w.activity_id));
  syncPhases(d, open, waits, now);
  const vars = await queries.instanceVariables(tx, instanceId);
  await markExpired(
    tx,
    instanceId,
    d,
    timers.filter((w) => isExpiration(w.activity_id)),
  );
  const taskVars = await queries.taskLocalVariables(tx, instanceId);
  d.actors = { active: activeActors(d, taskVars, vars), inactive: [] };
  applyScriptDecision(d, vars, now);
  const running = await queries.isRunning(tx, instanceId);
  settleStatus(d, running, waits.length > 0 && open.length === 0, now);
  doc.metadata.modifiedDate = now;
}

/** Phases end when their task or wait is gone; an open task or wait not yet a phase becomes one. */
function syncPhases(d: Decision, open: OpenTask[], waits: Wait[], now: string): void {
  const openIds = new Set([...open.map((t) => t.id), ...waits.map((w) => w.id)]);
  for (const p of d.phases) {
    if (p.status === 'in-progress' && (!p.workflowTaskId || !openIds.has(p.workflowTaskId))) {
      p.status = 'complete';
      p.completionDate = now;
    }
  }
  for (const t of open) {
    if (d.phases.some((p) => p.workflowTaskId === t.id)) continue;
    d.phases.push({
      name: t.task_def_key,
      ...(t.name ? { displayName: t.name } : {}),
      type: t.category === 'violationTask' ? 'violation' : 'request',
      status: 'in-progress',
      decision: null,
      startDate: new Date(t.create_time).toISOString(),
      completionDate: null,
      workflowTaskId: t.id,
    });
  }
  for (const w of waits) {
    const resumeDate = new Date(w.due_at).toISOString();
    const known = d.phases.find((p) => p.workflowTaskId === w.id);
    if (known) {
      known.resumeDate = resumeDate;
      continue;
    }
    d.phases.push({
      name: w.activity_id,
      type: 'request',
      status: 'in-progress',
      decision: null,
      startDate: new Date(w.created_at).toISOString(),
      completionDate: null,
      resumeDate,
      workflowTaskId: w.id,
    });
  }
}

const EXPIRATION = '__expiration';
const isExpiration = (activityId: string) => activityId.endsWith(EXPIRATION);

/**
 * A phase whose expiration timer fired (its boundary event `<step>__expiration` ran, dialects/iga/compile.ts) is
 * `expired`; the request's deadline is the earliest expiration timer of its open phases.
 */
async function markExpired(tx: Queryable, instanceId: string, d: Decision, expirations: Wait[]): Promise<void> {
  const undecided = d.phases.filter((p) => p.status === 'complete' && p.decision === null);
  const fired = await queries.reachedActivities(
    tx,
    instanceId,
    undecided.map((p) => p.name + EXPIRATION),
  );
  for (const p of undecided) if (fired.has(p.name + EXPIRATION)) p.decision = 'expired';
  const open = new Set(d.phases.filter((p) => p.status === 'in-progress').map((p) => p.name));
  const deadlines = expirations
    .filter((w) => open.has(w.activity_id.slice(0, -EXPIRATION.length)))
    .map((w) => new Date(w.due_at).toISOString())
    .filter((x) => !x.startsWith('9999')) // requests started before IGA_GRAPH_VERSION 2: "never" was a 9999 date
    .sort();
  d.deadline = deadlines[0] ?? null;
}

/** The actors of the open phases: each task's input `actors` (dialects/iga/compile.ts), replaced by reassign. */
function activeActors(
  d: Decision,
  taskVars: Map<string, Record<string, unknown>>,
  vars: Record<string, unknown>,
): Actor[] {
  const active: Actor[] = [];
  for (const p of d.phases) {
    if (p.status !== 'in-progress') continue;
    // (requests started before IGA_GRAPH_VERSION 2 kept them in the process variable `__actors_<step>`)
    const actors = (taskVars.get(p.workflowTaskId ?? '')?.actors ?? vars[`__actors_${p.name}`] ?? []) as Actor[];
    for (const a of actors) {
      if (typeof a?.id !== 'string' || !ACTOR_ID.test(a.id)) continue;
      // One actor named twice (the entitlement's and the application's owner) is one actor with both grants.
      const same = active.find((x) => x.id === a.id && x.phase === p.name);
      const permissions: Record<string, boolean> = same?.permissions ?? {};
      for (const k of PERMISSIONS)
        if (k !== 'cancel') permissions[k] = permissions[k] === true || a.permissions?.[k] === true;
      if (!same) active.push({ id: a.id, phase: p.name, permissions });
    }
  }
  return active;
}

/** What a workflow script set through `openidm.action('iga/governance/requests/<id>', …, {_action: 'update'})`. */
function applyScriptDecision(d: Decision, vars: Record<string, unknown>, now: string): void {
  const set = (vars.requestDecision ?? null) as Record<string, unknown> | null;
  if (!set || typeof set !== 'object') return;
  if (set.status === 'complete' || set.status === 'in-progress' || set.status === 'suspended')
    d.status = set.status as Decision['status'];
  if (set.decision === 'approved' || set.decision === 'rejected') d.decision = set.decision;
  if (typeof set.outcome === 'string') d.outcome = set.outcome;
  if (set.failure === true) d.failure = true;
  if (typeof set.comment === 'string' && !d.comments.some((x) => x.action === 'system' && x.comment === set.comment))
    d.comments.push({ timeStamp: now, user: CALLER, action: 'system', comment: set.comment });
}

/** Open while the instance runs (suspended while it only waits on a timer), complete once it ended. */
function settleStatus(d: Decision, running: boolean, onlyWaiting: boolean, now: string): void {
  if (running && (d.status === 'in-progress' || d.status === 'suspended'))
    d.status = onlyWaiting ? 'suspended' : 'in-progress';
  if (!running && (d.status === 'in-progress' || d.status === 'suspended')) d.status = 'complete';
  if (d.status !== 'complete') return;
  if (d.decision === null) {
    const last = [...d.phases].reverse().find((p) => p.decision === 'approved' || p.decision === 'rejected');
    d.decision = (last?.decision as 'approved' | 'rejected' | undefined) ?? null;
  }
  d.completionDate ??= now;
  d.actors.active = [];
}
