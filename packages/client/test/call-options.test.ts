import { describe, expect, it } from 'vitest';
import { bindResources, createApiClient, type Spec, UnprocessableEntityError, UserAbortError } from '../src/index.js';
import { json, mockFetch, parseCrestError } from './helpers.js';

const table: Record<string, Record<string, Spec>> = {
  tasks: {
    get: ['GET', '/openidm/workflow/taskinstance/{id}', { q: 1 }],
    put: ['PUT', '/flow/{id}', { b: 1, q: 1, bx: ['isDraft'] }],
  },
};
type Fn = (...args: unknown[]) => Promise<unknown> & { withResponse(): Promise<any> };

function setup(handler: Parameters<typeof mockFetch>[0], extra: object = {}) {
  const mock = mockFetch(handler);
  const api = createApiClient({ baseUrl: 'http://idm.test', fetch: mock.fetch, parseError: parseCrestError, ...extra });
  const r = bindResources<{ tasks: { get: Fn; put: Fn } }>(api, table);
  return { ...mock, api, r };
}

describe('per-call options', () => {
  it('an object of option keys in place of the params is the options: the signal aborts, nothing reaches the query', async () => {
    let release = () => {};
    const { r, requests } = setup(
      (req) =>
        new Promise((resolve, reject) => {
          release = () => resolve(json({ _id: '1' }));
          req.signal.addEventListener('abort', () => reject(req.signal.reason));
        }),
    );
    const controller = new AbortController();
    const pending = r.tasks.get('1', { signal: controller.signal, timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(UserAbortError);
    release();
    expect(new URL(requests[0]!.url).search).toBe('');
  });

  it('options honour timeout and headers when given after the params', async () => {
    const { r, requests } = setup(() => json({ _id: '1' }));
    await r.tasks.get('1', { _fields: 'name' }, { headers: { 'X-Trace': 't1' } });
    expect(new URL(requests[0]!.url).search).toBe('?_fields=name');
    expect(requests[0]!.headers.get('x-trace')).toBe('t1');
  });

  it('refuses call options mixed into the query parameters instead of serialising them', () => {
    const { r, requests } = setup(() => json({}));
    const signal = new AbortController().signal;
    expect(() => r.tasks.get('1', { _fields: 'name', signal })).toThrow(/signal: call options go in the last argument/);
    expect(requests).toHaveLength(0);
  });

  it('body options (isDraft) travel in the options slot too', async () => {
    const { r, requests } = setup(() => json({}));
    await r.tasks.put('d1', { name: 'n' }, { isDraft: true });
    expect(await requests[0]!.json()).toEqual({ name: 'n', isDraft: true });
  });
});

describe('withResponse()', () => {
  it('gives the data, the response and the server request id', async () => {
    const { r } = setup(() => json({ _id: '1' }, { headers: { 'x-request-id': 'req-42' } }));
    const { data, response, requestId } = await r.tasks.get('1').withResponse();
    expect(data).toEqual({ _id: '1' });
    expect(response.status).toBe(200);
    expect(requestId).toBe('req-42');
  });

  it('falls back to the request id the client sent', async () => {
    const { r } = setup(() => json({}));
    const { requestId } = await r.tasks.get('1', { headers: { 'X-Request-ID': 'mine' } }).withResponse();
    expect(requestId).toBe('mine');
  });

  it('rejects with the typed error, and awaiting the call still gives the data alone', async () => {
    const { r } = setup((_req, n) =>
      n === 1 ? json({ code: 422, reason: 'Unprocessable Entity', message: 'bad' }, { status: 422 }) : json({ ok: 1 }),
    );
    const failed = r.tasks.get('1').withResponse();
    await expect(failed).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(failed).rejects.toMatchObject({ status: 422, kind: 'unprocessable_entity', errorCode: 422 });
    await expect(r.tasks.get('1')).resolves.toEqual({ ok: 1 });
  });
});

describe('logger', () => {
  function capture() {
    const lines: string[] = [];
    const push = (level: string) => (m: string) => lines.push(`${level} ${m}`);
    return { lines, logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') } };
  }

  it('debug: true logs one line per response with status and request id', async () => {
    const { lines, logger } = capture();
    const { r } = setup(() => json({}, { headers: { 'x-request-id': 'abc' } }), { logger, debug: true });
    await r.tasks.get('7');
    expect(lines).toEqual(['debug wfkit: GET http://idm.test/openidm/workflow/taskinstance/7 -> 200 (request id abc)']);
  });

  it('logs retries at info, and nothing below the default level (warn)', async () => {
    const quiet = capture();
    const { r } = setup((_q, n) => (n === 1 ? json({}, { status: 503 }) : json({})), {
      logger: quiet.logger,
      sleep: async () => {},
    });
    await r.tasks.get('7');
    expect(quiet.lines).toEqual([]);
    const info = capture();
    const s2 = setup((_q, n) => (n === 1 ? json({}, { status: 503 }) : json({})), {
      logger: info.logger,
      logLevel: 'info',
      sleep: async () => {},
      random: () => 0,
    });
    await s2.r.tasks.get('7');
    expect(info.lines).toEqual([
      'info wfkit: retry 1 of GET http://idm.test/openidm/workflow/taskinstance/7 in 500 ms after 503',
    ]);
  });
});
