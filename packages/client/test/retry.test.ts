import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  ConnectionError,
  createApiClient,
  createRetryingFetch,
  InternalServerError,
  RateLimitError,
  TimeoutError,
  UserAbortError,
} from '../src/index.js';
import { fakeSleep, json, mockFetch } from './helpers.js';
import type { paths } from './paths.js';

const task = { _id: '1', name: 'Approve' };
const getTask = (api: ReturnType<typeof createApiClient<paths>>, init: Record<string, unknown> = {}) =>
  api.call(api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } }, ...init }));
const claim = (api: ReturnType<typeof createApiClient<paths>>, init: Record<string, unknown> = {}) =>
  api.call(
    api.raw.POST('/openidm/workflow/taskinstance/{id}', {
      params: { path: { id: '1' }, query: { _action: 'claim' } },
      body: { userId: 'bjensen' },
      ...init,
    }),
  );

function setup(handler: Parameters<typeof mockFetch>[0], options: Record<string, unknown> = {}) {
  const mock = mockFetch(handler);
  const s = fakeSleep();
  const api = createApiClient<paths>({
    baseUrl: 'http://idm.test',
    fetch: mock.fetch,
    sleep: s.sleep,
    random: () => 0,
    ...options,
  });
  return { api, requests: mock.requests, delays: s.delays };
}

describe('retries', () => {
  it('retries a GET on 503 then succeeds, with exponential backoff', async () => {
    const { api, requests, delays } = setup((_r, n) => (n < 3 ? json({}, { status: 503 }) : json(task)));
    await expect(getTask(api)).resolves.toEqual(task);
    expect(requests).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
  });

  it.each([408, 429, 500, 502, 504])('retries on %i', async (status) => {
    const { api, requests } = setup((_r, n) => (n === 1 ? json({}, { status }) : json(task)));
    await expect(getTask(api)).resolves.toEqual(task);
    expect(requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 412])('does not retry %i', async (status) => {
    const { api, requests } = setup(() => json({}, { status }));
    await expect(getTask(api)).rejects.toMatchObject({ status });
    expect(requests).toHaveLength(1);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { api, requests, delays } = setup(() => json({ code: 500 }, { status: 500 }), { maxRetries: 3 });
    await expect(getTask(api)).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(4);
    expect(delays).toEqual([500, 1000, 2000]);
  });

  it('caps the backoff at 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('keeps jitter within [75 %, 100 %] of the base delay', () => {
    for (const r of [0, 0.1, 0.5, 0.999999]) {
      for (const n of [1, 2, 3, 4, 5, 6]) {
        const base = Math.min(500 * 2 ** (n - 1), 8000);
        const d = backoffDelay(n, () => r);
        expect(d).toBeGreaterThanOrEqual(base * 0.75);
        expect(d).toBeLessThanOrEqual(base);
      }
    }
    expect(backoffDelay(1, () => 0.5)).toBe(437.5);
  });

  it('uses the injected random for jitter', async () => {
    const { api, delays } = setup((_r, n) => (n < 3 ? json({}, { status: 503 }) : json(task)), {
      random: () => 0.999,
    });
    await getTask(api);
    expect(delays[0]).toBeCloseTo(375.125, 3);
    expect(delays[1]).toBeCloseTo(750.25, 3);
  });

  it('honours Retry-After in seconds', async () => {
    const { api, delays } = setup((_r, n) =>
      n === 1 ? json({}, { status: 429, headers: { 'retry-after': '3' } }) : json(task),
    );
    await getTask(api);
    expect(delays).toEqual([3000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const { api, delays } = setup((_r, n) =>
      n === 1
        ? json({}, { status: 503, headers: { 'retry-after': new Date(Date.now() + 10_000).toUTCString() } })
        : json(task),
    );
    await getTask(api);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(8000);
    expect(delays[0]).toBeLessThanOrEqual(10_000);
  });

  it('honours retry-after-ms', async () => {
    const { api, delays } = setup((_r, n) =>
      n === 1 ? json({}, { status: 429, headers: { 'retry-after-ms': '250' } }) : json(task),
    );
    await getTask(api);
    expect(delays).toEqual([250]);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs: throws RateLimitError', async () => {
    const { api, requests, delays } = setup(() => json({}, { status: 429, headers: { 'retry-after': '3600' } }));
    const err = await getTask(api).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('honours x-should-retry', async () => {
    const { api, requests } = setup(() => json({}, { status: 503, headers: { 'x-should-retry': 'false' } }));
    await expect(getTask(api)).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it('does not retry a POST', async () => {
    const { api, requests } = setup(() => json({}, { status: 503 }));
    await expect(claim(api)).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it('retries a POST when the call opts in, re-sending the body', async () => {
    const { api, requests } = setup((_r, n) => (n === 1 ? json({}, { status: 503 }) : json({ ok: true })));
    await expect(claim(api, { retry: { nonIdempotent: true } })).resolves.toEqual({ ok: true });
    expect(requests).toHaveLength(2);
    expect(await requests[0]!.json()).toEqual({ userId: 'bjensen' });
    expect(await requests[1]!.json()).toEqual({ userId: 'bjensen' });
  });

  it('retries a POST that carries an idempotency key, and sends the key', async () => {
    const { api, requests } = setup((_r, n) => (n === 1 ? json({}, { status: 500 }) : json({ ok: true })));
    await claim(api, { idempotencyKey: 'k-1' });
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => r.headers.get('idempotency-key'))).toEqual(['k-1', 'k-1']);
  });

  it('retry: false and maxRetries: 0 disable retries', async () => {
    const a = setup(() => json({}, { status: 503 }));
    await expect(getTask(a.api, { retry: false })).rejects.toBeInstanceOf(InternalServerError);
    expect(a.requests).toHaveLength(1);
    const b = setup(() => json({}, { status: 503 }), { maxRetries: 0 });
    await expect(getTask(b.api)).rejects.toBeInstanceOf(InternalServerError);
    expect(b.requests).toHaveLength(1);
  });

  it('a per-call maxRetries overrides the client’s', async () => {
    const { api, requests } = setup(() => json({}, { status: 503 }));
    await expect(getTask(api, { retry: { maxRetries: 4 } })).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(5);
  });

  it('retries connection errors, then throws ConnectionError with the cause', async () => {
    const { api, requests } = setup(() => {
      throw new TypeError('fetch failed');
    });
    const err = await getTask(api).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(requests).toHaveLength(3);
  });

  it('calls onRetry before each backoff', async () => {
    const seen: number[] = [];
    const { api } = setup((_r, n) => (n < 3 ? json({}, { status: 502 }) : json(task)), {
      onRetry: (i: { retry: number; response?: Response }) => seen.push(i.response?.status ?? 0),
    });
    await getTask(api);
    expect(seen).toEqual([502, 502]);
  });
});

describe('abort and timeout', () => {
  it('an abort during the backoff stops waiting and throws UserAbortError', async () => {
    const controller = new AbortController();
    let waits = 0;
    const mock = mockFetch(() => json({}, { status: 503 }));
    const api = createApiClient<paths>({
      baseUrl: 'http://idm.test',
      fetch: mock.fetch,
      // A sleep that never ends unless aborted: the abort must release it.
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          waits++;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          queueMicrotask(() => controller.abort(new Error('user gave up')));
        }),
    });
    const err = await getTask(api, { signal: controller.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(UserAbortError);
    expect(waits).toBe(1);
    expect(mock.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const mock = mockFetch(() => json(task));
    const api = createApiClient<paths>({ baseUrl: 'http://idm.test', fetch: mock.fetch });
    const err = await getTask(api, { signal: AbortSignal.abort() }).catch((e) => e);
    expect(err).toBeInstanceOf(UserAbortError);
    expect(mock.requests).toHaveLength(0);
  });

  it('an abort while the request is in flight throws UserAbortError', async () => {
    const controller = new AbortController();
    const hanging = (_req: Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
        setTimeout(() => controller.abort(), 1);
      });
    const api = createApiClient<paths>({ baseUrl: 'http://idm.test', fetch: hanging });
    await expect(getTask(api, { signal: controller.signal })).rejects.toBeInstanceOf(UserAbortError);
  });

  it('a slow attempt times out with TimeoutError, after retries', async () => {
    let attempts = 0;
    const hanging = (_req: Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        attempts++;
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
      });
    const s = fakeSleep();
    const api = createApiClient<paths>({ baseUrl: 'http://idm.test', fetch: hanging, timeout: 5, sleep: s.sleep });
    const err = await getTask(api).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.timeoutMs).toBe(5);
    expect(attempts).toBe(3);
  });

  it('a per-call timeout overrides the client’s', async () => {
    const hanging = (_req: Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
      });
    const api = createApiClient<paths>({ baseUrl: 'http://idm.test', fetch: hanging, maxRetries: 0 });
    const err = await getTask(api, { timeout: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.timeoutMs).toBe(3);
  });
});

describe('real network', () => {
  it('connection refused → ConnectionError', async () => {
    // Take a free port, then close it so nothing listens there.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const api = createApiClient<paths>({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const err = await getTask(api).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('a server that never answers → TimeoutError', async () => {
    const server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const api = createApiClient<paths>({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0, timeout: 50 });
      await expect(getTask(api)).rejects.toBeInstanceOf(TimeoutError);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('abort during the body read', () => {
  it('a user abort after the headers stops the body read with UserAbortError', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"_id":');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const controller = new AbortController();
      const api = createApiClient<paths>({
        baseUrl: `http://127.0.0.1:${port}`,
        middleware: [{ onResponse: () => void setTimeout(() => controller.abort(), 5) }],
      });
      await expect(getTask(api, { signal: controller.signal })).rejects.toBeInstanceOf(UserAbortError);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('client options', () => {
  it('sends default headers and honours a per-call header', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    const api = createApiClient<paths>({
      baseUrl: 'http://idm.test/',
      fetch,
      headers: { 'Accept-API-Version': 'resource=1.0', 'X-Extra': 'a' },
    });
    await getTask(api, { headers: { 'X-Extra': 'b' } });
    expect(requests[0]!.url).toBe('http://idm.test/openidm/workflow/taskinstance/1');
    expect(requests[0]!.headers.get('accept-api-version')).toBe('resource=1.0');
    expect(requests[0]!.headers.get('x-extra')).toBe('b');
  });
});

describe('createRetryingFetch on its own', () => {
  it('takes a URL and controls in init', async () => {
    const mock = mockFetch((_r, n) => (n === 1 ? new Response('', { status: 503 }) : new Response('ok')));
    const s = fakeSleep();
    const f = createRetryingFetch({ fetch: mock.fetch, sleep: s.sleep, random: () => 0 });
    const res = await f('http://x.test/a', { method: 'PUT', body: 'hello', retry: { initialDelayMs: 10 } });
    expect(await res.text()).toBe('ok');
    expect(s.delays).toEqual([10]);
    expect(await mock.requests[1]!.text()).toBe('hello');
  });
});
