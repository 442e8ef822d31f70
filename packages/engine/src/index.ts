export { bundledMigrations } from './generated/migrations.js';
export * from './http/openapi.js';
export { jsonLogger, type LogFields, type Logger, type LogLevel, memoryLogger, silentLogger } from './logger.js';
export { type Clock, systemClock, TestClock } from './runtime/clock.js';
export { defaultIds, type IdGenerator, sequentialIds } from './runtime/ids.js';
export {
  type DeadLetterJob,
  type EnqueueOptions,
  type Job,
  type JobContext,
  JobExecutor,
  type JobExecutorOptions,
  type JobFilter,
  type JobHandler,
  JobQueue,
  type RunReport,
} from './runtime/jobs.js';
export { DataDirLockedError } from './store/data-dir-lock.js';
export type { Db, Queryable, QueryResult } from './store/db.js';
export { type Migration, mergeMigrations, migrate } from './store/migrate.js';
export { describeStore, openStore, type StoreOptions } from './store/open-store.js';
export { openPglite, type PgliteDb, type PgliteStoreOptions } from './store/pglite.js';
export { DatabaseUnreachableError, openPostgres, type PostgresStoreOptions } from './store/postgres.js';
export { type TestStore, type TestStoreFactory, testStores } from './store/test-stores.js';
