/**
 * `@wfkit/flow`: a typed client for the FrankieOne FLOW workflow API (`/v2/workflowDefinitions`, `/v2/executions`).
 *
 * `createFlowClient({ apiKey, customerId })` gives `raw` (the typed openapi-fetch client) and one method per operation
 * (`definitions.put(id, def, { isDraft })`, `definitions.execute(id, { input })`, `executions.list()`...).
 */
import {
  type ApiClient,
  type ApiClientOptions,
  type ApiError,
  bindResources,
  createApiClient,
  type ErrorBodyParser,
  headerAuth,
  pageNumberPaging,
  requestIdHeader,
  ulid,
} from '@wfkit/client';
import type { Client } from 'openapi-fetch';
import { type FlowResources, resources } from './generated/resources.js';
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
export type { FlowResources } from './generated/resources.js';
export type { components, operations, paths } from './schema.js';

/** FrankieOne's error object: `{ errorCode, errorMsg, details, requestId }`. */
export type FlowErrorBody = components['schemas']['FrankieError'];
/** An error response of this API; `errorCode`, `requestId`, `details` (and `validationErrors`) come from the body. */
export type FlowApiError = ApiError<FlowErrorBody>;

/** Reads FrankieOne's error object. */
export const parseFlowError: ErrorBodyParser<FlowErrorBody> = (body) => {
  if (!body || typeof body !== 'object' || !('errorCode' in body)) return undefined;
  const b = body as FlowErrorBody;
  return {
    body: b,
    errorCode: b.errorCode,
    message: b.errorMsg,
    details: b.details,
    requestId: b.requestId,
    validationErrors: b.details?.map((d) => ({ ...d, message: d.issue, path: d.issueLocation })),
  };
};

export interface FlowClientOptions extends Omit<ApiClientOptions<FlowErrorBody>, 'baseUrl' | 'parseError'> {
  /** Default `https://api.uat.frankie.one`. */
  baseUrl?: string;
  /** Sent as `api_key`. */
  apiKey: string;
  /** Sent as `X-Frankie-CustomerID`. */
  customerId: string;
  /** Sent as `X-Frankie-CustomerChildID`. */
  customerChildId?: string | undefined;
  /** Sent as `X-Frankie-Channel` (e.g. `api`, `portal`). */
  channel?: string | undefined;
  /** Sent as `X-Frankie-Username`. */
  username?: string | undefined;
  /** Makes each request's `X-Frankie-RequestID` (unless the call sets one). Default: a fresh ULID. */
  requestId?: (() => string) | undefined;
}

export interface FlowClient extends FlowResources {
  /** The typed openapi-fetch client (the auth headers are added for you; the types still list them). */
  readonly raw: Client<paths>;
  /** True for an error this client threw from an error response (optionally with this status). */
  isError(error: unknown, status?: number): error is FlowApiError;
  /** The `@wfkit/client` client beneath. */
  readonly api: ApiClient<paths, FlowErrorBody>;
}

/** Creates a FLOW client. */
export function createFlowClient(options: FlowClientOptions): FlowClient {
  const {
    apiKey,
    customerId,
    customerChildId,
    channel,
    username,
    requestId = ulid,
    baseUrl = 'https://api.uat.frankie.one',
    middleware = [],
    ...rest
  } = options;
  const api = createApiClient<paths, FlowErrorBody>({
    ...rest,
    baseUrl,
    middleware: [
      headerAuth({
        api_key: apiKey,
        'X-Frankie-CustomerID': customerId,
        'X-Frankie-CustomerChildID': customerChildId,
        'X-Frankie-Channel': channel,
        'X-Frankie-Username': username,
      }),
      requestIdHeader('X-Frankie-RequestID', requestId),
      ...middleware,
    ],
    parseError: parseFlowError,
  });
  const bound = bindResources<FlowResources>(api, resources, {
    strategies: { page: (q) => pageNumberPaging({ limit: q.limit ?? 20, firstPage: q.page ?? 1 }) },
  });
  return { ...bound, raw: api.raw, api, isError: api.isError };
}
