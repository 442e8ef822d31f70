/**
 * Durable jobs (migration 002): timers, async continuations, scheduled publishing. Any number of executors, on any
 * number of nodes, lease due jobs many at a time with SELECT ... FOR UPDATE SKIP LOCKED and a lock owner + expiry;
 * each job runs inside one transaction together with its deletion, so it takes effect once. A failing job is retried
 * with backoff (3 attempts by default, as Flowable) and then moved to dead_letter_jobs.
 *
 * jobs/types.ts the shapes · jobs/sql.ts every statement · jobs/queue.ts enqueue, list, cancel, dead letters ·
 * jobs/acquire.ts leases · jobs/attempt.ts one attempt: run, retry later or dead-letter · jobs/executor.ts batches,
 * concurrency per scope, the started loop.
 */

export { JobExecutor } from './jobs/executor.js';
export { JobQueue } from './jobs/queue.js';
export {
  type DeadLetterJob,
  type EnqueueOptions,
  type Job,
  type JobContext,
  type JobExecutorOptions,
  type JobFilter,
  type JobHandler,
  RetryJobLater,
  type RunFilter,
  type RunReport,
} from './jobs/types.js';
