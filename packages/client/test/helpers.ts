import type { ErrorBodyParser } from '../src/index.js';
import type { CrestError, FlowError, KontentError } from './paths.js';

export type Handler = (request: Request, call: number) => Response | Promise<Response>;

/** An injected fetch (openapi-ts style): records every request it sees (cloned, body readable) and answers. */
export function mockFetch(handler: Handler) {
  const requests: Request[] = [];
  const fetch = async (input: Request, init?: RequestInit): Promise<Response> => {
    const request = init ? new Request(input, init) : input;
    requests.push(request.clone());
    return handler(request, requests.length);
  };
  return { fetch, requests };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
}

/** Records backoff delays instead of waiting. */
export function fakeSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number, signal: AbortSignal) => {
    delays.push(ms);
    signal.throwIfAborted();
  };
  return { sleep, delays };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export const parseCrestError: ErrorBodyParser<CrestError> = (body) =>
  isObject(body) && typeof body.code === 'number' && typeof body.reason === 'string'
    ? {
        body: body as unknown as CrestError,
        errorCode: body.code,
        message: String(body.message ?? body.reason),
        details: body.detail,
      }
    : undefined;

export const parseKontentError: ErrorBodyParser<KontentError> = (body) => {
  if (!isObject(body) || typeof body.error_code !== 'number') return undefined;
  const b = body as unknown as KontentError;
  return {
    body: b,
    errorCode: b.error_code,
    message: b.message,
    requestId: b.request_id,
    validationErrors: b.validation_errors?.map((v) => ({ ...v, message: v.message })),
  };
};

export const parseFlowError: ErrorBodyParser<FlowError> = (body) => {
  if (!isObject(body) || typeof body.errorCode !== 'string') return undefined;
  const b = body as unknown as FlowError;
  return {
    body: b,
    errorCode: b.errorCode,
    message: b.errorMsg,
    details: b.details,
    requestId: b.requestId,
    validationErrors: b.details?.map((d) => ({ message: d.issue, path: d.issueLocation })),
  };
};
