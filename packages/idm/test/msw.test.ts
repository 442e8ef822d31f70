import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, createIdmClient, NotFoundError, PreconditionFailedError } from '../src/index.js';

const ORIGIN = 'https://idm.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const idm = () => createIdmClient({ baseUrl: ORIGIN, username: 'u', password: 'p', sleep: async () => {} });

describe('idm errors', () => {
  it('throws a ConflictError with the CREST body', async () => {
    server.use(
      http.post(`${ORIGIN}/openidm/workflow/taskinstance/:id`, () =>
        HttpResponse.json({ code: 409, reason: 'Conflict', message: 'Task already claimed' }, { status: 409 }),
      ),
    );
    const client = idm();
    const error = await client.tasks.claim('t1', 'bob').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    if (!client.isError(error)) throw new Error('not an API error');
    expect(error.errorCode).toBe(409);
    expect(error.body?.reason).toBe('Conflict');
    expect(error.message).toContain('Task already claimed');
  });

  it('maps 404 and 412 to their classes', async () => {
    server.use(
      http.get(`${ORIGIN}/openidm/workflow/model/:id`, () =>
        HttpResponse.json({ code: 404, reason: 'Not Found', message: 'Not Found' }, { status: 404 }),
      ),
      http.delete(`${ORIGIN}/openidm/workflow/model/:id`, () =>
        HttpResponse.json({ code: 412, reason: 'Precondition Failed', message: 'rev' }, { status: 412 }),
      ),
    );
    await expect(idm().models.get('x')).rejects.toBeInstanceOf(NotFoundError);
    await expect(idm().models.delete('x', { 'If-Match': '"3"' })).rejects.toBeInstanceOf(PreconditionFailedError);
  });
});

describe('idm pagination', () => {
  it('walks CREST pages by offset until a short page', async () => {
    const offsets: string[] = [];
    const all = Array.from({ length: 5 }, (_, i) => ({ _id: `t${i}`, name: 'Approve' }));
    server.use(
      http.get(`${ORIGIN}/openidm/workflow/taskinstance`, ({ request }) => {
        const url = new URL(request.url);
        const offset = Number(url.searchParams.get('_pagedResultsOffset'));
        const size = Number(url.searchParams.get('_pageSize'));
        offsets.push(`${offset}/${size}/${url.searchParams.get('assignee')}`);
        const result = all.slice(offset, offset + size);
        return HttpResponse.json({
          result,
          resultCount: result.length,
          pagedResultsCookie: offset + size < all.length ? String(offset + size) : null,
          totalPagedResultsPolicy: 'NONE',
          totalPagedResults: -1,
          remainingPagedResults: -1,
        });
      }),
    );
    const ids: string[] = [];
    for await (const t of idm().tasks.list({ assignee: 'manager1', _pageSize: 2 })) ids.push(t._id);
    expect(ids).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(offsets).toEqual(['0/2/manager1', '2/2/manager1', '4/2/manager1']);
  });
});
