/**
 * The job executor: leases due jobs in batches, runs the jobs of different scopes (process instances) side by side up
 * to a limit and one scope's jobs one after another (Flowable's exclusive jobs), and, when started, keeps going while
 * work is due, sleeping only until the next due job (an enqueue in this process wakes it) and renewing its leases.
 */

import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import type { Db, Queryable } from '../../store/db.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Runtime } from '../commands.js';
import type { IdGenerator } from '../ids.js';
import { defaultIds } from '../ids.js';
import { acquireDueJobs, type Lessee, leaseJob, msUntilNextDue, releaseLease, renewLeases } from './acquire.js';
import { type Attempter, attemptOne, attemptTogether } from './attempt.js';
import { JobQueue } from './queue.js';
import type { Job, JobContext, JobExecutorOptions, JobFilter, JobHandler, RunFilter, RunReport } from './types.js';

/** Lets timers and I/O callbacks (HTTP requests) run: a promise chain alone never leaves the microtask queue. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `tx` with a yield to I/O before each statement. */
function yieldingBefore(tx: Queryable): Queryable {
  return {
    async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
      await yieldToIo();
      return tx.query<T>(sql, params);
    },
    async exec(sql: string) {
      await yieldToIo();
      await tx.exec(sql);
    },
  };
}

const emptyReport = (): RunReport => ({ succeeded: 0, retried: 0, deadLettered: 0 });

export class JobExecutor implements Attempter, Lessee {
  readonly owner: string;
  readonly queue: JobQueue;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly lockMs: number;
  private readonly ids: IdGenerator;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly runtime: Runtime | undefined;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly jobsPerTransaction: number;
  readonly backoffMs: (attempts: number) => number;
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
    this.batchSize = options.batchSize ?? 64;
    const postgres = this.db.kind === 'postgres';
    this.concurrency = Math.max(1, options.concurrency ?? (postgres ? 4 : 1));
    this.jobsPerTransaction = Math.max(1, options.jobsPerTransaction ?? 16);
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

  /**
   * The context a handler gets: the job's transaction and the app's services. On PGlite every statement runs on the
   * main thread, so a handler's statements let HTTP in before each (a group's writes take several milliseconds).
   */
  contextFor(tx: Queryable, prepared?: unknown): JobContext {
    const jobTx = this.db.kind === 'pglite' ? yieldingBefore(tx) : tx;
    return Object.assign(this.outsideContext(), { tx: jobTx, prepared, pause: yieldToIo });
  }

  /** The context of a handler's `outside` phase: the app's services, no transaction. */
  outsideContext(): Omit<JobContext, 'tx' | 'prepared'> {
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

  /** The handler of a leased job (only jobs of registered types are leased). */
  requireHandler(type: string): JobHandler {
    const handler = this.handlers.get(type);
    if (!handler) throw new Error(`No handler for job type "${type}"`);
    return handler;
  }

  pause(): Promise<void> {
    return yieldToIo();
  }

  /**
   * Runs one job now (IDM's `job?_action=execute`), through the same run / retry / dead-letter path as a poll. A job
   * outside `filter` is not found; one locked by a running executor is `locked`.
   */
  async runNow(
    id: string,
    filter: Pick<JobFilter, 'ownerApi' | 'tenant'> = {},
  ): Promise<{ outcome: 'succeeded' | 'retried' | 'dead-lettered' | 'not-found' | 'locked'; error?: string }> {
    const job = await leaseJob(this, { id, ...filter });
    if (!job) {
      const exists = await this.queue.list(this.db, { id, ...filter });
      return { outcome: exists.length ? 'locked' : 'not-found' };
    }
    if (!this.handlers.has(job.type)) {
      await releaseLease(this.db, id);
      throw new Error(`No handler for job type "${job.type}"`);
    }
    const report = emptyReport();
    const error = await attemptOne(this, job, report);
    if (report.succeeded) return { outcome: 'succeeded' };
    if (report.deadLettered) return { outcome: 'dead-lettered', error };
    if (report.retried) return { outcome: 'retried', error };
    return { outcome: 'not-found' };
  }

  /**
   * Runs one batch. Jobs are grouped by scope; up to `concurrency` workers each take whole scopes (so one scope's jobs
   * stay in due order on one worker) and run them jobsPerTransaction at a time, a job with an `outside` phase alone.
   * Between two jobs a worker yields to I/O, so HTTP requests are served while a backlog drains (on PGlite every
   * query runs on the main thread).
   */
  private async runBatch(batch: Job[], report: RunReport): Promise<void> {
    const scopes = new Map<string, Job[]>();
    for (const job of batch) {
      const key = job.scopeId ?? `job:${job.id}`;
      const jobs = scopes.get(key);
      if (jobs) jobs.push(job);
      else scopes.set(key, [job]);
    }
    const pending = [...scopes.values()];
    const worker = async () => {
      for (;;) {
        // A second scope joins only while enough are left for the other workers: parallelism first, then fewer commits.
        const jobs: Job[] = [];
        while (
          pending.length > 0 &&
          (jobs.length === 0 || (jobs.length < this.jobsPerTransaction && pending.length >= this.concurrency))
        )
          jobs.push(...pending.shift()!);
        if (jobs.length === 0) return;
        let together: Job[] = [];
        const flush = async () => {
          if (together.length) await attemptTogether(this, together, report);
          together = [];
          await yieldToIo();
        };
        for (const job of jobs) {
          if (this.requireHandler(job.type).outside) {
            await flush();
            await attemptOne(this, job, report);
            await yieldToIo();
          } else {
            together.push(job);
            if (together.length >= this.jobsPerTransaction) await flush();
          }
        }
        await flush();
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
    const report = emptyReport();
    for (let i = 0; i < maxBatches; i++) {
      const batch = await acquireDueJobs(this, [...this.handlers.keys()], this.batchSize, filter);
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
    const types = [...this.handlers.keys()];
    this.schedule(await msUntilNextDue(this, types, this.pollIntervalMs).catch(() => this.pollIntervalMs));
  }

  /** Runs due jobs until stop(): woken by enqueues in this process, otherwise polling; renews its locks meanwhile. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.heartbeat = setInterval(
      () => void renewLeases(this).catch((e) => this.logger.warn('job lock heartbeat failed', { err: e })),
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
