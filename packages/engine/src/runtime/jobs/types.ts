/** The shapes of the job system: jobs, their handlers and context, and the executor's options and reports. */

import type { Logger } from '../../logger.js';
import type { Db, Queryable } from '../../store/db.js';
import type { Clock } from '../clock.js';
import type { Runtime } from '../commands.js';
import type { IdGenerator } from '../ids.js';
import type { Owner } from '../owner.js';
import type { JobQueue } from './queue.js';

export interface Job<P = unknown> {
  id: string;
  type: string;
  payload: P;
  key: string | null;
  scopeId: string | null;
  dueAt: Date;
  attempts: number;
  maxAttempts: number;
  lockOwner: string | null;
  lockExpiresAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  /** The API owning the job (migration 060; '' for none) and its tenant. */
  ownerApi: string;
  tenant: string;
}

export interface DeadLetterJob<P = unknown> extends Omit<Job<P>, 'lockOwner' | 'lockExpiresAt'> {
  failedAt: Date;
}

export interface EnqueueOptions<P = unknown> {
  type: string;
  payload?: P;
  /** When it is due; default now. */
  dueAt?: Date;
  /** A unique name: enqueueing the same key again replaces the job (a new time, a new payload). */
  key?: string;
  /** An owner, e.g. a process instance id, to list or cancel its jobs together. */
  scopeId?: string;
  /** Attempts before the job becomes a dead letter; default 3. */
  maxAttempts?: number;
  /** The API (and tenant) owning the job: only that API lists and changes it. */
  owner?: Owner;
}

export interface JobFilter {
  id?: string;
  key?: string;
  scopeId?: string;
  type?: string;
  ownerApi?: string;
  tenant?: string;
}

export interface JobContext {
  /** The job's transaction: write through it, so the job's effects and its removal commit together. */
  tx: Queryable;
  clock: Clock;
  ids: IdGenerator;
  jobs: JobQueue;
  logger: Logger;
  /** The app's Runtime (the runtime's job handlers run it inside `tx`). */
  runtime: Runtime;
  /** What the handler's `outside` phase returned (undefined without one). */
  prepared?: unknown;
  /** Lets timers and I/O (HTTP requests) run: a `group` handler calls it between its jobs. */
  pause?: () => Promise<void>;
}

/**
 * Runs a job inside its transaction. A handler may carry an `outside` phase: work done before the transaction opens,
 * with no database lock held (an HTTP call); what it returns reaches the handler as `ctx.prepared`, and a throw
 * fails the attempt like a throw of the handler. The job stays leased to the executor (lock owner and expiry)
 * meanwhile, so no other executor runs it.
 */
export type JobHandler<P = any> = ((job: Job<P>, ctx: JobContext) => Promise<void>) & {
  outside?: (job: Job<P>, ctx: Omit<JobContext, 'tx' | 'prepared'>) => Promise<unknown>;
  /**
   * Runs several jobs of this type (of different scopes, in due order) in the one transaction `ctx.tx`, cheaper than
   * one by one. Returns the jobs that failed, with their errors; their effects must be undone (a savepoint) and the
   * others commit. A throw fails the whole group: nothing of it stands and each job is then attempted alone.
   */
  group?: (jobs: readonly Job<P>[], ctx: JobContext) => Promise<Map<string, unknown>>;
};

/** Throw (or fail with an error carrying `retryAfterMs`) to choose the delay before the job's next attempt. */
export class RetryJobLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'RetryJobLater';
  }
}

/** Which due jobs a run takes (default: every type this executor handles). */
export interface RunFilter {
  /** Only the jobs of this owner (`scopeId`, e.g. a root process instance). */
  scopeId?: string;
}

export interface JobExecutorOptions {
  db: Db;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  handlers?: Record<string, JobHandler>;
  /** The app's Runtime, handed to handlers in their context. */
  runtime?: Runtime;
  /** This executor's name in lock_owner; default a random UUID. */
  owner?: string;
  /** The longest start() sleeps when no job is due soon (new jobs enqueued in this process wake it); default 1000 ms. */
  pollIntervalMs?: number;
  /**
   * How long a taken job stays locked to this executor without a heartbeat; default 15 s. While started, the executor
   * renews its locks every lockMs / 3, so the jobs of a node that died are taken over about lockMs after its last beat.
   */
  lockMs?: number;
  /** Jobs taken per acquisition (one statement); default 64. */
  batchSize?: number;
  /**
   * Jobs of different process instances (scopes) run at once, up to this many; jobs of one scope never run at once
   * (Flowable's exclusive jobs). Default 4 on PostgreSQL, 1 on PGlite (one connection: nothing to overlap).
   */
  concurrency?: number;
  /**
   * Jobs committed together: a worker runs up to this many of its jobs in one transaction, so a backlog costs one
   * commit per group instead of one per job, and handlers with a `group` (timers, async continuations) read and write
   * the whole group in a few statements. A failing job rolls back alone and is retried alone. Default 16.
   */
  jobsPerTransaction?: number;
  /** Wait before the next attempt after `attempts` failures; default 10 s doubling, at most 1 h. */
  backoffMs?: (attempts: number) => number;
}

export interface RunReport {
  /** Jobs that ran and committed. */
  succeeded: number;
  /** Jobs that failed and will be retried. */
  retried: number;
  /** Jobs that failed their last attempt and became dead letters. */
  deadLettered: number;
}
