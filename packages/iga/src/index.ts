/**
 * `@wfkit/iga`: a typed client for PingOne Advanced Identity Cloud Identity Governance workflows
 * (`/iga/governance/workflow`, `/auto/orchestration/definition`, access requests).
 *
 * `createIgaClient({ baseUrl, token })` gives `raw` (the typed openapi-fetch client) and one method per operation and
 * action (`definitions.publish(def)`, `requests.approve(id, { comment })`, ...).
 */
import {
  type ApiClient,
  type ApiClientOptions,
  type ApiError,
  type BearerAuthOptions,
  bearerAuth,
  bindResources,
  createApiClient,
  type ErrorBodyParser,
  offsetPaging,
  searchAfterPaging,
  type TokenProvider,
} from '@wfkit/client';
import type { Client } from 'openapi-fetch';
import { type IgaResources, resources } from './generated/resources.js';
import type { components, paths } from './schema.js';

export type { ApiPromise, CallOptions, Logger, LogLevel, TokenProvider, WithResponse } from '@wfkit/client';
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
export type { IgaResources } from './generated/resources.js';
export type { components, operations, paths } from './schema.js';

/** The IGA error body: `{ message }` always, plus `code`, `reason` and validation `errors`. */
export type IgaErrorBody = components['schemas']['IgaError'];
/** An error response of this API; `validationErrors` come from the body's `errors`. */
export type IgaApiError = ApiError<IgaErrorBody>;

/** Reads the IGA error body. */
export const parseIgaError: ErrorBodyParser<IgaErrorBody> = (body) => {
  if (!body || typeof body !== 'object' || typeof (body as { message?: unknown }).message !== 'string')
    return undefined;
  const b = body as IgaErrorBody;
  return {
    body: b,
    errorCode: b.code,
    message: b.message,
    details: b.errors,
    validationErrors: b.errors?.map((e) => ({ ...e, message: e.message, path: e.step ?? undefined })),
  };
};

export interface IgaClientOptions extends Omit<ApiClientOptions<IgaErrorBody>, 'baseUrl' | 'parseError'> {
  /** The tenant origin, e.g. `https://openam-example.forgeblocks.com`. */
  baseUrl: string;
  /**
   * An access token, or an async provider called for a token (and again with `forceRefresh: true` after a 401, when
   * the request is re-sent once). Return `{ token, expiresAt }` to refresh before expiry.
   */
  token: string | TokenProvider;
  /** Options of the bearer auth (caching, 401 retry). */
  auth?: BearerAuthOptions | undefined;
  /** Page size of the `list()`/`search()` iterators when the call gives no `_pageSize` (default 100). */
  pageSize?: number;
}

export interface IgaClient extends IgaResources {
  /** The typed openapi-fetch client, for any operation with full control. */
  readonly raw: Client<paths>;
  /** True for an error this client threw from an error response (optionally with this status). */
  isError(error: unknown, status?: number): error is IgaApiError;
  /** The `@wfkit/client` client beneath. */
  readonly api: ApiClient<paths, IgaErrorBody>;
}

/** Creates an IGA client. */
export function createIgaClient(options: IgaClientOptions): IgaClient {
  const { token, auth, middleware = [], pageSize = 100, ...rest } = options;
  const api = createApiClient<paths, IgaErrorBody>({
    ...rest,
    middleware: [bearerAuth(token, auth), ...middleware],
    parseError: parseIgaError,
  });
  const bound = bindResources<IgaResources>(api, resources, {
    strategies: {
      searchAfter: (q) => searchAfterPaging({ pageSize: q._pageSize ?? pageSize }),
      offset: (q) => offsetPaging({ pageSize: q._pageSize ?? pageSize, offset: q._pagedResultsOffset ?? 0 }),
    },
  });
  return { ...bound, raw: api.raw, api, isError: api.isError };
}
