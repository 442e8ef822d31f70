/**
 * One attempt of leased jobs: each runs inside a transaction together with its removal, so it takes effect once; a
 * failure is retried later with backoff or, after its last attempt, moved to the dead letters.
 */

import type { Logger } from '../../logger.js';
import type { Db, Queryable } from '../../store/db.js';
import type { Clock } from '../clock.js';
import { errorTrace } from '../errors.js';
import {
  BURY,
  DEAD_LETTER,
  PUT_BACK,
  RETRY_LATER,
  ROLLBACK_TO_SAVEPOINT,
  SAVEPOINT,
  TAKE_LEASED,
  TAKE_LEASED_MANY,
} from './sql.js';
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
 * Runs leased jobs (none with an `outside` phase) in order in one transaction: one statement takes them all, then
 * consecutive jobs of a type whose handler has a `group` run through it, others one by one behind a savepoint each. A
 * failing job rolls back alone and is written back for a retry (or buried) in the same transaction; the others commit
 * together. Should the transaction itself fail (its commit, the connection), nothing of it stands and each job gets
 * its own attempt.
 */
export async function attemptTogether(a: Attempter, jobs: readonly Job[], report: RunReport): Promise<void> {
  if (jobs.length === 1) {
    await attemptOne(a, jobs[0]!, report);
    return;
  }
  let outcome: { succeeded: number; failed: Failure[] };
  try {
    outcome = await a.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(TAKE_LEASED_MANY, [jobs.map((j) => j.id), a.owner]);
      const taken = new Set(rows.map((r) => r.id));
      const failed: Failure[] = [];
      let succeeded = 0;
      for (const [i, run] of runsOfType(jobs.filter((j) => taken.has(j.id))).entries()) {
        if (i > 0) await a.pause();
        const group = a.requireHandler(run[0]!.type).group;
        const errors = group && run.length > 1 ? await group(run, a.contextFor(tx)) : await oneByOne(a, tx, run);
        for (const job of run) {
          if (errors.has(job.id)) failed.push(failure(a, job, errors.get(job.id)));
          else succeeded++;
        }
      }
      await writeBack(tx, failed);
      return { succeeded, failed };
    });
  } catch (e) {
    a.logger.warn('job group transaction failed, running its jobs one by one', { err: e, jobs: jobs.length });
    for (const job of jobs) await attemptOne(a, job, report);
    return;
  }
  report.succeeded += outcome.succeeded;
  for (const f of outcome.failed) {
    if (f.dead) {
      report.deadLettered++;
      a.logger.warn('job dead-lettered', { jobId: f.job.id, type: f.job.type, attempts: f.attempts, error: f.message });
    } else {
      report.retried++;
      a.logger.info('job failed, will retry', {
        jobId: f.job.id,
        type: f.job.type,
        attempts: f.attempts,
        error: f.message,
      });
    }
  }
}

/** Consecutive jobs of one type (the order of one scope's jobs is kept). */
function runsOfType(jobs: readonly Job[]): Job[][] {
  const runs: Job[][] = [];
  for (const job of jobs) {
    const last = runs.at(-1);
    if (last && last[0]!.type === job.type) last.push(job);
    else runs.push([job]);
  }
  return runs;
}

/** Taken jobs one after another in `tx`, each behind a savepoint; the errors of those that failed. */
async function oneByOne(a: Attempter, tx: Queryable, jobs: readonly Job[]): Promise<Map<string, unknown>> {
  const errors = new Map<string, unknown>();
  for (const [i, job] of jobs.entries()) {
    if (i > 0) await a.pause();
    await tx.query(SAVEPOINT);
    try {
      await a.requireHandler(job.type)(job, a.contextFor(tx));
    } catch (error) {
      await tx.query(ROLLBACK_TO_SAVEPOINT);
      errors.set(job.id, error);
    }
  }
  return errors;
}

interface Failure {
  job: Job;
  attempts: number;
  message: string;
  trace: string;
  dead: boolean;
  /** When it is due again (retried) or failed (dead). */
  at: Date;
}

function failure(a: Attempter, job: Job, e: unknown): Failure {
  const attempts = job.attempts + 1;
  const now = a.clock.now();
  const dead = attempts >= job.maxAttempts;
  return {
    job,
    attempts,
    message: e instanceof Error ? e.message : String(e),
    trace: errorTrace(e),
    dead,
    at: dead ? now : new Date(now.getTime() + retryDelay(a, e, attempts)),
  };
}

/** Writes the group's failed jobs back (it took them): retried later, or dead letters. */
async function writeBack(tx: Queryable, failed: readonly Failure[]): Promise<void> {
  const row = (f: Failure) => ({
    id: f.job.id,
    type: f.job.type,
    payload: f.job.payload,
    key: f.job.key,
    scope_id: f.job.scopeId,
    attempts: f.attempts,
    max_attempts: f.job.maxAttempts,
    last_error: f.message,
    last_error_trace: f.trace,
    created_at: f.job.createdAt,
    owner_api: f.job.ownerApi,
    tenant: f.job.tenant,
  });
  const retried = failed.filter((f) => !f.dead).map((f) => ({ ...row(f), due_at: f.at }));
  const dead = failed.filter((f) => f.dead).map((f) => ({ ...row(f), due_at: f.job.dueAt, failed_at: f.at }));
  if (retried.length) await tx.query(PUT_BACK, [JSON.stringify(retried)]);
  if (dead.length) await tx.query(BURY, [JSON.stringify(dead)]);
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
