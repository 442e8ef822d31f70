/**
 * A `fetch` with retries, per-attempt timeouts and abort handling. It sits beneath openapi-fetch (passed as its
 * `fetch`), so middleware runs once per call and every attempt goes through here.
 */
import { ConnectionError, parseRetryAfter, TimeoutError, UserAbortError, WfkitError } from './errors.js';

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Also retry non-idempotent methods (POST, PATCH). Default false. */
  nonIdempotent?: boolean;
  /** First backoff delay, doubled per retry. Default 500 ms. */
  initialDelayMs?: number;
  /** Backoff ceiling. Default 8000 ms. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the response is returned as is. Default 60 000 ms. */
  maxRetryAfterMs?: number;
}

/**
 * Per-call controls. Pass them in the init of an openapi-fetch call (`client.raw.GET(path, { params, timeout })`:
 * openapi-fetch copies unknown init keys onto the Request, where this fetch reads them) or in the init of a direct
 * call to the retrying fetch.
 */
export interface RequestControls {
  /** `false` disables retries for this call; an object overrides the client's retry options. */
  retry?: false | RetryOptions | undefined;
  /** Per-attempt timeout in ms until the response headers arrive; 0 disables. Overrides the client's. */
  timeout?: number | undefined;
  /** Sets the idempotency header (default `Idempotency-Key`) and so allows retrying POST/PATCH. */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | null | undefined;
}

export interface RetryInfo {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  request: Request;
  response?: Response | undefined;
  error?: unknown;
}

export interface RetryingFetchOptions extends RetryOptions {
  /** The fetch beneath. When absent, `globalThis.fetch` is read at call time (so MSW installed later intercepts). */
  fetch?: FetchLike | undefined;
  /** Per-attempt timeout in ms until the response headers arrive. Default 60 000; 0 disables. */
  timeout?: number | undefined;
  /** Header whose presence marks a request as safe to retry. Default `Idempotency-Key`. */
  idempotencyHeader?: string | undefined;
  /** Injected for tests: waits `ms`, rejecting with the signal's reason if it aborts. */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** Injected for tests: a number in [0, 1). */
  random?: (() => number) | undefined;
  /** Called before each backoff sleep. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Called with the response this fetch returns (after retries) and the request it answers. */
  onResponse?: ((response: Response, request: Request) => void) | undefined;
}

export type RetryingFetch = (input: Request | string | URL, init?: RequestInit & RequestControls) => Promise<Response>;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/** 408, 429 and 5xx, unless the server says otherwise with `x-should-retry`. */
export function isRetryableResponse(response: Response): boolean {
  const hint = response.headers.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  const s = response.status;
  return s === 408 || s === 429 || s >= 500;
}

/**
 * Delay before retry number `retry` (1-based): `initialDelayMs * 2^(retry-1)` capped at `maxDelayMs`, minus up to
 * 25 % jitter, so in `[0.75 * base, base]`.
 */
export function backoffDelay(retry: number, random: () => number, initialDelayMs = 500, maxDelayMs = 8000): number {
  const base = Math.min(initialDelayMs * 2 ** (retry - 1), maxDelayMs);
  return base * (1 - random() * 0.25);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Builds the retrying fetch. See {@link RetryingFetchOptions} for the defaults. */
export function createRetryingFetch(options: RetryingFetchOptions = {}): RetryingFetch {
  const {
    fetch: baseFetch,
    timeout: defaultTimeout = 60_000,
    idempotencyHeader = 'Idempotency-Key',
    sleep = abortableSleep,
    random = Math.random,
    onRetry,
    onResponse,
  } = options;

  return async function retryingFetch(input, init) {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    // Controls come from the direct init, else from properties openapi-fetch copied onto the Request.
    const controls = (init ?? request) as RequestControls;
    const retryOpt = controls.retry;
    const retry: RetryOptions = retryOpt ? { ...options, ...retryOpt } : options;
    const timeout = controls.timeout ?? defaultTimeout;
    if (controls.idempotencyKey && !request.headers.has(idempotencyHeader)) {
      request.headers.set(idempotencyHeader, controls.idempotencyKey);
    }
    const maxRetries = retryOpt === false ? 0 : (retry.maxRetries ?? 2);
    const method = request.method;
    const canRetry =
      maxRetries > 0 &&
      (IDEMPOTENT.has(method) || retry.nonIdempotent === true || request.headers.has(idempotencyHeader));
    // A Request always has a signal (a never-aborting one when the caller gave none).
    const userSignal = request.signal;
    const doFetch = baseFetch ?? (globalThis.fetch as FetchLike);

    for (let attempt = 0; ; attempt++) {
      const mayRetry = canRetry && attempt < maxRetries;
      if (userSignal.aborted) throw new UserAbortError(userSignal.reason);
      // A body can be sent once: attempts that may be followed by another send a clone.
      const attemptRequest = mayRetry && request.body !== null ? request.clone() : request;
      let response: Response;
      let failure: unknown;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let timedOut = false;
      try {
        if (timeout > 0 && Number.isFinite(timeout)) {
          const ctrl = new AbortController();
          // Stays attached so a user abort also stops the body read that follows; dies with the request.
          userSignal.addEventListener('abort', () => ctrl.abort(userSignal.reason), { once: true });
          timer = setTimeout(() => {
            timedOut = true;
            ctrl.abort(new TimeoutError(method, request.url, timeout));
          }, timeout);
          response = await doFetch(attemptRequest, { signal: ctrl.signal });
        } else {
          response = await doFetch(attemptRequest);
        }
      } catch (error) {
        if (userSignal.aborted) throw new UserAbortError(userSignal.reason);
        if (timedOut) failure = new TimeoutError(method, request.url, timeout);
        else if (error instanceof WfkitError) throw error;
        else failure = new ConnectionError(method, request.url, error);
        if (!mayRetry) throw failure;
        response = undefined as never;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }

      let delayMs: number;
      if (failure === undefined) {
        if (!mayRetry || !isRetryableResponse(response)) {
          onResponse?.(response, request);
          return response;
        }
        const retryAfter = parseRetryAfter(response.headers);
        if (retryAfter !== undefined && retryAfter > (retry.maxRetryAfterMs ?? 60_000)) {
          onResponse?.(response, request);
          return response;
        }
        delayMs = retryAfter ?? backoffDelay(attempt + 1, random, retry.initialDelayMs, retry.maxDelayMs);
        // Free the connection of the response we discard.
        response.body?.cancel().catch(() => {});
      } else {
        delayMs = backoffDelay(attempt + 1, random, retry.initialDelayMs, retry.maxDelayMs);
      }
      onRetry?.({
        retry: attempt + 1,
        delayMs,
        request,
        response: failure === undefined ? response : undefined,
        error: failure,
      });
      try {
        await sleep(delayMs, userSignal);
      } catch (reason) {
        throw new UserAbortError(reason);
      }
    }
  };
}
