/**
 * `createApiClient`: an openapi-fetch client over the retrying fetch, with auth middleware, plus `call()`, which
 * turns openapi-fetch's `{ data, error, response }` into data or a typed error.
 */
import openapiFetch, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import { ApiPromise, type WithResponse } from './api-promise.js';
import {
  type AnyApiError,
  ApiError,
  type ErrorBodyParser,
  errorFromResponse,
  requestIdOf,
  UserAbortError,
  WfkitError,
} from './errors.js';
import { type LoggingOptions, levelLogger } from './logger.js';
import { createRetryingFetch, type FetchLike, type RetryInfo, type RetryingFetch, type RetryOptions } from './retry.js';

export interface ApiClientOptions<TErrorBody = unknown>
  extends Omit<ClientOptions, 'fetch' | 'baseUrl' | 'Request' | 'requestInitExt'>,
    LoggingOptions {
  baseUrl: string;
  /** The fetch beneath the retries. Default: `globalThis.fetch`, read at call time (so MSW set up later intercepts). */
  fetch?: FetchLike | undefined;
  /** Auth and other middleware, run once per call (not per retry), in order. Falsy entries are skipped. */
  middleware?: ReadonlyArray<Middleware | false | null | undefined> | undefined;
  /** Maps the API's error body to typed fields; its type parameter becomes `ApiError#body`. */
  parseError?: ErrorBodyParser<TErrorBody> | undefined;
  /** Retries after the first attempt (default 2; idempotent methods only unless `retry.nonIdempotent`). */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms until the response headers arrive (default 60 000; 0 disables). */
  timeout?: number | undefined;
  /** Backoff and retry policy details. */
  retry?: RetryOptions | undefined;
  /** Header that marks a request as safe to retry, set by the `idempotencyKey` call option. Default `Idempotency-Key`. */
  idempotencyHeader?: string | undefined;
  /** Called before each retry's backoff (logging, metrics). */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Test hooks: backoff sleep and jitter source. */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
}

/** Any openapi-fetch result. */
export type FetchResult = { data?: unknown; error?: unknown; response: Response };

/** The success data of an openapi-fetch result type. */
export type DataOf<R> = R extends { data: infer D; error?: never } ? D : never;

export interface ApiClient<Paths extends {}, TErrorBody = unknown> {
  /** The typed openapi-fetch client: `raw.GET('/path/{id}', { params: { path: { id } } })`. */
  readonly raw: Client<Paths>;
  /**
   * Awaits an openapi-fetch call and returns its `data`, or throws an {@link ApiError} subclass (per status, with the
   * API's error body typed `TErrorBody`), a `ConnectionError`/`TimeoutError`, or a `UserAbortError`.
   * `.withResponse()` on the result gives `{ data, response, requestId }`.
   */
  call<R extends FetchResult>(pending: Promise<R>): ApiPromise<DataOf<R>>;
  /**
   * True for an error this client threw from an error response (optionally with this status). Narrows to the
   * union of subclasses with the API's body type: `switch (err.kind) { case 'not_found': ... }`.
   */
  isError(error: unknown, status?: number): error is AnyApiError<TErrorBody>;
  /** The retrying fetch beneath `raw` (for calls outside the spec). */
  readonly fetch: RetryingFetch;
}

const REQUEST = Symbol('wfkit.request');
type ResponseWithRequest = Response & { [REQUEST]?: Request };

/** A call's outcome; the request id is looked up in the headers only when asked for (most callers never do). */
class Settled<T> implements WithResponse<T> {
  readonly #request: Request | undefined;
  constructor(
    readonly data: T,
    readonly response: Response,
    request: Request | undefined,
  ) {
    this.#request = request;
  }

  get requestId(): string | undefined {
    return requestIdOf(this.response.headers) ?? (this.#request && requestIdOf(this.#request.headers));
  }
}

/** Builds an SDK's client. `Paths` is openapi-typescript's `paths`; `TErrorBody` the API's error body type. */
export function createApiClient<Paths extends {}, TErrorBody = unknown>(
  options: ApiClientOptions<TErrorBody>,
): ApiClient<Paths, TErrorBody> {
  const {
    fetch: userFetch,
    middleware,
    parseError,
    maxRetries,
    timeout,
    retry,
    idempotencyHeader,
    onRetry,
    sleep,
    random,
    logger,
    logLevel,
    debug,
    ...clientOptions
  } = options;
  const log = levelLogger({ logger, logLevel, debug });

  const fetch = createRetryingFetch({
    ...retry,
    ...(maxRetries === undefined ? {} : { maxRetries }),
    fetch: userFetch,
    timeout,
    idempotencyHeader,
    onRetry:
      log.info || onRetry
        ? (info) => {
            log.info?.(
              `wfkit: retry ${info.retry} of ${info.request.method} ${info.request.url} in ${Math.round(info.delayMs)} ms` +
                (info.response ? ` after ${info.response.status}` : info.error ? ` after ${String(info.error)}` : ''),
            );
            onRetry?.(info);
          }
        : undefined,
    sleep,
    random,
    onResponse: (response, request) => {
      // The response carries its request (method and URL for errors, the request id sent): a property is cheaper
      // per call than a WeakMap entry, and goes with the response.
      (response as ResponseWithRequest)[REQUEST] = request;
      log.debug?.(
        `wfkit: ${request.method} ${request.url} -> ${response.status}` +
          ` (request id ${requestIdOf(response.headers) ?? requestIdOf(request.headers) ?? 'none'})`,
      );
    },
  });

  // Our CJS build requires openapi-fetch's CJS build, whose default export then arrives as the module object.
  const createClient = (openapiFetch as unknown as { default?: typeof openapiFetch }).default ?? openapiFetch;
  const raw = createClient<Paths>({ ...clientOptions, fetch });
  if (middleware) {
    for (const m of middleware) if (m) raw.use(m);
  }

  const thrown = new WeakSet<object>();

  async function settle<R extends FetchResult>(pending: Promise<R>): Promise<WithResponse<DataOf<R>>> {
    let result: R;
    try {
      result = await pending;
    } catch (error) {
      log.debug?.(`wfkit: request failed: ${String(error)}`);
      // A user abort during the body read surfaces as a DOMException from the body stream.
      if (!(error instanceof WfkitError) && (error as { name?: unknown } | null)?.name === 'AbortError') {
        throw new UserAbortError(error);
      }
      throw error;
    }
    const { response } = result;
    const request = (response as ResponseWithRequest)[REQUEST];
    if (response.ok) return new Settled(result.data as DataOf<R>, response, request);
    const error = errorFromResponse(
      response,
      result.error,
      parseError,
      request ? { method: request.method, url: request.url } : { method: 'UNKNOWN', url: response.url },
    );
    thrown.add(error);
    throw error;
  }

  return {
    raw,
    fetch,
    call<R extends FetchResult>(pending: Promise<R>): ApiPromise<DataOf<R>> {
      return new ApiPromise(settle(pending));
    },
    isError(error: unknown, status?: number): error is AnyApiError<TErrorBody> {
      return error instanceof ApiError && thrown.has(error) && (status === undefined || error.status === status);
    },
  };
}
