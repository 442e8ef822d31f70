/**
 * An API module is a plain value: its spec, its error shape, how it authenticates, its routes by operationId, and
 * optionally its migrations and job handlers. The framework (dispatch.ts) does everything common: matching a request
 * to a spec operation, validating it, auth, errors, logging.
 */
import type { WfkitConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/commands.js';
import type { IdGenerator } from '../runtime/ids.js';
import type { JobExecutor, JobHandler, JobQueue } from '../runtime/jobs.js';
import type { Db } from '../store/db.js';
import type { Migration } from '../store/migrate.js';
import type { OpenApiDocument, Operation } from './openapi.js';

/** One problem found validating a request: where, which field, what. */
export interface ValidationIssue {
  in: 'path' | 'query' | 'header' | 'body';
  /** A readable field path: `name`, `steps[0].transitions_to`, `X-Frankie-CustomerID`; `''` for the whole body. */
  field: string;
  /** The same as a JSON pointer inside the location (`/steps/0/transitions_to`). */
  pointer: string;
  message: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `pattern`, ...), or `parse` / `required-body`. */
  keyword: string;
}

export interface ErrorContext {
  requestId: string;
  method: string;
  path: string;
  /** A message from the framework or from an auth failure, if any. */
  message?: string;
}

/** What an error answer looks like: status, JSON body, headers. */
export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ErrorShape {
  validation(issues: ValidationIssue[], ctx: ErrorContext): Reply;
  notFound(ctx: ErrorContext): Reply;
  unauthorized(ctx: ErrorContext): Reply;
  forbidden(ctx: ErrorContext): Reply;
  /** Must not reveal the error: ctx.requestId is what the log line carries. */
  internal(ctx: ErrorContext): Reply;
  /** The path exists with other methods; default: notFound's body with 405. */
  methodNotAllowed?(ctx: ErrorContext): Reply;
  /** The operation exists in the spec but no handler is registered; default: internal's body with 501. */
  notImplemented?(ctx: ErrorContext): Reply;
  /**
   * Any other error answer (400, 404, 409, ...) with `ctx.message`: the runtime's errors (RuntimeError, mapped to a
   * status once by the dispatch). Default: notFound's body with the status.
   */
  error?(status: number, ctx: ErrorContext): Reply;
  /**
   * The request is refused before validation, ctx.message says why: 413 (body over the API's limit) or 415 (a body
   * that is not JSON). Default: validation's body with that status.
   */
  refused?(status: 413 | 415, ctx: ErrorContext): Reply;
}

export interface ResolvedOperation {
  operationId: string | undefined;
  method: string;
  /** The spec's path template, e.g. `/projects/{environment_id}/workflows/{workflow_id}`. */
  path: string;
  operation: Operation;
}

export interface AuthRequest {
  request: Request;
  headers: Headers;
  params: Record<string, string>;
  query: URLSearchParams;
  operation: ResolvedOperation;
}

export type AuthResult<P = unknown> =
  | { ok: true; principal: P }
  | { ok: false; status: 401 | 403; message?: string; headers?: Record<string, string> };

/** What every route and job handler can use. */
export interface ApiContext {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  config: WfkitConfig;
  jobs: JobQueue;
  /** The app's one Runtime (unscoped): an API works through `runtime.scoped({ api })`. */
  runtime: Runtime;
  /** The app's job executor (run a job now: `executor.runNow`). */
  executor: JobExecutor;
}

export interface RequestContext<P = unknown> extends ApiContext {
  request: Request;
  url: URL;
  requestId: string;
  operation: ResolvedOperation;
  /** Path parameters, decoded and validated. */
  params: Record<string, string>;
  /** Declared query parameters, validated and coerced to their schema types (numbers, booleans, arrays). */
  query: Record<string, unknown>;
  /** Every query parameter as sent. */
  rawQuery: URLSearchParams;
  headers: Headers;
  /** The parsed, validated JSON body (or the raw text for non-JSON media types); undefined when absent. */
  body: unknown;
  /** What authenticate() returned. */
  principal: P;
}

/** A Response, or a JSON reply (status 200 by default; no body → empty). */
export type HandlerResult = Response | Reply;
export type Handler<P = unknown> = (ctx: RequestContext<P>) => HandlerResult | Promise<HandlerResult>;

export interface ApiRouter<P = unknown> {
  /** Handles the spec operation with this operationId (an unknown id throws at start: typos surface at once). */
  operation(operationId: string, handler: Handler<P>): void;
  /** Handles an operation by method and spec path template, for operations without an operationId. */
  on(method: string, pathTemplate: string, handler: Handler<P>): void;
}

export interface ApiModule<P = unknown> {
  /** Short name: `kontent`, `idm`, `iga`, `flow`. */
  name: string;
  spec: OpenApiDocument;
  /** Prefix of the spec's paths on the server; default the path of the spec's first server URL (`/v2`). */
  basePath?: string;
  /**
   * Paths this API owns: unknown routes under them get this API's 404. Default: basePath + the leading literal
   * segments of each spec path (at most two), e.g. `/v2/projects`, `/openidm/workflow`.
   */
  basePathPattern?: string | RegExp | (string | RegExp)[];
  errors: ErrorShape;
  /** Decides who is calling; default: everyone, with principal undefined. */
  authenticate?(req: AuthRequest, config: WfkitConfig): AuthResult<P> | Promise<AuthResult<P>>;
  routes(router: ApiRouter<P>, ctx: ApiContext): void;
  /** Extra migrations (the ones in src/apis/<name>/migrations/ are bundled already). */
  migrations?: readonly Migration[];
  /** Job handlers by job type; types should start with the module name (`kontent.publish`). */
  jobHandlers?: Record<string, JobHandler>;
  /**
   * The status of a runtime command that failed (RuntimeError kind `failed`: the graph cannot proceed); default 500.
   * The dispatch maps every RuntimeError, for every API, to a status and the API's own error shape.
   */
  runtimeFailureStatus?: number;
}

/** Throw from a handler to answer with this status and body (an error in the API's own shape). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String(body.message) : `HTTP ${status}`);
  }
}

/** Identity function that types a module (`export const apiModule = defineApiModule({ ... })`). */
export function defineApiModule<P>(module: ApiModule<P>): ApiModule<P> {
  return module;
}
