import { describe, expect, it, vi } from 'vitest';
import {
  continuationPaging,
  createApiClient,
  crestPaging,
  offsetPaging,
  pageNumberPaging,
  paginate,
  searchAfterPaging,
} from '../src/index.js';
import { json, mockFetch } from './helpers.js';
import type { paths, Task } from './paths.js';

const tasks = (from: number, n: number): Task[] =>
  Array.from({ length: n }, (_, i) => ({ _id: `t${from + i}`, name: 'T' }));

describe('paginate', () => {
  it('iterates items, pages, and toArray with a limit that stops fetching', async () => {
    const fetchPage = vi.fn(async (n: number) => ({ items: [n * 10, n * 10 + 1], next: n < 3 ? n + 1 : undefined }));
    const p = paginate({ first: 1, fetchPage, getItems: (pg) => pg.items, getNext: (pg) => pg.next });
    const items: number[] = [];
    for await (const x of p) items.push(x);
    expect(items).toEqual([10, 11, 20, 21, 30, 31]);
    const pages = [];
    for await (const pg of p.pages()) pages.push(pg.next);
    expect(pages).toEqual([2, 3, undefined]);
    fetchPage.mockClear();
    expect(await p.toArray({ limit: 3 })).toEqual([10, 11, 20]);
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(await p.toArray()).toHaveLength(6);
  });

  it('stops when the server repeats a cursor, and at maxPages', async () => {
    const fetchPage = vi.fn(async () => ({ items: [1], next: 'same' }));
    const p = paginate({ first: 'start', fetchPage, getItems: (pg) => pg.items, getNext: (pg) => pg.next });
    expect(await p.toArray()).toEqual([1, 1]);
    const q = paginate({
      first: 0,
      fetchPage: async (n: number) => ({ items: [n] }),
      getItems: (pg) => pg.items,
      getNext: (_pg, { cursor }) => cursor + 1,
      maxPages: 4,
    });
    expect(await q.toArray()).toEqual([0, 1, 2, 3]);
  });

  it('honours an aborted signal', async () => {
    const p = paginate({
      first: 0,
      fetchPage: async (n: number) => ({ items: [n] }),
      getItems: (pg) => pg.items,
      getNext: (_pg, { cursor }) => cursor + 1,
      signal: AbortSignal.abort(),
    });
    await expect(p.toArray()).rejects.toThrow();
  });
});

describe('crestPaging', () => {
  it('walks 3 pages by offset through a client and stops on a short page', async () => {
    const { fetch, requests } = mockFetch((req) => {
      const offset = Number(new URL(req.url).searchParams.get('_pagedResultsOffset'));
      const n = offset < 4 ? 2 : 1;
      return json({
        result: tasks(offset, n),
        resultCount: n,
        pagedResultsCookie: null,
        remainingPagedResults: -1,
        totalPagedResults: -1,
      });
    });
    const api = createApiClient<paths>({ baseUrl: 'http://idm.test', fetch });
    const list = (assignee: string) =>
      paginate({
        ...crestPaging({ pageSize: 2 }),
        fetchPage: (cursor) =>
          api.call(
            api.raw.GET('/openidm/workflow/taskinstance', {
              params: { query: { _queryId: 'filtered-query', assignee, ...cursor } },
            }),
          ),
        getItems: (page) => page.result,
      });
    const ids = [];
    for await (const t of list('bjensen')) ids.push(t._id);
    expect(ids).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(requests.map((r) => new URL(r.url).search)).toEqual([
      '?_queryId=filtered-query&assignee=bjensen&_pageSize=2&_pagedResultsOffset=0',
      '?_queryId=filtered-query&assignee=bjensen&_pageSize=2&_pagedResultsOffset=2',
      '?_queryId=filtered-query&assignee=bjensen&_pageSize=2&_pagedResultsOffset=4',
    ]);
  });

  it('sends the cookie when present and stops on remainingPagedResults 0', async () => {
    const cursors: unknown[] = [];
    const pages = [
      { result: [1, 2], pagedResultsCookie: 'c1', remainingPagedResults: 4 },
      { result: [3, 4], pagedResultsCookie: 'c2', remainingPagedResults: 2 },
      { result: [5, 6], pagedResultsCookie: 'c3', remainingPagedResults: 0 },
      { result: [7, 8], pagedResultsCookie: null, remainingPagedResults: 0 },
    ];
    const p = paginate({
      ...crestPaging({ pageSize: 2 }),
      fetchPage: async (cursor) => {
        cursors.push(cursor);
        return pages[cursors.length - 1]!;
      },
      getItems: (page) => page.result,
    });
    expect(await p.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cursors).toEqual([
      { _pageSize: 2, _pagedResultsOffset: 0 },
      { _pageSize: 2, _pagedResultsCookie: 'c1' },
      { _pageSize: 2, _pagedResultsCookie: 'c2' },
    ]);
  });

  it('useCookie: false pages by offset, and a known total ends the walk', async () => {
    const cursors: unknown[] = [];
    const p = paginate({
      ...crestPaging({ pageSize: 2, useCookie: false }),
      fetchPage: async (cursor) => {
        cursors.push(cursor);
        const start = (cursors.length - 1) * 2;
        return { result: [start, start + 1], pagedResultsCookie: String(start + 2), totalPagedResults: 6 };
      },
      getItems: (page) => page.result,
    });
    expect(await p.toArray()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cursors).toEqual([
      { _pageSize: 2, _pagedResultsOffset: 0 },
      { _pageSize: 2, _pagedResultsOffset: 2 },
      { _pageSize: 2, _pagedResultsOffset: 4 },
    ]);
  });

  it('stops on an empty page', async () => {
    const p = paginate({
      ...crestPaging({ pageSize: 2 }),
      fetchPage: async (c) => ({ result: (c._pagedResultsOffset ?? 0) < 4 ? [1, 2] : [] }),
      getItems: (page) => page.result,
    });
    expect(await p.toArray()).toEqual([1, 2, 1, 2]);
  });
});

describe('continuationPaging (Kontent)', () => {
  it('sends x-continuation from pagination.continuation_token over 3 pages', async () => {
    const tokens = [null, 'tok-2', 'tok-3'];
    const { fetch, requests } = mockFetch((req) => {
      const i = tokens.indexOf(req.headers.get('x-continuation'));
      return json({
        workflows: [`w${i}a`, `w${i}b`],
        pagination: { continuation_token: tokens[i + 1] ?? null, next_page: null },
      });
    });
    const p = paginate({
      ...continuationPaging(),
      fetchPage: async (headers) => (await fetch(new Request('http://k.test/workflows', { headers }))).json(),
      getItems: (page: { workflows: string[]; pagination: { continuation_token: string | null } }) => page.workflows,
    });
    expect(await p.toArray()).toEqual(['w0a', 'w0b', 'w1a', 'w1b', 'w2a', 'w2b']);
    expect(requests.map((r) => r.headers.get('x-continuation'))).toEqual([null, 'tok-2', 'tok-3']);
  });
});

describe('offsetPaging and searchAfterPaging (IGA)', () => {
  it('pages by _pagedResultsOffset and stops at totalCount', async () => {
    const cursors: unknown[] = [];
    const p = paginate({
      ...offsetPaging({ pageSize: 2 }),
      fetchPage: async (cursor) => {
        cursors.push(cursor);
        const o = cursor._pagedResultsOffset;
        return { result: [o, o + 1], resultCount: 2, totalCount: 6 };
      },
      getItems: (page) => page.result,
    });
    expect(await p.toArray()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cursors).toEqual([
      { _pagedResultsOffset: 0, _pageSize: 2 },
      { _pagedResultsOffset: 2, _pageSize: 2 },
      { _pagedResultsOffset: 4, _pageSize: 2 },
    ]);
  });

  it('supports custom parameter names', async () => {
    const cursors: unknown[] = [];
    const p = paginate({
      ...offsetPaging({ pageSize: 1, offsetParam: 'offset', sizeParam: 'limit' }),
      fetchPage: async (cursor) => {
        cursors.push(cursor);
        return { items: cursor.offset < 3 ? [cursor.offset] : [] };
      },
      getItems: (page) => page.items,
    });
    expect(await p.toArray()).toEqual([0, 1, 2]);
    expect(cursors.at(-1)).toEqual({ offset: 3, limit: 1 });
  });

  it('pages by _searchAfter from searchAfterKey and stops on a short page', async () => {
    const cursors: unknown[] = [];
    const pages = [
      { result: ['a', 'b'], searchAfterKey: ['k2'] },
      { result: ['c', 'd'], searchAfterKey: 'k4' },
      { result: ['e'], searchAfterKey: 'k5' },
    ];
    const p = paginate({
      ...searchAfterPaging({ pageSize: 2 }),
      fetchPage: async (cursor) => {
        cursors.push(cursor);
        return pages[cursors.length - 1]!;
      },
      getItems: (page) => page.result,
    });
    expect(await p.toArray()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(cursors).toEqual([
      { _pageSize: 2 },
      { _pageSize: 2, _searchAfter: '["k2"]' },
      { _pageSize: 2, _searchAfter: 'k4' },
    ]);
  });
});

describe('pageNumberPaging (FLOW executions)', () => {
  it('pages by page/limit and stops when meta.total is reached', async () => {
    const cursors: unknown[] = [];
    const p = paginate({
      ...pageNumberPaging({ limit: 2 }),
      fetchPage: async (cursor) => {
        cursors.push(cursor);
        const base = (cursor.page - 1) * 2;
        return {
          meta: { page: cursor.page, total: 6, limit: 2, count: 2 },
          requestId: 'r',
          workflowResults: [{ id: base }, { id: base + 1 }],
        };
      },
      getItems: (page) => page.workflowResults,
    });
    expect((await p.toArray()).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cursors).toEqual([
      { page: 1, limit: 2 },
      { page: 2, limit: 2 },
      { page: 3, limit: 2 },
    ]);
  });

  it('without a total, stops on a short page', async () => {
    const p = paginate({
      ...pageNumberPaging({ limit: 3, firstPage: 0 }),
      fetchPage: async (cursor) => ({ rows: cursor.page < 2 ? [1, 2, 3] : [4] }),
      getItems: (page) => page.rows,
    });
    expect(await p.toArray()).toEqual([1, 2, 3, 1, 2, 3, 4]);
  });
});
