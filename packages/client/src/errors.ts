/**
 * Typed errors. An HTTP error response becomes an {@link ApiError} subclass chosen by status family; network failures
 * ({@link ConnectionError}), per-attempt timeouts ({@link TimeoutError}) and user aborts ({@link UserAbortError}) are
 * apart: they have no response.
 */

/** One field-level validation problem (Kontent `validation_errors`, FLOW `details`...). */
export interface ValidationIssue {
  message: string;
  path?: string | undefined;
  [key: string]: unknown;
}

/**
 * What an SDK's error parser extracts from its API's error body. `body` is the body narrowed to the API's error
 * shape; the other fields are the common vocabulary shared by all SDKs.
 */
export interface ParsedErrorBody<TBody> {
  body: TBody;
  /** The API's own error code (`code` for CREST, `error_code` for Kontent, `errorCode` for FLOW/IGA). */
  errorCode?: string | number | undefined;
  message?: string | undefined;
  details?: unknown;
  requestId?: string | undefined;
  validationErrors?: ValidationIssue[] | undefined;
}

/**
 * Maps a raw error body (parsed JSON, or text when it was not JSON) to typed fields. Return `undefined` when the
 * body is not the API's error shape (an HTML page from a proxy, say): the error then has `body: undefined` and
 * keeps the raw value in `rawBody`.
 */
export type ErrorBodyParser<TBody> = (body: unknown, response: Response) => ParsedErrorBody<TBody> | undefined;

export interface ApiErrorInit<TBody> extends Omit<ParsedErrorBody<TBody>, 'body'> {
  status: number;
  body: TBody | undefined;
  rawBody: unknown;
  headers: Headers;
  method: string;
  url: string;
}

/** Any error this package throws: API errors, connection errors, timeouts, user aborts. */
export class WfkitError extends Error {
  override name = 'WfkitError';
}

/** The status family of an {@link ApiError}: a discriminant for `switch`, alongside the subclasses. */
export type ApiErrorKind =
  | 'bad_request'
  | 'authentication'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'unprocessable_entity'
  | 'rate_limit'
  | 'internal_server'
  | 'unexpected_status';

/**
 * The server answered with a non-2xx status. `TBody` is the API's error body type, set by the SDK's parser.
 * Errors are always one of the subclasses ({@link AnyApiError}); `kind` tells which.
 */
export class ApiError<TBody = unknown> extends WfkitError {
  override name = 'ApiError';
  readonly kind: ApiErrorKind = 'unexpected_status';
  readonly status: number;
  /** The API's own error body when the SDK's parser recognised it, else `undefined` (see `rawBody`). */
  readonly body: TBody | undefined;
  /** The body as received: parsed JSON, or text when it was not JSON, or `undefined` when empty. */
  readonly rawBody: unknown;
  readonly headers: Headers;
  readonly errorCode: string | number | undefined;
  readonly details: unknown;
  readonly requestId: string | undefined;
  readonly validationErrors: ValidationIssue[] | undefined;
  /** The request's method and URL. */
  readonly method: string;
  readonly url: string;

  constructor(init: ApiErrorInit<TBody>) {
    const text = init.message ?? (typeof init.rawBody === 'string' && init.rawBody ? init.rawBody.slice(0, 200) : '');
    const code = init.errorCode !== undefined ? ` [${init.errorCode}]` : '';
    super(`${init.status}${code}${text ? ` ${text}` : ''} (${init.method} ${init.url})`);
    this.status = init.status;
    this.body = init.body;
    this.rawBody = init.rawBody;
    this.headers = init.headers;
    this.errorCode = init.errorCode;
    this.details = init.details;
    this.requestId = init.requestId;
    this.validationErrors = init.validationErrors;
    this.method = init.method;
    this.url = init.url;
  }
}

/** 400 */
export class BadRequestError<TBody = unknown> extends ApiError<TBody> {
  override name = 'BadRequestError';
  override readonly kind = 'bad_request' as const;
}
/** 401 */
export class AuthenticationError<TBody = unknown> extends ApiError<TBody> {
  override name = 'AuthenticationError';
  override readonly kind = 'authentication' as const;
}
/** 403 */
export class PermissionDeniedError<TBody = unknown> extends ApiError<TBody> {
  override name = 'PermissionDeniedError';
  override readonly kind = 'permission_denied' as const;
}
/** 404 */
export class NotFoundError<TBody = unknown> extends ApiError<TBody> {
  override name = 'NotFoundError';
  override readonly kind = 'not_found' as const;
}
/** 409 */
export class ConflictError<TBody = unknown> extends ApiError<TBody> {
  override name = 'ConflictError';
  override readonly kind = 'conflict' as const;
}
/** 412 (CREST `If-Match` revision mismatch) */
export class PreconditionFailedError<TBody = unknown> extends ApiError<TBody> {
  override name = 'PreconditionFailedError';
  override readonly kind = 'precondition_failed' as const;
}
/** 422: the request was well-formed but its content was refused (Prism answers its validation failures so). */
export class UnprocessableEntityError<TBody = unknown> extends ApiError<TBody> {
  override name = 'UnprocessableEntityError';
  override readonly kind = 'unprocessable_entity' as const;
}
/** 429; `retryAfterMs` from `retry-after-ms` or `Retry-After` (seconds or HTTP date) when the server sent one. */
export class RateLimitError<TBody = unknown> extends ApiError<TBody> {
  override name = 'RateLimitError';
  override readonly kind = 'rate_limit' as const;
  readonly retryAfterMs: number | undefined;
  constructor(init: ApiErrorInit<TBody>) {
    super(init);
    this.retryAfterMs = parseRetryAfter(init.headers);
  }
}
/** Any 5xx. */
export class InternalServerError<TBody = unknown> extends ApiError<TBody> {
  override name = 'InternalServerError';
  override readonly kind = 'internal_server' as const;
}
/** Any other status: 4xx other than the above (405, 408, 415, 428...), or a non-2xx outside 4xx/5xx. */
export class UnexpectedStatusError<TBody = unknown> extends ApiError<TBody> {
  override name = 'UnexpectedStatusError';
  override readonly kind = 'unexpected_status' as const;
}

/** The request never got a response: DNS failure, connection refused or reset, TLS error... `cause` has the detail. */
export class ConnectionError extends WfkitError {
  override name = 'ConnectionError';
  readonly method: string;
  readonly url: string;
  constructor(method: string, url: string, cause?: unknown, message?: string) {
    super(message ?? `Connection error (${method} ${url})`, cause === undefined ? undefined : { cause });
    this.method = method;
    this.url = url;
  }
}

/** An attempt ran past its `timeout` before the response headers arrived (after any retries). */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
  readonly timeoutMs: number;
  constructor(method: string, url: string, timeoutMs: number) {
    super(method, url, undefined, `Request timed out after ${timeoutMs} ms (${method} ${url})`);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. `cause` is the signal's reason. */
export class UserAbortError extends WfkitError {
  override name = 'UserAbortError';
  constructor(cause?: unknown) {
    super('Request aborted', cause === undefined ? undefined : { cause });
  }
}

/** Every error built from a response: narrow with `instanceof` or `switch (err.kind)`. */
export type AnyApiError<TBody = unknown> =
  | BadRequestError<TBody>
  | AuthenticationError<TBody>
  | PermissionDeniedError<TBody>
  | NotFoundError<TBody>
  | ConflictError<TBody>
  | PreconditionFailedError<TBody>
  | UnprocessableEntityError<TBody>
  | RateLimitError<TBody>
  | InternalServerError<TBody>
  | UnexpectedStatusError<TBody>;

type ApiErrorClass = new <TBody>(init: ApiErrorInit<TBody>) => AnyApiError<TBody>;

const BY_STATUS: Record<number, ApiErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-frankie-requestid', 'x-correlation-id'];

/** The request id the server sent in a response header (`X-Request-ID`, `Request-Id`, `X-Frankie-RequestID`...). */
export function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const v = headers.get(name);
    if (v) return v;
  }
  return undefined;
}

/**
 * Builds the typed error for a non-2xx response. `body` is the already-read body (openapi-fetch's `error`: parsed
 * JSON, or text); `parseBody` is the SDK's parser. `request` supplies method and URL (defaults to `response.url`).
 */
export function errorFromResponse<TBody = unknown>(
  response: Response,
  body: unknown,
  parseBody?: ErrorBodyParser<TBody>,
  request?: { method: string; url: string },
): AnyApiError<TBody> {
  let parsed: ParsedErrorBody<TBody> | undefined;
  if (parseBody && body !== undefined && body !== '') {
    try {
      parsed = parseBody(body, response);
    } catch {
      parsed = undefined;
    }
  }
  const headers = response.headers;
  const requestId = parsed?.requestId ?? requestIdOf(headers);
  const init: ApiErrorInit<TBody> = {
    status: response.status,
    body: parsed?.body,
    rawBody: body,
    headers,
    errorCode: parsed?.errorCode,
    message: parsed?.message ?? (response.statusText || undefined),
    details: parsed?.details,
    requestId,
    validationErrors: parsed?.validationErrors,
    method: request?.method ?? 'GET',
    url: request?.url ?? response.url,
  };
  const status = response.status;
  const Cls: ApiErrorClass = BY_STATUS[status] ?? (status >= 500 ? InternalServerError : UnexpectedStatusError);
  return new Cls<TBody>(init);
}

/** True for an {@link ApiError} (optionally with this status). The body type is the caller's claim. */
export function isApiError<TBody = unknown>(error: unknown, status?: number): error is AnyApiError<TBody> {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

/** True for a {@link ConnectionError} or {@link TimeoutError}. */
export function isConnectionError(error: unknown): error is ConnectionError {
  return error instanceof ConnectionError;
}

/**
 * Milliseconds the server asks us to wait, from `retry-after-ms`, else `Retry-After` as seconds or an HTTP date;
 * `undefined` when absent or unparsable. `now` is injectable for tests.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms) {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  const trimmed = ra.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
