/**
 * Kontent.ai's error envelope: `{request_id, error_code, message, validation_errors?}`. `request_id` is always set
 * (the JS SDK recognises an error by `error_code || request_id`, and code 0 is falsy).
 */
import { ApiError, type ErrorContext, type ErrorShape, type ValidationIssue } from '../../http/api-module.js';

export interface KontentValidationError {
  message: string;
  path?: string;
}

export interface KontentErrorBody {
  request_id: string;
  error_code: number;
  message: string;
  validation_errors?: KontentValidationError[];
}

/** Error codes used by this API (see the table in the spec's `KontentError`). */
export const CODE = {
  generic: 0,
  noEnvironmentAccess: 4,
  invalid: 5,
  insufficientPermissions: 16,
  itemNotFound: 100,
  variantNotFound: 103,
  typeNotFound: 105,
  languageNotFound: 111,
  roleNotFound: 116,
  workflowNotFound: 119,
  noPublishedVersion: 122,
  notPublished: 213,
  newVersionNotPublished: 214,
  reservedStep: 215,
  nothingScheduled: 218,
  defaultWorkflow: 235,
  invalidContinuation: 1007,
  rateLimited: 10000,
} as const;

/**
 * A Kontent error thrown by rules. The request id isn't known where rules run, so the body carries a placeholder that
 * the route wrapper (routes.ts) replaces with the real one.
 */
export class KontentError extends ApiError {
  constructor(
    status: number,
    readonly code: number,
    message: string,
    readonly validationErrors?: KontentValidationError[],
    headers?: Record<string, string>,
  ) {
    super(
      status,
      {
        request_id: '',
        error_code: code,
        message,
        ...(validationErrors ? { validation_errors: validationErrors } : {}),
      },
      headers,
    );
  }

  withRequestId(requestId: string): ApiError {
    return new ApiError(this.status, { ...(this.body as KontentErrorBody), request_id: requestId }, this.headers);
  }
}

export const invalid = (message: string, errors?: KontentValidationError[]) =>
  new KontentError(400, CODE.invalid, message, errors);

/** One rule violation at a path: a 400 with error code 5 and one validation error. */
export const invalidAt = (path: string, message: string) =>
  new KontentError(400, CODE.invalid, 'The request is invalid.', [{ message, path }]);

export const notFound = (code: number, message: string) => new KontentError(404, code, message);

export const badState = (code: number, message: string) => new KontentError(400, code, message);

export const forbidden = (message: string) => new KontentError(403, CODE.insufficientPermissions, message);

function body(ctx: ErrorContext, code: number, message: string, validationErrors?: KontentValidationError[]) {
  const b: KontentErrorBody = { request_id: ctx.requestId, error_code: code, message };
  if (validationErrors) b.validation_errors = validationErrors;
  return b;
}

/** The path of a validation error: body fields as `steps[0].name`, parameters by their name. */
function issuePath(issue: ValidationIssue): string | undefined {
  if (issue.in === 'body') return issue.field || undefined;
  return issue.field.split(/[.[]/)[0] || undefined;
}

export const errorShape: ErrorShape = {
  validation(issues, ctx) {
    const inBody = issues.every((i) => i.in === 'body');
    return {
      status: 400,
      body: body(
        ctx,
        CODE.invalid,
        inBody
          ? 'The provided request body is invalid. See validation_errors for details.'
          : 'The request is invalid. See validation_errors for details.',
        issues.map((i) => {
          const path = issuePath(i);
          const name = path ?? 'The request body';
          const message = i.keyword === 'parse' || i.keyword === 'required-body' ? i.message : `${name} ${i.message}`;
          return path ? { message, path } : { message };
        }),
      ),
    };
  },
  notFound: (ctx) => ({
    status: 404,
    body: body(ctx, CODE.generic, ctx.message ?? `No resource at ${ctx.method} ${ctx.path}.`),
  }),
  unauthorized: (ctx) => ({
    status: 401,
    body: body(ctx, CODE.generic, ctx.message ?? 'The request is not authorized: missing or invalid API key.'),
  }),
  forbidden: (ctx) => ({
    status: 403,
    body: body(ctx, CODE.noEnvironmentAccess, ctx.message ?? 'The API key has no access to this environment.'),
  }),
  internal: (ctx) => ({
    status: 500,
    body: body(ctx, CODE.generic, `An unexpected error occurred. Quote request id ${ctx.requestId} when reporting it.`),
  }),
  refused: (status, ctx) => ({ status, body: body(ctx, CODE.generic, ctx.message ?? 'The request was refused.') }),
  methodNotAllowed: (ctx) => ({
    status: 405,
    body: body(ctx, CODE.generic, `The method ${ctx.method} is not allowed on ${ctx.path}.`),
  }),
  notImplemented: (ctx) => ({
    status: 501,
    body: body(ctx, CODE.generic, `${ctx.method} ${ctx.path} is not implemented.`),
  }),
};
