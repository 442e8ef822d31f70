/**
 * `@wfkit/idm`: a typed client for the PingIDM workflow API (`/openidm/workflow`).
 *
 * `createIdmClient({ baseUrl, username, password })` gives `raw` (the typed openapi-fetch client) and one method per
 * operation and CREST action (`processInstances.create({ _key, ...vars })`, `tasks.claim(id, userId)`, ...).
 */
import {
  type ApiClient,
  type ApiClientOptions,
  type ApiError,
  bindResources,
  createApiClient,
  crestPaging,
  type ErrorBodyParser,
  headerAuth,
} from '@wfkit/client';
import type { Client } from 'openapi-fetch';
import { type IdmResources, resources } from './generated/resources.js';
import type { components, paths } from './schema.js';

export type { ApiPromise, CallOptions, Logger, LogLevel, WithResponse } from '@wfkit/client';
export {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  RateLimitError,
  TimeoutError,
  UnexpectedStatusError,
  UnprocessableEntityError,
  UserAbortError,
  WfkitError,
} from '@wfkit/client';
export type { IdmResources } from './generated/resources.js';
export type { components, operations, paths } from './schema.js';

/** The CREST error body: `{ code, reason, message, detail }`. */
export type CrestErrorBody = components['schemas']['CrestError'];
/** An error response of this API; `errorCode` is the CREST `code`, `details` its `detail`. */
export type IdmApiError = ApiError<CrestErrorBody>;

/** Reads the CREST error body. */
export const parseCrestError: ErrorBodyParser<CrestErrorBody> = (body) => {
  if (!body || typeof body !== 'object' || !('code' in body) || !('message' in body || 'reason' in body))
    return undefined;
  const b = body as CrestErrorBody;
  return { body: b, errorCode: b.code, message: b.message ?? b.reason, details: b.detail };
};

export interface IdmClientOptions extends Omit<ApiClientOptions<CrestErrorBody>, 'baseUrl' | 'parseError'> {
  /** The IDM origin, e.g. `https://idm.example.com` (default `http://localhost:8080`). */
  baseUrl?: string;
  /** Sent as `X-OpenIDM-Username`. */
  username: string;
  /** Sent as `X-OpenIDM-Password`. */
  password: string;
  /** Page size of the `list()` iterators when the call gives no `_pageSize` (default 50). */
  pageSize?: number;
}

export interface IdmClient extends IdmResources {
  /** The typed openapi-fetch client, for any operation with full control. */
  readonly raw: Client<paths>;
  /** True for an error this client threw from an error response (optionally with this status). */
  isError(error: unknown, status?: number): error is IdmApiError;
  /** The `@wfkit/client` client beneath (its `call()` turns a `raw` call into data or a typed error). */
  readonly api: ApiClient<paths, CrestErrorBody>;
}

/** Creates an IDM workflow client. */
export function createIdmClient(options: IdmClientOptions): IdmClient {
  const { username, password, baseUrl = 'http://localhost:8080', middleware = [], pageSize = 50, ...rest } = options;
  const api = createApiClient<paths, CrestErrorBody>({
    ...rest,
    baseUrl,
    middleware: [headerAuth({ 'X-OpenIDM-Username': username, 'X-OpenIDM-Password': password }), ...middleware],
    parseError: parseCrestError,
  });
  const bound = bindResources<IdmResources>(api, resources, {
    strategies: {
      // The workflow resources page by offset (their cookie is the decimal offset of the next result).
      crest: (q) =>
        crestPaging({ pageSize: q._pageSize || pageSize, offset: q._pagedResultsOffset ?? 0, useCookie: false }),
    },
  });
  return { ...bound, raw: api.raw, api, isError: api.isError };
}
