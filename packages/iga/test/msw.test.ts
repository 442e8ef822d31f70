import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, createIgaClient, NotFoundError } from '../src/index.js';

const ORIGIN = 'https://tenant.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('iga errors', () => {
  it('throws a BadRequestError with the validation problems', async () => {
    server.use(
      http.post(`${ORIGIN}/iga/governance/workflow`, () =>
        HttpResponse.json(
          {
            code: 400,
            reason: 'Bad Request',
            message: 'Invalid workflow',
            errors: [{ step: 'approvalTask', field: 'actors', message: 'no actors' }],
          },
          { status: 400 },
        ),
      ),
    );
    const iga = createIgaClient({ baseUrl: ORIGIN, token: 't' });
    const error = await iga.definitions.publish({ id: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    if (!iga.isError(error)) throw new Error('not an API error');
    expect(error.body?.message).toBe('Invalid workflow');
    expect(error.validationErrors?.[0]).toMatchObject({ path: 'approvalTask', field: 'actors' });
  });

  it('refreshes the token after a 401 and re-sends the request once', async () => {
    server.use(
      http.get(`${ORIGIN}/iga/governance/requests/:id`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer fresh'
          ? HttpResponse.json({ id: 'r1' })
          : HttpResponse.json({ message: 'expired' }, { status: 401 }),
      ),
    );
    const seen: boolean[] = [];
    const iga = createIgaClient({
      baseUrl: ORIGIN,
      token: ({ forceRefresh }) => {
        seen.push(forceRefresh);
        return forceRefresh ? 'fresh' : 'stale';
      },
    });
    expect(await iga.requests.get('r1')).toMatchObject({ id: 'r1' });
    expect(seen).toEqual([false, true]);
  });

  it('throws a NotFoundError with the message-only body', async () => {
    server.use(
      http.get(`${ORIGIN}/iga/governance/workflow/:id/published`, () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );
    await expect(createIgaClient({ baseUrl: ORIGIN, token: 't' }).definitions.getPublished('x')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('iga pagination', () => {
  it('follows searchAfterKey for definitions', async () => {
    const keys: (string | null)[] = [];
    server.use(
      http.get(`${ORIGIN}/iga/governance/workflow`, ({ request }) => {
        const key = new URL(request.url).searchParams.get('_searchAfter');
        keys.push(key);
        const n = key ? Number(key) : 0;
        return HttpResponse.json({
          result: [{ id: `d${n}` }, { id: `d${n + 1}` }].slice(0, n >= 4 ? 1 : 2),
          resultCount: 2,
          totalCount: 5,
          searchAfterKey: n >= 4 ? null : String(n + 2),
        });
      }),
    );
    const iga = createIgaClient({ baseUrl: ORIGIN, token: 't' });
    const ids = (await iga.definitions.list({ _pageSize: 2 }).toArray()).map((d) => d.id);
    expect(ids).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(keys).toEqual([null, '2', '4']);
  });

  it('walks request offsets until totalCount', async () => {
    const offsets: string[] = [];
    server.use(
      http.get(`${ORIGIN}/iga/governance/requests`, ({ request }) => {
        const offset = Number(new URL(request.url).searchParams.get('_pagedResultsOffset'));
        offsets.push(String(offset));
        const result = Array.from({ length: Math.min(2, 4 - offset) }, (_, i) => ({ id: `r${offset + i}` }));
        return HttpResponse.json({ result, resultCount: result.length, totalCount: 4 });
      }),
    );
    const iga = createIgaClient({ baseUrl: ORIGIN, token: 't' });
    const ids: string[] = [];
    for await (const r of iga.requests.list({ _pageSize: 2 })) ids.push(r.id);
    expect(ids).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(offsets).toEqual(['0', '2']);
  });
});
