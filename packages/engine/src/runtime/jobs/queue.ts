/** The job queue: enqueue, list, cancel and dead letters, inside the caller's transaction. */

import type { Queryable } from '../../store/db.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import { defaultIds } from '../ids.js';
import {
  CANCEL_BY_KEYS,
  cancelJobs,
  DELETE_DEAD_LETTER,
  ENQUEUE,
  ENQUEUE_MANY,
  jobWhere,
  listDeadLetters,
  listJobs,
  RETRY_DEAD_LETTER,
  toDeadLetter,
  toJob,
} from './sql.js';
import type { DeadLetterJob, EnqueueOptions, Job, JobFilter } from './types.js';

/**
 * Writes and reads jobs inside the caller's transaction, so a job commits (or not) with the command that made it.
 */
export class JobQueue {
  constructor(
    private readonly clock: Clock = systemClock,
    private readonly ids: IdGenerator = defaultIds(clock),
    /** Told of every enqueue (before its transaction commits): the app wakes its executor with it. */
    private readonly onEnqueue?: (dueAt: Date) => void,
  ) {}

  async enqueue<P>(q: Queryable, options: EnqueueOptions<P>): Promise<Job<P>> {
    const now = this.clock.now();
    const { rows } = await q.query(ENQUEUE, [
      this.ids.ulid(),
      options.type,
      JSON.stringify(options.payload ?? {}),
      options.key ?? null,
      options.scopeId ?? null,
      options.dueAt ?? now,
      options.maxAttempts ?? 3,
      now,
      options.owner?.api ?? '',
      options.owner?.tenant ?? '',
    ]);
    const job = toJob(rows[0]!) as Job<P>;
    this.onEnqueue?.(job.dueAt);
    return job;
  }

  /**
   * The statement that enqueues `jobs` (distinct keys; a later one of the same key replaces an earlier one, as
   * enqueueing them one after another does), for a caller that runs it with its other writes. Undefined when there
   * are none. The executor is told as by `enqueue`.
   */
  enqueueStatement(jobs: readonly EnqueueOptions[]): [sql: string, params: unknown[]] | undefined {
    if (jobs.length === 0) return undefined;
    const now = this.clock.now();
    const byKey = new Map<string, Record<string, unknown>>();
    for (const o of jobs) {
      const id = this.ids.ulid();
      byKey.set(o.key ?? id, {
        id,
        type: o.type,
        payload: o.payload ?? {},
        key: o.key ?? null,
        scope_id: o.scopeId ?? null,
        due_at: o.dueAt ?? now,
        max_attempts: o.maxAttempts ?? 3,
        created_at: now,
        owner_api: o.owner?.api ?? '',
        tenant: o.owner?.tenant ?? '',
      });
    }
    for (const row of byKey.values()) this.onEnqueue?.(row.due_at as Date);
    return [ENQUEUE_MANY, [JSON.stringify([...byKey.values()])]];
  }

  /** The statement that removes the jobs of `keys`, for a caller that runs it with its other deletes. */
  cancelStatement(keys: readonly string[]): [sql: string, params: unknown[]] | undefined {
    return keys.length ? [CANCEL_BY_KEYS, [keys]] : undefined;
  }

  /** Removes matching jobs (not dead letters); returns how many. An empty filter is refused. */
  async cancel(q: Queryable, filter: JobFilter): Promise<number> {
    const params: unknown[] = [];
    const where = jobWhere(filter, params);
    if (!where) throw new Error('cancel needs a filter');
    const { rowCount } = await q.query(cancelJobs(where), params);
    return rowCount;
  }

  async list(q: Queryable, filter: JobFilter = {}): Promise<Job[]> {
    const params: unknown[] = [];
    const { rows } = await q.query(listJobs(jobWhere(filter, params)), params);
    return rows.map(toJob);
  }

  async deadLetters(q: Queryable, filter: JobFilter = {}): Promise<DeadLetterJob[]> {
    const params: unknown[] = [];
    const { rows } = await q.query(listDeadLetters(jobWhere(filter, params)), params);
    return rows.map(toDeadLetter);
  }

  /** Moves a dead letter back to the executable jobs with fresh attempts; false when there is no such dead letter. */
  async retryDeadLetter(
    q: Queryable,
    id: string,
    options: { maxAttempts?: number; dueAt?: Date } = {},
  ): Promise<boolean> {
    const { rowCount } = await q.query(RETRY_DEAD_LETTER, [
      id,
      options.dueAt ?? this.clock.now(),
      options.maxAttempts ?? null,
    ]);
    return rowCount > 0;
  }

  async deleteDeadLetter(q: Queryable, id: string): Promise<boolean> {
    const { rowCount } = await q.query(DELETE_DEAD_LETTER, [id]);
    return rowCount > 0;
  }
}
