import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  createApiClient,
  errorFromResponse,
  InternalServerError,
  isApiError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  parseRetryAfter,
  RateLimitError,
  UnexpectedStatusError,
  UnprocessableEntityError,
} from '../src/index.js';
import { json, mockFetch, parseCrestError, parseFlowError, parseKontentError } from './helpers.js';
import type { CrestError, paths } from './paths.js';

const crest = (code: number, reason: string, message = reason) => ({ code, reason, message });

describe('errorFromResponse', () => {
  it.each([
    [400, BadRequestError, 'bad_request'],
    [401, AuthenticationError, 'authentication'],
    [403, PermissionDeniedError, 'permission_denied'],
    [404, NotFoundError, 'not_found'],
    [409, ConflictError, 'conflict'],
    [412, PreconditionFailedError, 'precondition_failed'],
    [429, RateLimitError, 'rate_limit'],
    [500, InternalServerError, 'internal_server'],
    [503, InternalServerError, 'internal_server'],
    [405, UnexpectedStatusError, 'unexpected_status'],
    [422, UnprocessableEntityError, 'unprocessable_entity'],
    [302, UnexpectedStatusError, 'unexpected_status'],
  ])('maps %i to %o', (status, Cls, kind) => {
    const body = crest(status, 'Reason');
    const err = errorFromResponse(json(body, { status }), body, parseCrestError, { method: 'GET', url: 'http://x/y' });
    expect(err).toBeInstanceOf(Cls);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(status);
    expect(err.body).toEqual(body);
    expect(err.errorCode).toBe(status);
    expect(err.method).toBe('GET');
    expect(err.url).toBe('http://x/y');
    expect(err.name).toBe(Cls.name);
    expect(err.kind).toBe(kind);
  });

  it('maps a CREST error body', () => {
    const body = { code: 412, reason: 'Precondition Failed', message: 'Revision mismatch', detail: { rev: '2' } };
    const err = errorFromResponse(json(body, { status: 412 }), body, parseCrestError, { method: 'PUT', url: 'u' });
    expect(err.body?.reason).toBe('Precondition Failed');
    expect(err.message).toBe('412 [412] Revision mismatch (PUT u)');
    expect(err.details).toEqual({ rev: '2' });
  });

  it('maps a Kontent error body to errorCode, requestId and validationErrors', () => {
    const body = {
      request_id: '80e7a7d5-2a80-4a73-b7d0-4b2a6a6d1c7b',
      error_code: 5,
      message: 'The provided request body is invalid.',
      validation_errors: [{ message: 'Invalid date', path: 'scheduled_to' }],
    };
    const err = errorFromResponse(json(body, { status: 400 }), body, parseKontentError);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.errorCode).toBe(5);
    expect(err.requestId).toBe(body.request_id);
    expect(err.validationErrors).toEqual([{ message: 'Invalid date', path: 'scheduled_to' }]);
    expect(err.body?.error_code).toBe(5);
  });

  it('maps a FLOW error body', () => {
    const body = {
      errorCode: 'VAL-0400',
      errorMsg: 'Validation failed',
      details: [{ issue: 'missing name', issueLocation: 'body.name' }],
      requestId: '01J0000000000000000000000A',
    };
    const err = errorFromResponse(json(body, { status: 400 }), body, parseFlowError);
    expect(err.errorCode).toBe('VAL-0400');
    expect(err.message).toContain('Validation failed');
    expect(err.requestId).toBe('01J0000000000000000000000A');
    expect(err.validationErrors).toEqual([{ message: 'missing name', path: 'body.name' }]);
    expect(err.body?.details?.[0]?.issue).toBe('missing name');
  });

  it('keeps a body the parser does not recognise in rawBody, with body undefined', () => {
    const html = '<html>Bad gateway</html>';
    const res = new Response(html, { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': 'r-1' } });
    const err = errorFromResponse(res, html, parseCrestError);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.body).toBeUndefined();
    expect(err.rawBody).toBe(html);
    expect(err.message).toContain('Bad Gateway');
    expect(err.requestId).toBe('r-1');
  });

  it('survives a parser that throws', () => {
    const err = errorFromResponse(json({}, { status: 500 }), {}, () => {
      throw new Error('boom');
    });
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.body).toBeUndefined();
  });

  it('gives RateLimitError the Retry-After delay', () => {
    const res = json({}, { status: 429, headers: { 'retry-after': '3' } });
    const err = errorFromResponse(res, {}, undefined);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(3000);
  });

  it('isApiError guards and checks status', () => {
    const err = errorFromResponse(json({}, { status: 404 }), {}, undefined);
    expect(isApiError(err)).toBe(true);
    expect(isApiError(err, 404)).toBe(true);
    expect(isApiError(err, 400)).toBe(false);
    expect(isApiError(new Error('x'))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(h({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(h({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(h({}))).toBeUndefined();
  });
});

describe('client.call errors', () => {
  it('throws the typed error with method, url and CREST body', async () => {
    const { fetch } = mockFetch(() => json(crest(404, 'Not Found'), { status: 404 }));
    const api = createApiClient<paths, CrestError>({ baseUrl: 'http://idm.test', fetch, parseError: parseCrestError });
    const err = await api
      .call(api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: 'nope' } } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(api.isError(err)).toBe(true);
    expect(api.isError(err, 404)).toBe(true);
    if (!api.isError(err)) throw new Error('unreachable');
    expect(err.body?.reason).toBe('Not Found');
    expect(err.method).toBe('GET');
    expect(err.url).toBe('http://idm.test/openidm/workflow/taskinstance/nope');
  });

  it('isError is false for another client’s errors', async () => {
    const { fetch } = mockFetch(() => json(crest(500, 'Internal Server Error'), { status: 500 }));
    const a = createApiClient<paths, CrestError>({ baseUrl: 'http://a', fetch, maxRetries: 0 });
    const b = createApiClient<paths, CrestError>({ baseUrl: 'http://b', fetch, maxRetries: 0 });
    const err = await a
      .call(a.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } } }))
      .catch((e) => e);
    expect(a.isError(err)).toBe(true);
    expect(b.isError(err)).toBe(false);
  });

  it('returns data on 2xx and undefined on 204', async () => {
    const { fetch } = mockFetch((req) =>
      req.method === 'DELETE' ? new Response(null, { status: 204 }) : json({ _id: '1', name: 'T' }),
    );
    const api = createApiClient<paths>({ baseUrl: 'http://idm.test', fetch });
    const task = await api.call(api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } } }));
    expect(task).toEqual({ _id: '1', name: 'T' });
    const gone = await api.call(
      api.raw.DELETE('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } } }),
    );
    expect(gone).toBeUndefined();
  });
});
