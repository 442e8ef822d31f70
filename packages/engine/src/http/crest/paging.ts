/**
 * Paging of CREST queries. CREST proper (IDM): `_pageSize` (0 = everything), `_pagedResultsOffset`, or
 * `_pagedResultsCookie` (the decimal offset of the next result), and `_totalPagedResultsPolicy`. IGA's lists:
 * `_pageSize` (default 100), `_pagedResultsOffset`, or `_searchAfter` (an opaque key of the next offset, which wins).
 */
import { decodeBase64Url, encodeBase64Url } from '../../base64url.js';
import { CrestQueryError } from './errors.js';

export type TotalPolicy = 'NONE' | 'ESTIMATE' | 'EXACT';

export interface Paging {
  /** 0 = everything in one page. */
  pageSize: number;
  offset: number;
  policy: TotalPolicy;
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new CrestQueryError(`${name} must be a non-negative integer, got '${v}'.`);
  return Number(v);
}

/** CREST paging from the query string as sent. */
export function parsePaging(query: URLSearchParams): Paging {
  const pageSize = intParam(query, '_pageSize') ?? 0;
  const offset = intParam(query, '_pagedResultsOffset') ?? 0;
  const cookie = query.get('_pagedResultsCookie');
  let start = offset;
  if (cookie !== null && cookie !== '') {
    if (offset > 0)
      throw new CrestQueryError('_pagedResultsCookie cannot be combined with a _pagedResultsOffset other than 0.');
    if (!/^\d+$/.test(cookie)) throw new CrestQueryError(`Invalid _pagedResultsCookie '${cookie}'.`);
    start = Number(cookie);
  }
  const raw = query.get('_totalPagedResultsPolicy') ?? 'NONE';
  if (!['NONE', 'ESTIMATE', 'EXACT'].includes(raw))
    throw new CrestQueryError(`_totalPagedResultsPolicy must be NONE, ESTIMATE or EXACT, got '${raw}'.`);
  return { pageSize, offset: start, policy: raw as TotalPolicy };
}

/** The page of `items` at `offset` (`pageSize` 0: every item from the offset on). */
export function pageOf<T>(items: readonly T[], offset: number, pageSize: number): T[] {
  return pageSize > 0 ? items.slice(offset, offset + pageSize) : items.slice(offset);
}

export interface SearchAfterQuery {
  /** Default 100. */
  pageSize?: number;
  offset?: number;
  /** The key a previous page answered (`searchAfterKey`): wins over `offset`. */
  searchAfter?: string;
}

/** A page by `_searchAfter` / `_pagedResultsOffset`, with the key of the next page (null on the last one). */
export function searchAfterPage<T>(items: readonly T[], q: SearchAfterQuery) {
  const size = q.pageSize ?? 100;
  let offset = q.offset ?? 0;
  if (q.searchAfter !== undefined) {
    const n = Number.parseInt(decodeBase64Url(q.searchAfter), 10);
    if (!Number.isInteger(n) || n < 0) throw new CrestQueryError(`Invalid _searchAfter '${q.searchAfter}'`);
    offset = n;
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + slice.length;
  return { slice, searchAfterKey: next < items.length ? encodeBase64Url(String(next)) : null };
}
