/**
 * Serves one API module: request → spec operation → auth → validation → handler, every failure answered in the
 * module's own error shape. Built once per module at start (operation table, handlers, validators).
 */
import type { Logger } from '../logger.js';
import { RuntimeError, type RuntimeErrorKind } from '../runtime/errors.js';
import type {
  ApiContext,
  ApiModule,
  ApiRouter,
  AuthResult,
  ErrorContext,
  Handler,
  Reply,
  RequestContext,
} from './api-module.js';
import { ApiError } from './api-module.js';
import { OperationTable } from './operations.js';
import { SpecValidator } from './validate.js';

export function toResponse(reply: Reply, requestId: string): Response {
  const headers = new Headers(reply.headers);
  headers.set('x-request-id', requestId);
  if (reply.body === undefined || reply.body === null)
    return new Response(null, { status: reply.status ?? 204, headers });
  if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  const text =
    typeof reply.body === 'string' && !headers.get('content-type')!.includes('json')
      ? reply.body
      : JSON.stringify(reply.body);
  return new Response(text, { status: reply.status ?? 200, headers });
}

/** Per-API request limits (app option `limits`). */
export interface RequestLimits {
  /** Largest request body read, in bytes; a larger one is a 413 before it is read whole. */
  maxBodyBytes: number;
}

/** A few MB: the largest real workflow definition or BPMN model is far smaller. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

export class ModuleServer {
  readonly table: OperationTable;
  readonly validator: SpecValidator;
  private readonly prefixes: (string | RegExp)[];
  private readonly handlers = new Map<string, Handler<any>>();

  constructor(
    readonly module: ApiModule<any>,
    private readonly ctx: ApiContext,
    private readonly logger: Logger,
    private readonly limits: RequestLimits = { maxBodyBytes: DEFAULT_MAX_BODY_BYTES },
  ) {
    this.table = new OperationTable(module.spec, module.basePath);
    this.validator = new SpecValidator(module.spec);
    const pattern = module.basePathPattern;
    this.prefixes = pattern === undefined ? this.table.defaultPrefixes() : Array.isArray(pattern) ? pattern : [pattern];
    const router: ApiRouter<any> = {
      operation: (operationId, handler) => {
        const entry = this.table.find(operationId);
        if (!entry) throw new Error(`${module.name}: the spec has no operation "${operationId}"`);
        this.handlers.set(entry.pointer, handler);
      },
      on: (method, path, handler) => {
        const entry = this.table.findByPath(method, path);
        if (!entry) throw new Error(`${module.name}: the spec has no operation ${method.toUpperCase()} ${path}`);
        this.handlers.set(entry.pointer, handler);
      },
    };
    module.routes(router, ctx);
  }

  /** How specific this module's claim on a path is (longest prefix), or -1 when it doesn't claim it. */
  claim(pathname: string): number {
    let best = -1;
    for (const p of this.prefixes) {
      if (typeof p === 'string') {
        if (pathname === p || pathname.startsWith(p.endsWith('/') ? p : `${p}/`)) best = Math.max(best, p.length);
      } else if (p.test(pathname)) best = Math.max(best, 1);
    }
    return best;
  }

  async handle(request: Request, url: URL, requestId: string): Promise<Response> {
    const ectx: ErrorContext = { requestId, method: request.method, path: url.pathname };
    // The module's reply wins; `fallback` is the status when it names none.
    const reply: ReplyFn = (r, fallback) =>
      toResponse(r.status === undefined && fallback !== undefined ? { ...r, status: fallback } : r, requestId);
    try {
      return await this.serve(request, url, ectx, reply);
    } catch (e) {
      return this.failure(e, request, url, ectx, reply);
    }
  }

  /** Request → spec operation → auth → validation → handler. */
  private async serve(request: Request, url: URL, ectx: ErrorContext, reply: ReplyFn): Promise<Response> {
    const errors = this.module.errors;
    const relative = this.table.relative(url.pathname);
    const match = relative === undefined ? ({ kind: 'none' } as const) : this.table.match(request.method, relative);
    if (match.kind === 'none')
      return reply(errors.notFound({ ...ectx, message: `No route ${request.method} ${url.pathname}` }), 404);
    if (match.kind === 'method-not-allowed') {
      const r = errors.methodNotAllowed?.(ectx) ?? { ...errors.notFound(ectx), status: 405 };
      return reply({ ...r, headers: { allow: match.allowed.join(', '), ...r.headers } }, 405);
    }
    const { entry, params } = match;
    const operation = {
      operationId: entry.operationId,
      method: entry.method,
      path: entry.path,
      operation: entry.operation,
    };

    let auth: AuthResult<unknown> = { ok: true, principal: undefined };
    if (this.module.authenticate) {
      auth = await this.module.authenticate(
        { request, headers: request.headers, params, query: url.searchParams, operation },
        this.ctx.config,
      );
    }
    if (!auth.ok) {
      const r = (auth.status === 403 ? errors.forbidden : errors.unauthorized)({ ...ectx, message: auth.message });
      return reply({ ...r, headers: { ...auth.headers, ...r.headers } }, auth.status);
    }

    const handler = this.handlers.get(entry.pointer);
    const validated = await this.validator.validateRequest(entry, request, url, { ...params }, this.limits);
    if (validated.rejected) {
      const { status, message } = validated.rejected;
      const r = errors.refused?.(status, { ...ectx, message }) ?? {
        ...errors.validation([{ in: 'body', field: '', pointer: '', message, keyword: String(status) }], ectx),
        status,
      };
      // A body over the limit is left unread here; the HTTP server discards the rest (bounded in time) so the
      // client, still sending, receives this answer instead of a connection reset.
      return reply({ ...r, headers: { ...r.headers } }, status);
    }
    if (validated.issues.length > 0) return reply(errors.validation(validated.issues, ectx), 400);
    if (!handler) {
      const r = errors.notImplemented?.(ectx) ?? { ...errors.internal(ectx), status: 501 };
      return reply(r, 501);
    }
    const rctx: RequestContext<unknown> = {
      ...this.ctx,
      request,
      url,
      requestId: ectx.requestId,
      operation,
      params: validated.params,
      query: validated.query,
      rawQuery: url.searchParams,
      headers: request.headers,
      body: validated.body,
      principal: auth.principal,
    };
    const result = await handler(rctx);
    return result instanceof Response ? withRequestId(result, ectx.requestId) : reply(result);
  }

  /** A handler's throw, answered in the module's shape: its ApiError as is, a RuntimeError by kind, else a 500. */
  private failure(e: unknown, request: Request, url: URL, ectx: ErrorContext, reply: ReplyFn): Response {
    const where = { requestId: ectx.requestId, api: this.module.name, method: request.method, path: url.pathname };
    if (e instanceof ApiError) {
      // A server-side failure the handler described (e.g. a script that threw): logged with the request id.
      if (e.status >= 500)
        this.logger.error('request failed', {
          ...where,
          status: e.status,
          error: (e.body as { message?: unknown } | undefined)?.message ?? e.message,
        });
      return reply({ status: e.status, body: e.body, ...(e.headers ? { headers: e.headers } : {}) });
    }
    if (e instanceof RuntimeError) return this.runtimeErrorReply(e, where, ectx, reply);
    this.logger.error('unhandled error', { ...where, err: e });
    try {
      return reply(this.module.errors.internal(ectx), 500);
    } catch {
      return toResponse(
        { status: 500, body: { message: 'Internal server error', requestId: ectx.requestId } },
        ectx.requestId,
      );
    }
  }

  /**
   * The runtime's errors, for every API: a status by kind, the body in the API's own shape. A command the runtime
   * could not carry out (kind `failed`: a script that threw, no flow to take) is the server's error unless the module
   * says otherwise (`runtimeFailureStatus`); it says what failed (as IDM passes Flowable's message on) and is logged.
   */
  private runtimeErrorReply(e: RuntimeError, where: object, ectx: ErrorContext, reply: ReplyFn): Response {
    const errors = this.module.errors;
    const status = e.kind === 'failed' ? (this.module.runtimeFailureStatus ?? 500) : RUNTIME_STATUS[e.kind];
    if (status >= 500)
      this.logger.error('request failed', {
        ...where,
        status,
        error: e.message,
        ...(e.trace ? { trace: e.trace } : {}),
      });
    const ctx = { ...ectx, message: e.message };
    const fallback = status >= 500 ? errors.internal(ectx) : { ...errors.notFound(ctx), status };
    return reply(errors.error?.(status, ctx) ?? fallback, status);
  }
}

type ReplyFn = (r: Reply, fallback?: number) => Response;

/**
 * Sets the header on the handler's own Response: wrapping it in a new one would turn its string body into a stream,
 * which the Node adapter sends in two writes (headers flushed first) instead of one.
 */
function withRequestId(result: Response, requestId: string): Response {
  try {
    result.headers.set('x-request-id', requestId);
    return result;
  } catch {
    const headers = new Headers(result.headers); // immutable headers (a fetched or static Response)
    headers.set('x-request-id', requestId);
    return new Response(result.body, { status: result.status, statusText: result.statusText, headers });
  }
}

/** RuntimeError kind → HTTP status (every API). */
const RUNTIME_STATUS: Record<Exclude<RuntimeErrorKind, 'failed'>, number> = {
  'not-found': 404,
  conflict: 409,
  'bad-request': 400,
  forbidden: 403,
};
