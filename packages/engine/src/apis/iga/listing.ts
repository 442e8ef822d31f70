/**
 * IGA's lists (definitions, request types, requests, the outbox) are held in memory and queried as CREST in IGA's
 * dialect (http/crest): `_queryFilter`, `_sortKeys`, `_fields`, and pages by `_pageSize` with `_searchAfter` or
 * `_pagedResultsOffset`. A malformed parameter is a 400 in IGA's shape.
 */
import type { RequestContext } from '../../http/api-module.js';
import {
  asApiError,
  filterToPredicate,
  IGA_DIALECT,
  parseFields,
  parseFilter,
  parseSortKeys,
  projectFields,
  searchAfterPage,
  sortItems,
} from '../../http/crest/index.js';
import { igaError } from './errors.js';

const badRequest = (message: string) => igaError(400, message);

/** The `_queryFilter` as a predicate (no filter: everything). */
export function filterOf(c: RequestContext): (o: unknown) => boolean {
  const f = c.query._queryFilter as string | undefined;
  if (f === undefined) return () => true;
  return filterToPredicate(
    asApiError(() => parseFilter(f, IGA_DIALECT), badRequest),
    IGA_DIALECT,
  );
}

export interface ListOptions {
  /** The order when `_sortKeys` is absent (`id,status`); without it the list keeps its order and ignores `_sortKeys`. */
  sort?: string;
  /** With `_fields`: the fields always answered (`id`); without it `_fields` is ignored. */
  always?: string[];
}

/** One page of `items` (already filtered): sorted, paged, cut to `_fields`; `totalCount` counts every item. */
export function listPage<T extends object>(c: RequestContext, items: T[], options: ListOptions = {}) {
  return asApiError(() => {
    const keys = (c.query._sortKeys as string | undefined) ?? options.sort;
    const sorted = options.sort === undefined ? items : sortItems(items, parseSortKeys(keys), IGA_DIALECT);
    const { slice, searchAfterKey } = searchAfterPage(sorted, {
      pageSize: c.query._pageSize as number | undefined,
      offset: c.query._pagedResultsOffset as number | undefined,
      searchAfter: c.query._searchAfter as string | undefined,
    });
    const fields = options.always && parseFields(c.query._fields as string | undefined, IGA_DIALECT);
    const result = fields ? slice.map((d) => projectFields(d, fields, options.always, IGA_DIALECT)) : slice;
    return { result, searchAfterKey, resultCount: slice.length, totalCount: items.length };
  }, badRequest);
}
