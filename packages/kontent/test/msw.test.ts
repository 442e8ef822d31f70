import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  createKontentClient,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from '../src/index.js';

const ENV = '975bf280-fd91-488c-994c-2f04416e5ee3';
const ORIGIN = 'https://manage.kontent.test/v2';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = (extra: object = {}) =>
  createKontentClient({ apiKey: 'k', environmentId: ENV, baseUrl: ORIGIN, sleep: async () => {}, ...extra });

describe('kontent errors', () => {
  it('throws a BadRequestError with errorCode, requestId and validationErrors', async () => {
    server.use(
      http.post(`${ORIGIN}/projects/:env/workflows`, () =>
        HttpResponse.json(
          {
            request_id: 'req-1',
            error_code: 5,
            message: 'The provided request body is invalid.',
            validation_errors: [{ message: 'Name is required.', path: 'name' }],
          },
          { status: 400 },
        ),
      ),
    );
    const kontent = client();
    const error = await kontent.workflows.add({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(kontent.isError(error)).toBe(true);
    if (!kontent.isError(error)) return;
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe(5);
    expect(error.requestId).toBe('req-1');
    expect(error.validationErrors).toEqual([{ message: 'Name is required.', path: 'name' }]);
    expect(error.body?.error_code).toBe(5);
  });

  it('throws a NotFoundError for an unknown workflow', async () => {
    server.use(
      http.delete(`${ORIGIN}/projects/:env/workflows/codename/:codename`, () =>
        HttpResponse.json({ request_id: 'r', error_code: 119, message: 'Workflow not found.' }, { status: 404 }),
      ),
    );
    await expect(client().workflows.delete('codename/nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('retries a 429 after Retry-After and then succeeds', async () => {
    let n = 0;
    server.use(
      http.get(`${ORIGIN}/projects/:env/workflows`, () =>
        ++n === 1
          ? HttpResponse.json(
              { request_id: 'r', error_code: 0, message: 'slow down' },
              { status: 429, headers: { 'Retry-After': '1' } },
            )
          : HttpResponse.json([]),
      ),
    );
    const delays: number[] = [];
    expect(await client({ onRetry: (i: { delayMs: number }) => delays.push(i.delayMs) }).workflows.list()).toEqual([]);
    expect(delays).toEqual([1000]);
  });

  it('gives up with a RateLimitError when retries are off', async () => {
    server.use(
      http.get(`${ORIGIN}/projects/:env/workflows`, () =>
        HttpResponse.json(
          { request_id: 'r', error_code: 0, message: 'slow' },
          { status: 429, headers: { 'Retry-After': '2' } },
        ),
      ),
    );
    const error = await client()
      .workflows.list({ retry: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(2000);
  });

  it('does not retry a non-idempotent POST on 500 unless given an idempotency key', async () => {
    let n = 0;
    server.use(
      http.post(`${ORIGIN}/projects/:env/languages`, () => {
        n++;
        return HttpResponse.json({ request_id: 'r', error_code: 0, message: 'boom' }, { status: 500 });
      }),
    );
    await expect(client().languages.add({ name: 'x', codename: 'x' } as never)).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(n).toBe(1);
    await expect(
      client().languages.add({ name: 'x', codename: 'x' } as never, { idempotencyKey: 'abc' }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(n).toBe(4);
  });
});

describe('kontent pagination', () => {
  it('follows x-continuation until the token is null', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(`${ORIGIN}/projects/:env/items`, ({ request }) => {
        const token = request.headers.get('x-continuation');
        seen.push(token);
        const page = token === null ? 0 : Number(token);
        return HttpResponse.json({
          items: [{ id: `i${page * 2}` }, { id: `i${page * 2 + 1}` }],
          pagination: { continuation_token: page < 2 ? String(page + 1) : null, next_page: null },
        });
      }),
    );
    const ids: string[] = [];
    for await (const item of client().items.list()) ids.push(item.id);
    expect(ids).toEqual(['i0', 'i1', 'i2', 'i3', 'i4', 'i5']);
    expect(seen).toEqual([null, '1', '2']);
  });

  it('stops fetching once toArray has enough', async () => {
    let pages = 0;
    server.use(
      http.get(`${ORIGIN}/projects/:env/languages`, () => {
        pages++;
        return HttpResponse.json({
          languages: [{ id: 'a' }, { id: 'b' }],
          pagination: { continuation_token: 'more', next_page: null },
        });
      }),
    );
    expect(await client().languages.list().toArray({ limit: 2 })).toHaveLength(2);
    expect(pages).toBe(1);
  });
});
