/**
 * `@wfkit/kontent`: a typed client for the Kontent.ai Management API v2 workflow endpoints.
 *
 * `createKontentClient({ apiKey, environmentId })` gives `raw` (the typed openapi-fetch client) and one method per
 * operation (`workflows.update('codename/x', wf)`, `variants.changeWorkflow(item, lang, {...})`, ...).
 */
import {
  type ApiClient,
  type ApiClientOptions,
  type ApiError,
  bearerAuth,
  bindResources,
  continuationPaging,
  createApiClient,
  type ErrorBodyParser,
  type TokenProvider,
} from '@wfkit/client';
import type { Client } from 'openapi-fetch';
import { type KontentResources, resources } from './generated/resources.js';
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
export type { KontentResources } from './generated/resources.js';
export type { components, operations, paths } from './schema.js';

/** Kontent.ai's error body: `{ request_id, error_code, message, validation_errors }`. */
export type KontentErrorBody = components['schemas']['KontentError'];
/** An error response of this API; `errorCode`, `requestId` and `validationErrors` come from the body. */
export type KontentApiError = ApiError<KontentErrorBody>;

/** Reads Kontent's error envelope. */
export const parseKontentError: ErrorBodyParser<KontentErrorBody> = (body) => {
  if (!body || typeof body !== 'object' || !('error_code' in body || 'request_id' in body)) return undefined;
  const b = body as KontentErrorBody;
  return {
    body: b,
    errorCode: b.error_code,
    message: b.message,
    requestId: b.request_id,
    validationErrors: b.validation_errors,
    details: b.validation_errors,
  };
};

export interface KontentClientOptions extends Omit<ApiClientOptions<KontentErrorBody>, 'baseUrl' | 'parseError'> {
  /** Management API key (`Authorization: Bearer <key>`), or a function returning one. */
  apiKey: string | TokenProvider;
  /** The environment (project) id, filled into every `{environment_id}`. */
  environmentId: string;
  /** Default `https://manage.kontent.ai/v2`. */
  baseUrl?: string;
}

export interface KontentClient extends KontentResources {
  /** The typed openapi-fetch client, for any operation with full control (`environment_id` is yours to pass). */
  readonly raw: Client<paths>;
  /** True for an error this client threw from an error response (optionally with this status). */
  isError(error: unknown, status?: number): error is KontentApiError;
  /** The `@wfkit/client` client beneath (its `call()` turns a `raw` call into data or a typed error). */
  readonly api: ApiClient<paths, KontentErrorBody>;
}

/** Creates a Kontent Management API client. */
export function createKontentClient(options: KontentClientOptions): KontentClient {
  const { apiKey, environmentId, baseUrl = 'https://manage.kontent.ai/v2', middleware = [], ...rest } = options;
  const api = createApiClient<paths, KontentErrorBody>({
    ...rest,
    baseUrl,
    middleware: [bearerAuth(apiKey), ...middleware],
    parseError: parseKontentError,
  });
  const bound = bindResources<KontentResources>(api, resources, {
    fixedPath: { environment_id: environmentId },
    strategies: { continuation: () => continuationPaging() },
    headerCursor: ['continuation'],
  });
  return { ...bound, raw: api.raw, api, isError: api.isError };
}
