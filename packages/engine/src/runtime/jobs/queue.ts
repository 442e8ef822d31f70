/** The job queue: enqueue, list, cancel and dead letters, inside the caller's transaction. */

import type { Queryable } from '../../store/db.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import { defaultIds } from '../ids.js';
import {
  cancelJobs,
  DELETE_DEAD_LETTER,
  ENQUEUE,
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
