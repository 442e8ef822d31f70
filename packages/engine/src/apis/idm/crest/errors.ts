/**
 * The CREST error body `{code, reason, message, detail?}` (`ResourceException.toJsonValue`), the module's ErrorShape,
 * and helpers to throw it from handlers. `message` equals `reason` when there is nothing more specific to say.
 */
import { ApiError, type ErrorContext, type ErrorShape, type ValidationIssue } from '../../../http/api-module.js';

export const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export interface CrestErrorBody {
  code: number;
  reason: string;
  message: string;
  detail?: Record<string, unknown>;
}

export function crestErrorBody(code: number, message?: string, detail?: Record<string, unknown>): CrestErrorBody {
  const reason = REASONS[code] ?? (code >= 500 ? 'Internal Server Error' : 'Bad Request');
  return { code, reason, message: message ?? reason, ...(detail ? { detail } : {}) };
}

/** An ApiError carrying a CREST error body: `throw new CrestError(404)`, `throw badRequest('Unknown action ...')`. */
export class CrestError extends ApiError {
  constructor(code: number, message?: string, detail?: Record<string, unknown>, headers?: Record<string, string>) {
    super(code, crestErrorBody(code, message, detail), headers);
  }
}

export const badRequest = (message: string, detail?: Record<string, unknown>) => new CrestError(400, message, detail);
export const notFound = (message?: string) => new CrestError(404, message);
export const forbidden = (message = 'Access denied') => new CrestError(403, message);
export const conflict = (message: string) => new CrestError(409, message);
export const preconditionFailed = (message: string) => new CrestError(412, message);

function issuePath(i: ValidationIssue): string {
  const field = i.pointer.replace(/^\//, '');
  return field ? `${i.in}/${field}` : i.in;
}

/** The module's error shape: every framework answer (validation, 401, 404, 500, ...) in the CREST body. */
export const errorShape: ErrorShape = {
  validation(issues: ValidationIssue[]) {
    const first = issues[0];
    const message = first ? `${issuePath(first)}: ${first.message}` : 'Bad Request';
    return {
      status: 400,
      body: crestErrorBody(400, message, { errors: issues.map((i) => ({ path: issuePath(i), message: i.message })) }),
    };
  },
  notFound: () => ({ status: 404, body: crestErrorBody(404) }),
  unauthorized: (ctx: ErrorContext) => ({ status: 401, body: crestErrorBody(401, ctx.message ?? 'Access Denied') }),
  forbidden: (ctx: ErrorContext) => ({ status: 403, body: crestErrorBody(403, ctx.message ?? 'Access denied') }),
  internal: (ctx: ErrorContext) => ({
    status: 500,
    body: crestErrorBody(500, undefined, { requestId: ctx.requestId }),
  }),
  methodNotAllowed: () => ({ status: 405, body: crestErrorBody(405) }),
  error: (status: number, ctx: ErrorContext) => ({ status, body: crestErrorBody(status, ctx.message) }),
  refused: (status, ctx: ErrorContext) => ({ status, body: crestErrorBody(status, ctx.message) }),
  notImplemented: (ctx: ErrorContext) => ({
    status: 501,
    body: crestErrorBody(501, `${ctx.method} ${ctx.path} is not implemented by this server yet`),
  }),
};
