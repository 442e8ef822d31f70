import { decodeBase64Url, encodeBase64Url } from '../../base64url.js';
import type { RequestContext } from '../../http/api-module.js';
import { igaError } from './errors.js';

/**
 * A page of an IGA list held in memory (definitions, request types, requests, the outbox): `_pageSize`, and
 * `_searchAfter` (an opaque offset key) that wins over `_pagedResultsOffset`.
 */
export function page<T>(c: RequestContext, items: T[]) {
  const size = (c.query._pageSize as number | undefined) ?? 100;
  let offset = (c.query._pagedResultsOffset as number | undefined) ?? 0;
  const after = c.query._searchAfter as string | undefined;
  if (after !== undefined) {
    const n = Number.parseInt(decodeBase64Url(after), 10);
    if (!Number.isInteger(n) || n < 0) throw igaError(400, `Invalid _searchAfter '${after}'`);
    offset = n;
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + slice.length;
  return { slice, searchAfterKey: next < items.length ? encodeBase64Url(String(next)) : null };
}
