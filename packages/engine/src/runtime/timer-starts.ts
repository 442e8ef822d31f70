/**
 * Timer start events as Flowable schedules them: deploying a version arms a job for each timer start event of it
 * and drops the jobs of the versions before it (only the latest version of a key starts on a timer). A firing starts
 * an instance at the timer start event; a cycle (`R<n>/…`, `R/…`) arms its next firing until its count or end date.
 */
import type { Queryable } from '../store/db.js';
import { RuntimeError } from './errors.js';
import type { Executor } from './executor.js';
import type { ProcessGraph, TimerDef } from './graph.js';
import type { JobQueue } from './jobs.js';
import type { Owner } from './owner.js';
import { endDateOf, firstFiring, nextFiring, parseCycle, parseIsoDuration } from './timer-cycles.js';

export const TIMER_START_JOB = 'wf.timer-start';

export interface TimerStartPayload {
  definitionId: string;
  nodeId: string;
  /** How many times it has fired before this firing. */
  fired: number;
}

/** All the timer start jobs of a key share this prefix, so that a new version replaces them at once. */
const keyPrefix = (owner: Owner, key: string) => `${TIMER_START_JOB}:${owner.api}:${owner.tenant}:${key}:`;

/** The first firing of a timer start event deployed at `now`. */
function firstDue(t: TimerDef, now: Date, where: string): Date {
  if (t.type === 'date') return endDateOf(t.value, where) ?? now;
  if (t.type === 'duration') {
    const ms = parseIsoDuration(t.value);
    if (ms === null) throw new RuntimeError('bad-request', `Timer of ${where} is not an ISO 8601 duration: ${t.value}`);
    return new Date(now.getTime() + ms);
  }
  const cycle = parseCycle(t.value);
  if (!cycle) throw new RuntimeError('bad-request', `Timer cycle of ${where} is not a repeating interval: ${t.value}`);
  return firstFiring(cycle, now);
}

/** After a deploy (same transaction): each deployed definition arms its timer start events, replacing older ones. */
export async function armTimerStarts(
  tx: Queryable,
  jobs: JobQueue,
  definitions: { id: string; key: string; graph: ProcessGraph }[],
  owner: Owner,
  now: Date,
): Promise<void> {
  for (const d of definitions) {
    const prefix = keyPrefix(owner, d.key);
    await tx.query('DELETE FROM jobs WHERE type = $1 AND left(key, length($2)) = $2', [TIMER_START_JOB, prefix]);
    for (const start of d.graph.eventStarts ?? []) {
      if (start.kind !== 'timer') continue;
      const timer = d.graph.nodes[start.nodeId]!.event!.timer!;
      await jobs.enqueue<TimerStartPayload>(tx, {
        type: TIMER_START_JOB,
        key: `${prefix}${start.nodeId}:1`,
        payload: { definitionId: d.id, nodeId: start.nodeId, fired: 0 },
        owner,
        dueAt: firstDue(timer, now, `start event '${start.nodeId}'`),
        maxAttempts: 1,
      });
    }
  }
}

/**
 * A timer start job is due (inside the command of `x`): starts an instance of the definition when it is still the
 * latest of its key, then arms the cycle's next firing. A definition replaced or deleted since is not started.
 */
export async function fireTimerStart(x: Executor, jobs: JobQueue, p: TimerStartPayload, dueAt: Date): Promise<boolean> {
  const { rows } = await x.s.tx.query<{
    id: string;
    key: string;
    graph: ProcessGraph;
    owner_api: string;
    tenant: string;
    suspended: boolean;
    latest: boolean;
  }>(
    `SELECT d.id, d.key, d.graph, d.owner_api, d.tenant, d.suspended,
       d.version = (SELECT MAX(l.version) FROM wf_definition l
                    WHERE l.key = d.key AND l.owner_api = d.owner_api AND l.tenant = d.tenant) AS latest
     FROM wf_definition d WHERE d.id = $1`,
    [p.definitionId],
  );
  const d = rows[0];
  if (!d?.latest) return false;
  const owner = { api: d.owner_api, tenant: d.tenant };
  // a suspended definition skips this firing (Flowable suspends its timer jobs) but keeps its cycle
  if (!d.suspended) x.startInstance({ id: d.id, key: d.key, graph: d.graph, owner }, { startNodeId: p.nodeId });
  const timer = d.graph.nodes[p.nodeId]?.event?.timer;
  const cycle = timer?.type === 'cycle' ? parseCycle(timer.value) : null;
  if (!timer || !cycle) return !d.suspended;
  const next = nextFiring(cycle, p.fired + 1, dueAt, endDateOf(timer.endDate, `start event '${p.nodeId}'`));
  if (next)
    await jobs.enqueue<TimerStartPayload>(x.s.tx, {
      type: TIMER_START_JOB,
      key: `${keyPrefix(owner, d.key)}${p.nodeId}:${p.fired + 2}`,
      payload: { ...p, fired: p.fired + 1 },
      owner,
      dueAt: next,
      maxAttempts: 1,
    });
  return !d.suspended;
}
