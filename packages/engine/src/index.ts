export { type AppOptions, createApp, type WfkitApp } from './app.js';
export {
  CONFIG_DEFAULTS,
  ConfigError,
  describeCredentials,
  type IdmUser,
  parseConfig,
  parseIdmUsers,
  type WfkitConfig,
} from './config.js';
export { configureDiagramAssets, type DiagramAssets } from './dialects/bpmn/diagram/index.js';
export {
  BpmnValidationError,
  compileBpmn,
  type Problem as BpmnProblem,
  type ValidationResult as BpmnValidationResult,
  validateBpmn,
} from './dialects/bpmn/index.js';
export { apiModules } from './generated/api-modules.js';
export { bundledMigrations } from './generated/migrations.js';
export { specs } from './generated/specs.js';
export {
  type ApiContext,
  ApiError,
  type ApiModule,
  type ApiRouter,
  type AuthRequest,
  type AuthResult,
  defineApiModule,
  type ErrorContext,
  type ErrorShape,
  type Handler,
  type HandlerResult,
  type Reply,
  type RequestContext,
  type ResolvedOperation,
  type ValidationIssue,
} from './http/api-module.js';
export { renderDocsPage } from './http/docs-page.js';
export * from './http/openapi.js';
export { type MatchResult, type OperationEntry, OperationTable } from './http/operations.js';
export { checkResponse, expectMatchesSpec } from './http/response-check.js';
export { pointerToField, SpecValidator, toIssues } from './http/validate.js';
export { jsonLogger, type LogFields, type Logger, type LogLevel, memoryLogger, silentLogger } from './logger.js';
export { type Clock, systemClock, TestClock } from './runtime/clock.js';
export {
  type DefinitionRow,
  Runtime,
  type RuntimeOptions,
  runtimeJobHandlers,
  type StartResult,
} from './runtime/commands.js';
export { RuntimeError, type RuntimeErrorKind } from './runtime/errors.js';
export {
  ExpressionError,
  evaluate as evaluateExpression,
  evaluateCondition,
  HostObject,
} from './runtime/expressions/index.js';
export type { FormProperty, GraphFlow, GraphNode, NodeType, ProcessGraph } from './runtime/graph.js';
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
export {
  checkScriptSyntax,
  configureScripts,
  type HostFunction,
  runScript,
  ScriptError,
  type ScriptHost,
  type ScriptLimits,
  type ScriptSettings,
} from './runtime/script-sandbox.js';
export { DataDirLockedError } from './store/data-dir-lock.js';
export type { Db, Queryable, QueryResult } from './store/db.js';
export { type Migration, mergeMigrations, migrate } from './store/migrate.js';
export { describeStore, openStore, type StoreOptions } from './store/open-store.js';
export { openPglite, type PgliteDb, type PgliteStoreOptions } from './store/pglite.js';
export { DatabaseUnreachableError, openPostgres, type PostgresStoreOptions } from './store/postgres.js';
export { extractSnapshot, loadSnapshot } from './store/snapshot.js';
export { type TestStore, type TestStoreFactory, testStores } from './store/test-stores.js';
