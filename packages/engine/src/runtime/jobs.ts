/**
 * Durable jobs (migration 002): timers, async continuations, scheduled publishing. Any number of executors, on any
 * number of nodes, take due jobs with SELECT ... FOR UPDATE SKIP LOCKED and a lock owner + expiry; each job runs
 * inside one transaction together with its deletion, so it takes effect once. A failing job is retried with backoff
 * (3 attempts by default, as Flowable) and then moved to dead_letter_jobs.
 */

import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { Db, Queryable } from '../store/db.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Runtime } from './commands.js';
import { errorTrace } from './errors.js';
import type { IdGenerator } from './ids.js';
import { defaultIds } from './ids.js';
import type { Owner } from './owner.js';

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

const COLUMNS =
  'id, type, payload, key, scope_id, due_at, attempts, max_attempts, lock_owner, lock_expires_at, last_error, created_at, owner_api, tenant';

type Row = Record<string, unknown>;

function toJob(r: Row): Job {
  return {
    id: r.id as string,
    type: r.type as string,
    payload: r.payload,
    key: (r.key as string | null) ?? null,
    scopeId: (r.scope_id as string | null) ?? null,
    dueAt: new Date(r.due_at as Date),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    lockOwner: (r.lock_owner as string | null) ?? null,
    lockExpiresAt: r.lock_expires_at ? new Date(r.lock_expires_at as Date) : null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: new Date(r.created_at as Date),
    ownerApi: (r.owner_api as string | undefined) ?? '',
    tenant: (r.tenant as string | undefined) ?? '',
  };
}

function where(filter: JobFilter, params: unknown[]): string {
  const parts: string[] = [];
  for (const [field, column] of [
    ['id', 'id'],
    ['key', 'key'],
    ['scopeId', 'scope_id'],
    ['type', 'type'],
    ['ownerApi', 'owner_api'],
    ['tenant', 'tenant'],
  ] as const) {
    const v = filter[field];
    if (v !== undefined) {
      params.push(v);
      parts.push(`${column} = $${params.length}`);
    }
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

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
    const { rows } = await q.query(
      `INSERT INTO jobs (id, type, payload, key, scope_id, due_at, max_attempts, created_at, owner_api, tenant)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (key) DO UPDATE SET type = EXCLUDED.type, payload = EXCLUDED.payload, scope_id = EXCLUDED.scope_id,
         due_at = EXCLUDED.due_at, max_attempts = EXCLUDED.max_attempts, attempts = 0, lock_owner = NULL,
         lock_expires_at = NULL, last_error = NULL, owner_api = EXCLUDED.owner_api, tenant = EXCLUDED.tenant
       RETURNING ${COLUMNS}`,
      [
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
      ],
    );
    const job = toJob(rows[0]!) as Job<P>;
    this.onEnqueue?.(job.dueAt);
    return job;
  }

  /** Removes matching jobs (not dead letters); returns how many. An empty filter is refused. */
  async cancel(q: Queryable, filter: JobFilter): Promise<number> {
    const params: unknown[] = [];
    const w = where(filter, params);
    if (!w) throw new Error('cancel needs a filter');
    const { rowCount } = await q.query(`DELETE FROM jobs ${w}`, params);
    return rowCount;
  }

  async list(q: Queryable, filter: JobFilter = {}): Promise<Job[]> {
    const params: unknown[] = [];
    const { rows } = await q.query(`SELECT ${COLUMNS} FROM jobs ${where(filter, params)} ORDER BY due_at, id`, params);
    return rows.map(toJob);
  }

  async deadLetters(q: Queryable, filter: JobFilter = {}): Promise<DeadLetterJob[]> {
    const params: unknown[] = [];
    const { rows } = await q.query(
      `SELECT id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error, created_at, failed_at,
         owner_api, tenant
       FROM dead_letter_jobs ${where(filter, params)} ORDER BY failed_at, id`,
      params,
    );
    return rows.map((r) => {
      const { lockOwner: _o, lockExpiresAt: _e, ...job } = toJob(r);
      return { ...job, failedAt: new Date(r.failed_at as Date) };
    });
  }

  /** Moves a dead letter back to the executable jobs with fresh attempts; false when there is no such dead letter. */
  async retryDeadLetter(
    q: Queryable,
    id: string,
    options: { maxAttempts?: number; dueAt?: Date } = {},
  ): Promise<boolean> {
    const { rowCount } = await q.query(
      `WITH d AS (DELETE FROM dead_letter_jobs WHERE id = $1 RETURNING *)
       INSERT INTO jobs (id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error, last_error_trace,
         created_at, owner_api, tenant)
       SELECT id, type, payload, key, scope_id, $2, 0, COALESCE($3, max_attempts), last_error, last_error_trace,
         created_at, owner_api, tenant FROM d`,
      [id, options.dueAt ?? this.clock.now(), options.maxAttempts ?? null],
    );
    return rowCount > 0;
  }

  async deleteDeadLetter(q: Queryable, id: string): Promise<boolean> {
    const { rowCount } = await q.query('DELETE FROM dead_letter_jobs WHERE id = $1', [id]);
    return rowCount > 0;
  }
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
}

/**
 * Runs a job inside its transaction. A handler may carry an `outside` phase: work done before the transaction opens,
 * with no database lock held (an HTTP call); what it returns reaches the handler as `ctx.prepared`, and a throw
 * fails the attempt like a throw of the handler. The job stays leased to the executor (lock owner and expiry)
 * meanwhile, so no other executor runs it.
 */
export type JobHandler<P = any> = ((job: Job<P>, ctx: JobContext) => Promise<void>) & {
  outside?: (job: Job<P>, ctx: Omit<JobContext, 'tx' | 'prepared'>) => Promise<unknown>;
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
  /** Jobs taken per acquisition (one statement); default 50. */
  batchSize?: number;
  /**
   * Jobs of different process instances (scopes) run at once, up to this many; jobs of one scope never run at once
   * (Flowable's exclusive jobs). Default 4 on PostgreSQL, 1 on PGlite (one connection: nothing to overlap).
   */
  concurrency?: number;
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

/** Lets timers and I/O callbacks (HTTP requests) run: a promise chain alone never leaves the microtask queue. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export class JobExecutor {
  readonly owner: string;
  readonly queue: JobQueue;
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly runtime: Runtime | undefined;
  private readonly pollIntervalMs: number;
  private readonly lockMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly backoffMs: (attempts: number) => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the scheduled pass runs (epoch ms, real time), to keep the earliest of several wake-ups. */
  private timerAt = Number.POSITIVE_INFINITY;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private running = false;
  /** A wake-up came while a pass was running: the pass may have missed the job, so run another. */
  private woken = false;
  private current: Promise<unknown> | undefined;

  constructor(options: JobExecutorOptions) {
    this.db = options.db;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? defaultIds(this.clock);
    this.logger = options.logger ?? silentLogger;
    this.owner = options.owner ?? crypto.randomUUID();
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.lockMs = options.lockMs ?? 15_000;
    this.batchSize = options.batchSize ?? 50;
    this.concurrency = Math.max(1, options.concurrency ?? (this.db.kind === 'postgres' ? 4 : 1));
    this.backoffMs = options.backoffMs ?? ((n) => Math.min(10_000 * 2 ** (n - 1), 3_600_000));
    this.queue = new JobQueue(this.clock, this.ids, (dueAt) => this.wake(dueAt));
    this.runtime = options.runtime;
    for (const [type, handler] of Object.entries(options.handlers ?? {})) this.register(type, handler);
  }

  register(type: string, handler: JobHandler): void {
    // The same handler registered twice (two API modules sharing the runtime's handlers) is one registration.
    if (this.handlers.get(type) === handler) return;
    if (this.handlers.has(type)) throw new Error(`A handler for job type "${type}" is already registered`);
    this.handlers.set(type, handler);
  }

  /** The context a handler gets: the job's transaction and the app's services. */
  contextFor(tx: Queryable, prepared?: unknown): JobContext {
    return Object.assign(this.outsideContext(), { tx, prepared });
  }

  /** The context of a handler's `outside` phase: the app's services, no transaction. */
  private outsideContext(): Omit<JobContext, 'tx' | 'prepared'> {
    const runtime = this.runtime;
    return {
      clock: this.clock,
      ids: this.ids,
      jobs: this.queue,
      logger: this.logger,
      get runtime(): Runtime {
        if (!runtime) throw new Error('This job executor has no Runtime (JobExecutorOptions.runtime)');
        return runtime;
      },
    };
  }

  /** The handler registered for a job type. */
  handlerFor(type: string): JobHandler | undefined {
    return this.handlers.get(type);
  }

  /**
   * Takes up to batchSize due jobs of the types this executor handles in one statement and locks them to it. A job
   * whose scope (process instance) has a job locked by another live executor is left alone: one instance's jobs run
   * on one node at a time.
   */
  private async acquire(filter: RunFilter = {}): Promise<Job[]> {
    const types = [...this.handlers.keys()];
    if (types.length === 0) return [];
    const now = this.clock.now();
    const params: unknown[] = [this.owner, new Date(now.getTime() + this.lockMs), now, types, this.batchSize];
    let scope = '';
    if (filter.scopeId !== undefined) {
      params.push(filter.scopeId);
      scope = ` AND scope_id = $${params.length}`;
    }
    const { rows } = await this.db.query(
      `UPDATE jobs SET lock_owner = $1, lock_expires_at = $2
       WHERE id IN (
         SELECT id FROM jobs j
         WHERE due_at <= $3 AND (lock_expires_at IS NULL OR lock_expires_at < $3) AND type = ANY($4::text[])${scope}
           AND (scope_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM jobs o WHERE o.scope_id = j.scope_id AND o.lock_owner <> $1 AND o.lock_expires_at >= $3))
         ORDER BY due_at, id LIMIT $5
         FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      params,
    );
    return rows.map(toJob).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id.localeCompare(b.id));
  }

  /** Renews the locks of the jobs this executor holds (skipping rows a running job's transaction has locked). */
  private async beat(): Promise<void> {
    await this.db.query(
      `UPDATE jobs SET lock_expires_at = $2
       WHERE id IN (SELECT id FROM jobs WHERE lock_owner = $1 FOR UPDATE SKIP LOCKED)`,
      [this.owner, new Date(this.clock.now().getTime() + this.lockMs)],
    );
  }

  /**
   * Runs one job now (IDM's `job?_action=execute`), through the same run / retry / dead-letter path as a poll. A job
   * outside `filter` is not found; one locked by a running executor is `locked`.
   */
  async runNow(
    id: string,
    filter: Pick<JobFilter, 'ownerApi' | 'tenant'> = {},
  ): Promise<{ outcome: 'succeeded' | 'retried' | 'dead-lettered' | 'not-found' | 'locked'; error?: string }> {
    const now = this.clock.now();
    const params: unknown[] = [this.owner, new Date(now.getTime() + this.lockMs), now];
    const scope = where({ id, ...filter }, params);
    const { rows } = await this.db.query(
      `UPDATE jobs SET lock_owner = $1, lock_expires_at = $2
       ${scope} AND (lock_expires_at IS NULL OR lock_expires_at < $3) RETURNING ${COLUMNS}`,
      params,
    );
    if (!rows[0]) {
      const exists = await this.queue.list(this.db, { id, ...filter });
      return { outcome: exists.length ? 'locked' : 'not-found' };
    }
    const job = toJob(rows[0]);
    if (!this.handlers.has(job.type)) {
      await this.db.query('UPDATE jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE id = $1', [id]);
      throw new Error(`No handler for job type "${job.type}"`);
    }
    const report: RunReport = { succeeded: 0, retried: 0, deadLettered: 0 };
    const error = await this.runOne(job, report);
    if (report.succeeded) return { outcome: 'succeeded' };
    if (report.deadLettered) return { outcome: 'dead-lettered', error };
    if (report.retried) return { outcome: 'retried', error };
    return { outcome: 'not-found' };
  }

  /** Runs a locked job; returns the error message when it failed. */
  private async runOne(job: Job, report: RunReport): Promise<string | undefined> {
    const handler = this.handlers.get(job.type)!;
    try {
      const prepared = handler.outside ? await handler.outside(job, this.outsideContext()) : undefined;
      const ran = await this.db.transaction(async (tx) => {
        // Removing it first, under our lock, makes the run count once: a rollback puts it back.
        const { rowCount } = await tx.query('DELETE FROM jobs WHERE id = $1 AND lock_owner = $2', [job.id, this.owner]);
        if (rowCount === 0) return false; // cancelled, or our lock expired and another executor has it
        await handler(job, this.contextFor(tx, prepared));
        return true;
      });
      if (ran) report.succeeded++;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const trace = errorTrace(e);
      const attempts = job.attempts + 1;
      const now = this.clock.now();
      if (attempts >= job.maxAttempts) {
        const { rowCount } = await this.db.query(
          `WITH d AS (DELETE FROM jobs WHERE id = $1 AND lock_owner = $2 RETURNING *)
           INSERT INTO dead_letter_jobs (id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error,
             last_error_trace, created_at, failed_at, owner_api, tenant)
           SELECT id, type, payload, key, scope_id, due_at, $3, max_attempts, $4, $6, created_at, $5, owner_api, tenant FROM d`,
          [job.id, this.owner, attempts, message, now, trace],
        );
        if (rowCount > 0) {
          report.deadLettered++;
          this.logger.warn('job dead-lettered', { jobId: job.id, type: job.type, attempts, error: message });
        }
      } else {
        const { rowCount } = await this.db.query(
          `UPDATE jobs SET attempts = $3, last_error = $4, last_error_trace = $6, due_at = $5, lock_owner = NULL,
             lock_expires_at = NULL
           WHERE id = $1 AND lock_owner = $2`,
          [job.id, this.owner, attempts, message, new Date(now.getTime() + this.retryDelay(e, attempts)), trace],
        );
        if (rowCount > 0) {
          report.retried++;
          this.logger.info('job failed, will retry', { jobId: job.id, type: job.type, attempts, error: message });
        }
      }
      return message;
    }
    return undefined;
  }

  /** The handler's choice (`retryAfterMs` on the error), else the executor's backoff. */
  private retryDelay(e: unknown, attempts: number): number {
    const chosen = (e as { retryAfterMs?: unknown } | null)?.retryAfterMs;
    return typeof chosen === 'number' && Number.isFinite(chosen) && chosen >= 0 ? chosen : this.backoffMs(attempts);
  }

  /**
   * Runs one batch: jobs grouped by scope, groups in parallel up to `concurrency`, each group's jobs in order. Between
   * two jobs the executor yields to I/O, so HTTP requests are served while a backlog drains (on PGlite every query
   * runs on the main thread).
   */
  private async runBatch(batch: Job[], report: RunReport): Promise<void> {
    const groups = new Map<string, Job[]>();
    for (const job of batch) {
      const key = job.scopeId ?? `job:${job.id}`;
      const group = groups.get(key);
      if (group) group.push(job);
      else groups.set(key, [job]);
    }
    const pending = [...groups.values()];
    const worker = async () => {
      for (let group = pending.shift(); group; group = pending.shift()) {
        for (const job of group) {
          await this.runOne(job, report);
          await yieldToIo();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pending.length) }, worker));
  }

  /**
   * Runs every job due now (by the clock), batch after batch, until none is left; tests call this after advancing
   * their clock. Jobs that handlers enqueue as due now run in the same call (up to maxBatches batches). A filter
   * narrows the run to one owner's jobs (an API waiting for its own process to settle).
   */
  async runDueJobs(maxBatches = 100, filter: RunFilter = {}): Promise<RunReport> {
    const report: RunReport = { succeeded: 0, retried: 0, deadLettered: 0 };
    for (let i = 0; i < maxBatches; i++) {
      const batch = await this.acquire(filter);
      if (batch.length === 0) break;
      await this.runBatch(batch, report);
    }
    return report;
  }

  /**
   * A job was enqueued in this process (due at dueAt): run a pass then, instead of waiting for the next poll. The
   * enqueueing transaction has not committed yet, so the pass comes a moment later, and a pass already running is
   * followed by another.
   */
  wake(dueAt: Date): void {
    if (!this.running) return;
    this.woken = true;
    this.schedule(Math.max(0, dueAt.getTime() - this.clock.now().getTime()) + 5);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    const at = Date.now() + ms;
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.pass();
    }, ms);
  }

  /** One pass of the started loop: drain what is due, then sleep until the next due job (at most pollIntervalMs). */
  private async pass(): Promise<void> {
    if (!this.running || this.current) return;
    this.woken = false;
    let ran = 0;
    const work = (async () => {
      const r = await this.runDueJobs(1);
      ran = r.succeeded + r.retried + r.deadLettered;
    })().catch((e) => this.logger.error('job executor poll failed', { err: e }));
    this.current = work;
    await work;
    this.current = undefined;
    if (!this.running) return;
    if (ran > 0 || this.woken) {
      // More may be due right away: go on after letting I/O in.
      this.schedule(0);
      return;
    }
    this.schedule(await this.msUntilNextDue().catch(() => this.pollIntervalMs));
  }

  private async msUntilNextDue(): Promise<number> {
    const types = [...this.handlers.keys()];
    if (types.length === 0) return this.pollIntervalMs;
    const { rows } = await this.db.query<{ next: Date | null }>(
      `SELECT min(GREATEST(due_at, COALESCE(lock_expires_at, due_at))) AS next FROM jobs WHERE type = ANY($1::text[])`,
      [types],
    );
    const next = rows[0]?.next;
    if (!next) return this.pollIntervalMs;
    const ms = new Date(next).getTime() - this.clock.now().getTime();
    return Math.min(this.pollIntervalMs, Math.max(0, ms));
  }

  /** Runs due jobs until stop(): woken by enqueues in this process, otherwise polling; renews its locks meanwhile. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.heartbeat = setInterval(
      () => void this.beat().catch((e) => this.logger.warn('job lock heartbeat failed', { err: e })),
      Math.max(10, Math.floor(this.lockMs / 3)),
    );
    this.heartbeat.unref?.();
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.current;
  }
}
