// Tests against MSW handlers (msw 3, `msw/node`). The client is created before `server.listen()` on purpose: it
// reads `globalThis.fetch` at call time, so MSW's interception still applies.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  bearerAuth,
  continuationPaging,
  createApiClient,
  NotFoundError,
  paginate,
  RateLimitError,
  requestIdHeader,
} from '../src/index.js';
import { parseCrestError, parseKontentError } from './helpers.js';
import type { CrestError, KontentError, kontentPaths, paths } from './paths.js';

const IDM = 'http://idm.msw.test';
const KONTENT = 'http://kontent.msw.test/v2';

const idm = createApiClient<paths, CrestError>({
  baseUrl: IDM,
  parseError: parseCrestError,
  sleep: async () => {},
  middleware: [requestIdHeader()],
});

const seen: Request[] = [];
const server = setupServer(
  http.get(`${IDM}/openidm/workflow/taskinstance/:id`, ({ request, params }) => {
    seen.push(request);
    if (params.id === 'missing') {
      return HttpResponse.json({ code: 404, reason: 'Not Found', message: 'Not Found' }, { status: 404 });
    }
    return HttpResponse.json({ _id: params.id, name: 'Approve', assignee: 'bjensen' });
  }),
);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

const getTask = (id: string) =>
  idm.call(idm.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id } } }));

describe('against MSW', () => {
  it('a client created before listen() is intercepted', async () => {
    await expect(getTask('t1')).resolves.toEqual({ _id: 't1', name: 'Approve', assignee: 'bjensen' });
    expect(seen[0]!.headers.get('x-request-id')).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('throws NotFoundError with the CREST body', async () => {
    const err = await getTask('missing').catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(idm.isError(err)).toBe(true);
    if (idm.isError(err)) expect(err.body).toEqual({ code: 404, reason: 'Not Found', message: 'Not Found' });
  });

  it('retries a 429 with Retry-After, then succeeds', async () => {
    let n = 0;
    server.use(
      http.get(`${IDM}/openidm/workflow/taskinstance/:id`, () =>
        ++n === 1
          ? HttpResponse.json(
              { code: 429, reason: 'Too Many Requests', message: 'slow down' },
              {
                status: 429,
                headers: { 'Retry-After': '0' },
              },
            )
          : HttpResponse.json({ _id: 'r', name: 'Retried' }),
      ),
    );
    await expect(getTask('r')).resolves.toMatchObject({ name: 'Retried' });
    expect(n).toBe(2);
  });

  it('a 429 on every attempt ends in RateLimitError', async () => {
    server.use(
      http.get(`${IDM}/openidm/workflow/taskinstance/:id`, () =>
        HttpResponse.json(
          { code: 429, reason: 'Too Many Requests', message: 'x' },
          { status: 429, headers: { 'Retry-After': '1' } },
        ),
      ),
    );
    const err = await getTask('x').catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(1000);
  });

  it('Kontent: Bearer key, typed 400 error, and x-continuation paging', async () => {
    const kontent = createApiClient<kontentPaths, KontentError>({
      baseUrl: KONTENT,
      parseError: parseKontentError,
      middleware: [bearerAuth('mapi-key')],
    });
    server.use(
      http.get(`${KONTENT}/workflows`, ({ request }) => {
        if (request.headers.get('authorization') !== 'Bearer mapi-key') return new HttpResponse(null, { status: 401 });
        const token = request.headers.get('x-continuation');
        const page = token === null ? 0 : Number(token);
        return HttpResponse.json({
          workflows: [{ codename: `w${page}` }],
          pagination: { continuation_token: page < 2 ? String(page + 1) : null, next_page: null },
        });
      }),
      http.post(`${KONTENT}/workflows`, () =>
        HttpResponse.json(
          {
            request_id: 'req-1',
            error_code: 5,
            message: 'The provided request body is invalid.',
            validation_errors: [{ message: 'codename is required', path: 'codename' }],
          },
          { status: 400 },
        ),
      ),
    );
    const list = paginate({
      ...continuationPaging(),
      fetchPage: (headers) => kontent.call(kontent.raw.GET('/workflows', { headers })),
      getItems: (page) => page.workflows,
    });
    const codenames: string[] = [];
    for await (const w of list) codenames.push(w.codename);
    expect(codenames).toEqual(['w0', 'w1', 'w2']);

    const err = await kontent.call(kontent.raw.POST('/workflows', { body: { codename: '' } })).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    if (!kontent.isError(err)) throw new Error('expected a Kontent error');
    expect(err.body?.error_code).toBe(5);
    expect(err.requestId).toBe('req-1');
    expect(err.method).toBe('POST');
    expect(err.validationErrors?.[0]?.path).toBe('codename');
  });
});
