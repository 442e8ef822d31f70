import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  bearerAuth,
  createApiClient,
  headerAuth,
  requestIdHeader,
  type TokenProvider,
  ulid,
} from '../src/index.js';
import { json, mockFetch } from './helpers.js';
import type { paths } from './paths.js';

type Api = ReturnType<typeof createApiClient<paths>>;
const getTask = (api: Api, headers?: Record<string, string>) =>
  api.call(api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } }, headers }));
const claim = (api: Api) =>
  api.call(
    api.raw.POST('/openidm/workflow/taskinstance/{id}', {
      params: { path: { id: '1' }, query: { _action: 'claim' } },
      body: { userId: 'bjensen' },
    }),
  );

describe('headerAuth', () => {
  it('sets IDM username/password headers', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    const api = createApiClient<paths>({
      baseUrl: 'http://idm.test',
      fetch,
      middleware: [headerAuth({ 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'secret' })],
    });
    await getTask(api);
    expect(requests[0]!.headers.get('x-openidm-username')).toBe('openidm-admin');
    expect(requests[0]!.headers.get('x-openidm-password')).toBe('secret');
  });

  it('sets FLOW headers, skipping undefined ones, and lets a call override', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    const api = createApiClient<paths>({
      baseUrl: 'http://flow.test',
      fetch,
      middleware: [
        headerAuth({
          api_key: 'key-1',
          'X-Frankie-CustomerID': 'cust-1',
          'X-Frankie-CustomerChildID': undefined,
          'X-Frankie-Channel': 'api',
        }),
      ],
    });
    await getTask(api);
    await getTask(api, { 'X-Frankie-Channel': 'portal' });
    const h = requests[0]!.headers;
    expect(h.get('api_key')).toBe('key-1');
    expect(h.get('x-frankie-customerid')).toBe('cust-1');
    expect(h.has('x-frankie-customerchildid')).toBe(false);
    expect(h.get('x-frankie-channel')).toBe('api');
    expect(requests[1]!.headers.get('x-frankie-channel')).toBe('portal');
  });

  it('computes headers per request from a function', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    let n = 0;
    const api = createApiClient<paths>({
      baseUrl: 'http://x.test',
      fetch,
      middleware: [headerAuth(async () => ({ 'X-Count': ++n }))],
    });
    await getTask(api);
    await getTask(api);
    expect(requests.map((r) => r.headers.get('x-count'))).toEqual(['1', '2']);
  });
});

describe('bearerAuth', () => {
  it('sends a static token', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    const api = createApiClient<paths>({ baseUrl: 'http://k.test', fetch, middleware: [bearerAuth('key-1')] });
    await getTask(api);
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer key-1');
  });

  it('calls the provider once and reuses its token', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    const provider = vi.fn<TokenProvider>(async () => 'tok-1');
    const api = createApiClient<paths>({ baseUrl: 'http://iga.test', fetch, middleware: [bearerAuth(provider)] });
    await Promise.all([getTask(api), getTask(api), getTask(api)]);
    await getTask(api);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(Array(4).fill('Bearer tok-1'));
  });

  it('does not cache a rejected provider call', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    let n = 0;
    const provider = vi.fn<TokenProvider>(async () => {
      n++;
      if (n === 1) throw new Error('idp down');
      return `tok-${n}`;
    });
    const api = createApiClient<paths>({ baseUrl: 'http://iga.test', fetch, middleware: [bearerAuth(provider)] });
    await expect(getTask(api)).rejects.toThrow('idp down');
    await getTask(api);
    await getTask(api);
    expect(provider).toHaveBeenCalledTimes(2);
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer tok-2', 'Bearer tok-2']);
  });

  it('after a 401, refreshes the token once and re-sends the request (body included)', async () => {
    const { fetch, requests } = mockFetch((req) =>
      req.headers.get('authorization') === 'Bearer fresh' ? json({ ok: true }) : json({}, { status: 401 }),
    );
    const calls: boolean[] = [];
    const provider: TokenProvider = ({ forceRefresh }) => {
      calls.push(forceRefresh);
      return forceRefresh ? 'fresh' : 'stale';
    };
    const api = createApiClient<paths>({ baseUrl: 'http://iga.test', fetch, middleware: [bearerAuth(provider)] });
    await expect(claim(api)).resolves.toEqual({ ok: true });
    expect(calls).toEqual([false, true]);
    expect(requests).toHaveLength(2);
    expect(await requests[1]!.json()).toEqual({ userId: 'bjensen' });
    // The refreshed token is cached for the next call.
    await claim(api);
    expect(calls).toEqual([false, true]);
    expect(requests[2]!.headers.get('authorization')).toBe('Bearer fresh');
  });

  it('a second 401 surfaces as AuthenticationError', async () => {
    const { fetch, requests } = mockFetch(() => json({ code: 401, reason: 'Unauthorized' }, { status: 401 }));
    const provider = vi.fn<TokenProvider>(() => 'tok');
    const api = createApiClient<paths>({ baseUrl: 'http://iga.test', fetch, middleware: [bearerAuth(provider)] });
    await expect(getTask(api)).rejects.toBeInstanceOf(AuthenticationError);
    expect(requests).toHaveLength(2);
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it('concurrent 401s trigger one refresh', async () => {
    let valid = 'tok-1';
    const { fetch } = mockFetch((req) =>
      req.headers.get('authorization') === `Bearer ${valid}` ? json({}) : json({}, { status: 401 }),
    );
    let n = 0;
    const provider = vi.fn<TokenProvider>(async () => `tok-${++n}`);
    const api = createApiClient<paths>({ baseUrl: 'http://iga.test', fetch, middleware: [bearerAuth(provider)] });
    await getTask(api);
    valid = 'tok-2';
    await Promise.all([getTask(api), getTask(api), getTask(api)]);
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it('refreshes a token past its expiresAt', async () => {
    const { fetch, requests } = mockFetch(() => json({}));
    let n = 0;
    const provider: TokenProvider = () => ({ token: `tok-${++n}`, expiresAt: n === 1 ? Date.now() - 1 : undefined });
    const api = createApiClient<paths>({ baseUrl: 'http://iga.test', fetch, middleware: [bearerAuth(provider)] });
    await getTask(api);
    await getTask(api);
    await getTask(api);
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer tok-1',
      'Bearer tok-2',
      'Bearer tok-2',
    ]);
  });

  it('cache: false calls the provider for every request', async () => {
    const { fetch } = mockFetch(() => json({}));
    const provider = vi.fn<TokenProvider>(() => 't');
    const api = createApiClient<paths>({
      baseUrl: 'http://iga.test',
      fetch,
      middleware: [bearerAuth(provider, { cache: false })],
    });
    await getTask(api);
    await getTask(api);
    expect(provider).toHaveBeenCalledTimes(2);
  });
});

describe('requestIdHeader', () => {
  it('sends a fresh ULID per request, keeps a given one, and reuses it across retries', async () => {
    const { fetch, requests } = mockFetch((_r, n) => (n === 3 ? json({}, { status: 503 }) : json({})));
    const api = createApiClient<paths>({
      baseUrl: 'http://flow.test',
      fetch,
      sleep: async () => {},
      middleware: [requestIdHeader('X-Frankie-RequestID')],
    });
    await getTask(api);
    await getTask(api);
    await getTask(api); // 503, then retried
    await getTask(api, { 'X-Frankie-RequestID': 'mine' });
    const ids = requests.map((r) => r.headers.get('x-frankie-requestid'));
    expect(ids).toHaveLength(5);
    for (const id of ids.slice(0, 4)) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(ids.slice(0, 3)).size).toBe(3);
    expect(ids[3]).toBe(ids[2]);
    expect(ids[4]).toBe('mine');
  });

  it('ulid encodes the time in its first 10 characters', () => {
    expect(ulid(0).slice(0, 10)).toBe('0000000000');
    expect(ulid(1469918176385).slice(0, 10)).toBe('01ARYZ6S41');
    const a = ulid(1000);
    const b = ulid(2000);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 100 }, () => ulid())).size).toBe(100);
  });
});
