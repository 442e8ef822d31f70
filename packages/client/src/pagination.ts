/**
 * Pagination as async iterables. `paginate()` walks pages with a cursor; the strategies below build the cursor
 * (query params or headers to send) and decide when to stop, for the paging styles of the four APIs.
 */

export interface PageContext<Cursor, Item> {
  /** The cursor this page was fetched with. */
  cursor: Cursor;
  /** This page's items. */
  items: readonly Item[];
  /** Items fetched so far, this page included. */
  itemCount: number;
  /** Pages fetched so far, this one included. */
  pageCount: number;
}

export interface PaginateOptions<Page, Item, Cursor> {
  /** The first page's cursor. When omitted, `fetchPage` first receives `undefined` (include it in `Cursor`). */
  first?: Cursor;
  /** Fetches one page; spread the cursor into the query (or headers). */
  fetchPage: (cursor: Cursor, signal: AbortSignal | undefined) => Promise<Page>;
  getItems: (page: Page) => readonly Item[] | null | undefined;
  /** The next page's cursor, or `undefined` after the last page. */
  getNext: (page: Page, context: PageContext<Cursor, Item>) => Cursor | null | undefined;
  /** Stop after this many pages (default: no limit). */
  maxPages?: number;
  signal?: AbortSignal;
}

export interface Paginated<Item, Page> extends AsyncIterable<Item> {
  /** The pages themselves. */
  pages(): AsyncIterable<Page>;
  /** Collects the items, stopping (and fetching no further page) once `limit` is reached. */
  toArray(options?: { limit?: number }): Promise<Item[]>;
}

/** The cursor and stop rule of one paging style; spread into {@link paginate}'s options. */
export interface PageStrategy<Page, Cursor> {
  first: Cursor;
  getNext: (page: Page, context: PageContext<Cursor, unknown>) => Cursor | undefined;
}

/**
 * Lazily walks pages. Nothing is fetched until iteration starts; each iteration starts from the first page. A
 * server that returns the same cursor twice ends the walk rather than looping.
 */
export function paginate<Page, Item, Cursor>(options: PaginateOptions<Page, Item, Cursor>): Paginated<Item, Page> {
  const { fetchPage, getItems, getNext, maxPages = Number.POSITIVE_INFINITY, signal } = options;

  async function* walk(): AsyncGenerator<{ page: Page; items: readonly Item[] }> {
    let cursor = options.first as Cursor;
    let key = JSON.stringify(cursor);
    let itemCount = 0;
    let pageCount = 0;
    for (;;) {
      signal?.throwIfAborted();
      const page = await fetchPage(cursor, signal);
      const items = getItems(page) ?? [];
      itemCount += items.length;
      pageCount++;
      yield { page, items };
      if (pageCount >= maxPages) return;
      const next = getNext(page, { cursor, items, itemCount, pageCount });
      if (next === undefined || next === null) return;
      const nextKey = JSON.stringify(next);
      if (nextKey === key) return;
      cursor = next;
      key = nextKey;
    }
  }

  return {
    async *[Symbol.asyncIterator]() {
      for await (const { items } of walk()) yield* items;
    },
    async *pages() {
      for await (const { page } of walk()) yield page;
    },
    async toArray({ limit = Number.POSITIVE_INFINITY } = {}) {
      const out: Item[] = [];
      if (limit <= 0) return out;
      for await (const { items } of walk()) {
        for (const item of items) {
          out.push(item);
          if (out.length >= limit) return out;
        }
      }
      return out;
    },
  };
}

function isShort(items: readonly unknown[], pageSize: number): boolean {
  return items.length === 0 || items.length < pageSize;
}

/** The CREST query envelope fields the CREST strategy reads. */
export interface CrestPage {
  result?: readonly unknown[] | null;
  pagedResultsCookie?: string | null;
  remainingPagedResults?: number | null;
  totalPagedResults?: number | null;
}

export type CrestCursor = {
  _pageSize: number;
  _pagedResultsOffset?: number;
  _pagedResultsCookie?: string;
};

/**
 * CREST queries (IDM): sends `_pagedResultsCookie` when the previous page returned one (and `useCookie`), else
 * `_pagedResultsOffset`, with `_pageSize`. Stops on an empty or short page, `remainingPagedResults` 0, a known
 * `totalPagedResults` reached, or a null cookie after cookie paging. The IDM workflow resources ignore the cookie
 * and honour only the offset: their SDK passes `useCookie: false`.
 */
export function crestPaging(
  options: { pageSize?: number; offset?: number; useCookie?: boolean } = {},
): PageStrategy<CrestPage, CrestCursor> {
  const { pageSize = 50, offset = 0, useCookie = true } = options;
  return {
    first: { _pageSize: pageSize, _pagedResultsOffset: offset },
    getNext(page, { cursor, items, itemCount }) {
      if (isShort(items, pageSize) || page.remainingPagedResults === 0) return undefined;
      const next = offset + itemCount;
      const total = page.totalPagedResults;
      if (typeof total === 'number' && total >= 0 && next >= total) return undefined;
      const cookie = page.pagedResultsCookie;
      if (useCookie && cookie) return { _pageSize: pageSize, _pagedResultsCookie: cookie };
      if (useCookie && cookie === null && cursor._pagedResultsCookie !== undefined) return undefined;
      return { _pageSize: pageSize, _pagedResultsOffset: next };
    },
  };
}

/** The Kontent list envelope's pagination field. */
export interface ContinuationPage {
  pagination?: { continuation_token?: string | null } | null;
}

/** Request headers (a type alias, so it is assignable to `HeadersInit`). */
export type ContinuationCursor = {
  'x-continuation'?: string;
};

/**
 * Kontent: the cursor is the request headers (`x-continuation: <token>`), the token from the response's
 * `pagination.continuation_token`; a null or empty token ends the walk.
 */
export function continuationPaging(): PageStrategy<ContinuationPage, ContinuationCursor> {
  return {
    first: {},
    getNext(page) {
      const token = page.pagination?.continuation_token;
      return token ? { 'x-continuation': token } : undefined;
    },
  };
}

export interface OffsetPagingOptions<O extends string, S extends string> {
  pageSize?: number;
  offset?: number;
  /** Default `_pagedResultsOffset`. */
  offsetParam?: O;
  /** Default `_pageSize`. */
  sizeParam?: S;
  /** The total count, when the page reports one (default: `totalCount`, else `totalPagedResults`). */
  getTotal?: (page: any) => number | null | undefined;
}

const defaultTotal = (page: any): number | undefined => page?.totalCount ?? page?.totalPagedResults ?? undefined;

/**
 * Offset/limit (IGA `_pagedResultsOffset` + `_pageSize`): next offset = offset + items so far; stops on an empty
 * or short page or when the reported total is reached.
 */
export function offsetPaging<O extends string = '_pagedResultsOffset', S extends string = '_pageSize'>(
  options: OffsetPagingOptions<O, S> = {},
): PageStrategy<unknown, Record<O | S, number>> {
  const {
    pageSize = 50,
    offset = 0,
    offsetParam = '_pagedResultsOffset' as O,
    sizeParam = '_pageSize' as S,
    getTotal = defaultTotal,
  } = options;
  const cursor = (at: number) => ({ [offsetParam]: at, [sizeParam]: pageSize }) as Record<O | S, number>;
  return {
    first: cursor(offset),
    getNext(page, { items, itemCount }) {
      if (isShort(items, pageSize)) return undefined;
      const next = offset + itemCount;
      const total = getTotal(page);
      if (typeof total === 'number' && total >= 0 && next >= total) return undefined;
      return cursor(next);
    },
  };
}

export interface SearchAfterPagingOptions<K extends string, S extends string> {
  pageSize?: number;
  /** Default `_searchAfter`. */
  keyParam?: K;
  /** Default `_pageSize`. */
  sizeParam?: S;
  /** The key to continue after (default: the page's `searchAfterKey`). Non-strings are sent as JSON. */
  getKey?: (page: any) => unknown;
}

/**
 * Keyset paging (IGA `_searchAfter` from the previous page's `searchAfterKey`): stops on an empty or short page or
 * a missing key.
 */
export function searchAfterPaging<K extends string = '_searchAfter', S extends string = '_pageSize'>(
  options: SearchAfterPagingOptions<K, S> = {},
): PageStrategy<unknown, Record<S, number> & Partial<Record<K, string>>> {
  const {
    pageSize = 50,
    keyParam = '_searchAfter' as K,
    sizeParam = '_pageSize' as S,
    getKey = (page: any) => page?.searchAfterKey,
  } = options;
  type C = Record<S, number> & Partial<Record<K, string>>;
  return {
    first: { [sizeParam]: pageSize } as C,
    getNext(page, { items }) {
      if (isShort(items, pageSize)) return undefined;
      const key = getKey(page);
      if (key === undefined || key === null || key === '') return undefined;
      return { [sizeParam]: pageSize, [keyParam]: typeof key === 'string' ? key : JSON.stringify(key) } as C;
    },
  };
}

export interface PageNumberPagingOptions<P extends string, L extends string> {
  limit?: number;
  /** Default 1. */
  firstPage?: number;
  /** Default `page`. */
  pageParam?: P;
  /** Default `limit`. */
  limitParam?: L;
  /** The total item count (default: the page's `meta.total`). */
  getTotal?: (page: any) => number | null | undefined;
}

/**
 * Page numbers (FLOW executions: `page` + `limit`, response `meta: {page, total, limit, count}`): stops on an empty
 * or short page or when `page * limit` reaches the total.
 */
export function pageNumberPaging<P extends string = 'page', L extends string = 'limit'>(
  options: PageNumberPagingOptions<P, L> = {},
): PageStrategy<unknown, Record<P | L, number>> {
  const {
    limit = 20,
    firstPage = 1,
    pageParam = 'page' as P,
    limitParam = 'limit' as L,
    getTotal = (page: any) => page?.meta?.total,
  } = options;
  const cursor = (n: number) => ({ [pageParam]: n, [limitParam]: limit }) as Record<P | L, number>;
  return {
    first: cursor(firstPage),
    getNext(page, { items, pageCount }) {
      if (isShort(items, limit)) return undefined;
      const total = getTotal(page);
      if (typeof total === 'number' && total >= 0 && pageCount * limit >= total) return undefined;
      return cursor(firstPage + pageCount);
    },
  };
}
