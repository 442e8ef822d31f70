/**
 * One attempt of leased jobs: each runs inside a transaction together with its removal, so it takes effect once; a
 * failure is retried later with backoff or, after its last attempt, moved to the dead letters.
 */

import type { Logger } from '../../logger.js';
import type { Db, Queryable } from '../../store/db.js';
import type { Clock } from '../clock.js';
import { errorTrace } from '../errors.js';
import { DEAD_LETTER, RETRY_LATER, ROLLBACK_TO_SAVEPOINT, SAVEPOINT, TAKE_LEASED } from './sql.js';
import type { Job, JobContext, JobHandler, RunReport } from './types.js';

/** What an attempt needs from its executor. */
export interface Attempter {
  db: Db;
  owner: string;
  clock: Clock;
  logger: Logger;
  requireHandler(type: string): JobHandler;
  contextFor(tx: Queryable, prepared?: unknown): JobContext;
  outsideContext(): Omit<JobContext, 'tx' | 'prepared'>;
  /** Wait before the next attempt after `attempts` failures, when the error does not choose. */
  backoffMs(attempts: number): number;
  /** Called between two jobs of one transaction (lets HTTP in on PGlite). */
  pause(): Promise<void>;
}

/** Runs one leased job in its own transaction; returns the error message when it failed. */
export async function attemptOne(a: Attempter, job: Job, report: RunReport): Promise<string | undefined> {
  const handler = a.requireHandler(job.type);
  try {
    const prepared = handler.outside ? await handler.outside(job, a.outsideContext()) : undefined;
    const ran = await a.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(TAKE_LEASED, [job.id, a.owner]);
      if (rowCount === 0) return false;
      await handler(job, a.contextFor(tx, prepared));
      return true;
    });
    if (ran) report.succeeded++;
    return undefined;
  } catch (e) {
    return recordFailure(a, job, e, report);
  }
}

/**
 * Runs leased jobs (none with an `outside` phase) in order in one transaction, each behind a savepoint: a failing
 * job rolls back to it alone and is recorded as failed after the commit; the others commit together. Should the
 * transaction itself fail (its commit, the connection), nothing of it stands and each job gets its own attempt.
 */
export async function attemptTogether(a: Attempter, jobs: readonly Job[], report: RunReport): Promise<void> {
  if (jobs.length === 1) {
    await attemptOne(a, jobs[0]!, report);
    return;
  }
  const failed: { job: Job; error: unknown }[] = [];
  let succeeded = 0;
  try {
    await a.db.transaction(async (tx) => {
      for (const [i, job] of jobs.entries()) {
        if (i > 0) await a.pause();
        await tx.query(SAVEPOINT);
        try {
          const { rowCount } = await tx.query(TAKE_LEASED, [job.id, a.owner]);
          if (rowCount === 0) continue;
          await a.requireHandler(job.type)(job, a.contextFor(tx));
          succeeded++;
        } catch (error) {
          await tx.query(ROLLBACK_TO_SAVEPOINT);
          failed.push({ job, error });
        }
      }
    });
  } catch (e) {
    a.logger.warn('job group transaction failed, running its jobs one by one', { err: e, jobs: jobs.length });
    for (const job of jobs) await attemptOne(a, job, report);
    return;
  }
  report.succeeded += succeeded;
  for (const { job, error } of failed) await recordFailure(a, job, error, report);
}

/** Records a failed attempt: retried after a delay, or a dead letter after its last attempt. */
async function recordFailure(a: Attempter, job: Job, e: unknown, report: RunReport): Promise<string> {
  const message = e instanceof Error ? e.message : String(e);
  const trace = errorTrace(e);
  const attempts = job.attempts + 1;
  const now = a.clock.now();
  if (attempts >= job.maxAttempts) {
    const { rowCount } = await a.db.query(DEAD_LETTER, [job.id, a.owner, attempts, message, now, trace]);
    if (rowCount > 0) {
      report.deadLettered++;
      a.logger.warn('job dead-lettered', { jobId: job.id, type: job.type, attempts, error: message });
    }
  } else {
    const due = new Date(now.getTime() + retryDelay(a, e, attempts));
    const { rowCount } = await a.db.query(RETRY_LATER, [job.id, a.owner, attempts, message, due, trace]);
    if (rowCount > 0) {
      report.retried++;
      a.logger.info('job failed, will retry', { jobId: job.id, type: job.type, attempts, error: message });
    }
  }
  return message;
}

/** The handler's choice (`retryAfterMs` on the error), else the executor's backoff. */
function retryDelay(a: Attempter, e: unknown, attempts: number): number {
  const chosen = (e as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof chosen === 'number' && Number.isFinite(chosen) && chosen >= 0 ? chosen : a.backoffMs(attempts);
}
