/** Leases: taking due jobs for an executor (many per statement), one job on demand, renewing, the next due time. */

import type { Db } from '../../store/db.js';
import type { Clock } from '../clock.js';
import { acquireDue, jobWhere, leaseOne, NEXT_DUE, RELEASE_LEASE, RENEW_LEASES, toJob } from './sql.js';
import type { Job, JobFilter, RunFilter } from './types.js';

/** The executor a lease is for: its name in `lock_owner` and how long a lease lasts without renewal. */
export interface Lessee {
  db: Db;
  owner: string;
  clock: Clock;
  lockMs: number;
}

const leaseParams = (l: Lessee): unknown[] => {
  const now = l.clock.now();
  return [l.owner, new Date(now.getTime() + l.lockMs), now];
};

const byDueOrder = (a: Job, b: Job) => a.dueAt.getTime() - b.dueAt.getTime() || a.id.localeCompare(b.id);

/** Leases up to `limit` due jobs of `types` (oldest first) in one statement. */
export async function acquireDueJobs(
  l: Lessee,
  types: readonly string[],
  limit: number,
  filter: RunFilter = {},
): Promise<Job[]> {
  if (types.length === 0) return [];
  const params = [...leaseParams(l), types, limit];
  let scope = '';
  if (filter.scopeId !== undefined) {
    params.push(filter.scopeId);
    scope = ` AND scope_id = $${params.length}`;
  }
  const { rows } = await l.db.query(acquireDue(scope), params);
  // RETURNING gives no order; one scope's jobs must run in due order.
  return rows.map(toJob).sort(byDueOrder);
}

/** Leases one job by id (within `filter`) whatever its due date; undefined when absent or leased to a live executor. */
export async function leaseJob(l: Lessee, filter: JobFilter & { id: string }): Promise<Job | undefined> {
  const params = leaseParams(l);
  const { rows } = await l.db.query(leaseOne(jobWhere(filter, params)), params);
  return rows[0] ? toJob(rows[0]) : undefined;
}

export async function releaseLease(db: Db, id: string): Promise<void> {
  await db.query(RELEASE_LEASE, [id]);
}

/** Extends every lease this executor holds (the heartbeat). */
export async function renewLeases(l: Lessee): Promise<void> {
  const [owner, until] = leaseParams(l);
  await l.db.query(RENEW_LEASES, [owner, until]);
}

/** Milliseconds until a job of `types` can be taken, at most `cap` (also when none is waiting). */
export async function msUntilNextDue(l: Lessee, types: readonly string[], cap: number): Promise<number> {
  if (types.length === 0) return cap;
  const { rows } = await l.db.query<{ next: Date | null }>(NEXT_DUE, [types]);
  const next = rows[0]?.next;
  if (!next) return cap;
  return Math.min(cap, Math.max(0, new Date(next).getTime() - l.clock.now().getTime()));
}
