/**
 * CREST query requests: `_queryFilter` / `_queryId` (exactly one), paging (`_pageSize`, `_pagedResultsOffset`,
 * `_pagedResultsCookie`, `_totalPagedResultsPolicy`), `_sortKeys` (checked against the operation's
 * `x-wfkit-sort-keys`), `_fields`; and the query envelope.
 */
import type { RequestContext } from '../../../http/api-module.js';
import {
  asApiError,
  compareBy,
  parsePaging as crestPaging,
  parseSortKeys as crestSortKeys,
  type FieldList,
  type FilterNode,
  filterToPredicate,
  type Paging,
  pageOf,
  projectFields,
  type SortKey,
  type TotalPolicy,
} from '../../../http/crest/index.js';
import type { Db, Queryable } from '../../../store/db.js';
import { badRequest } from './errors.js';
import { parseFields } from './fields.js';
import { parseFilter } from './filter.js';
import { type ColumnMap, filterToSql, SqlParams, sortToSql } from './sql.js';

export { compareBy, type Paging, type SortKey, type TotalPolicy } from '../../../http/crest/index.js';

export interface QueryRequest {
  /** `_queryId`, or `query-all-ids` for `_queryFilter=true`, or undefined for another filter. */
  queryId: string | undefined;
  /** The filter (`true` for `_queryId` queries). */
  filter: FilterNode;
  paging: Paging;
  sortKeys: SortKey[];
  fields: FieldList | undefined;
}

export interface QueryOptions {
  /** `_queryId` values this resource accepts (anything else: 400 `Unknown query '<id>' to get <what>.`). */
  queryIds?: readonly string[];
  /** For the unknown-query message: `process definitions`, `task instances`. */
  what?: string;
  /** Sort keys; default the operation's `x-wfkit-sort-keys`. */
  sortKeys?: readonly string[];
}

function firstParam(ctx: Pick<RequestContext, 'rawQuery'>, name: string): string | undefined {
  const v = ctx.rawQuery.get(name);
  return v === null ? undefined : v;
}

export function parsePaging(ctx: Pick<RequestContext, 'rawQuery'>): Paging {
  return asApiError(() => crestPaging(ctx.rawQuery), badRequest);
}

export function parseSortKeys(value: string | undefined, allowed: readonly string[] | undefined): SortKey[] {
  return asApiError(() => crestSortKeys(value, allowed), badRequest);
}

/** Parses and checks the CREST query parameters of a query request. */
export function parseQueryRequest(
  ctx: Pick<RequestContext, 'rawQuery' | 'operation'>,
  options: QueryOptions = {},
): QueryRequest {
  const filterText = firstParam(ctx, '_queryFilter');
  const queryId = firstParam(ctx, '_queryId');
  if (firstParam(ctx, '_queryExpression') !== undefined)
    throw badRequest('_queryExpression is not supported; use _queryFilter.');
  if (filterText !== undefined && queryId !== undefined)
    throw badRequest('_queryFilter and _queryId are mutually exclusive.');
  if (filterText === undefined && queryId === undefined)
    throw badRequest('A query needs exactly one of _queryFilter or _queryId.');
  if (queryId !== undefined && options.queryIds && !options.queryIds.includes(queryId))
    throw badRequest(`Unknown query '${queryId}' to get ${options.what ?? 'resources'}.`);
  const filter: FilterNode = filterText !== undefined ? parseFilter(filterText) : { type: 'literal', value: true };
  const allowed = options.sortKeys ?? (ctx.operation.operation['x-wfkit-sort-keys'] as string[] | undefined);
  return {
    queryId: queryId ?? (filter.type === 'literal' && filter.value ? 'query-all-ids' : undefined),
    filter,
    paging: parsePaging(ctx),
    sortKeys: parseSortKeys(firstParam(ctx, '_sortKeys'), allowed),
    fields: parseFields(firstParam(ctx, '_fields')),
  };
}

export interface QueryEnvelope<T> {
  result: T[];
  resultCount: number;
  pagedResultsCookie: string | null;
  totalPagedResultsPolicy: TotalPolicy;
  totalPagedResults: number;
  remainingPagedResults: -1;
}

/**
 * The envelope for one page. `more` says whether results follow the page (when known); the cookie is the decimal
 * offset of the next result, `null` when there is none or when `_pageSize` is 0.
 */
export function queryEnvelope<T>(
  items: T[],
  paging: Paging,
  opts: { total?: number; more?: boolean } = {},
): QueryEnvelope<T> {
  const counted = paging.policy !== 'NONE' && opts.total !== undefined;
  const next = paging.offset + items.length;
  const more =
    paging.pageSize > 0 &&
    (opts.more ?? (opts.total !== undefined ? next < opts.total : items.length === paging.pageSize));
  return {
    result: items,
    resultCount: items.length,
    pagedResultsCookie: more ? String(next) : null,
    totalPagedResultsPolicy: counted ? 'EXACT' : 'NONE',
    totalPagedResults: counted ? opts.total! : -1,
    remainingPagedResults: -1,
  };
}

/** Filters, sorts and pages resources held in memory; items are projected with `_fields` (and `project`). */
export function queryInMemory<T extends object>(
  items: T[],
  q: QueryRequest,
  opts: { project?: (item: T) => object; tieBreaker?: (a: T, b: T) => number } = {},
): QueryEnvelope<object> {
  const pred = filterToPredicate(q.filter);
  const matching = items.filter((i) => pred(i));
  if (q.sortKeys.length || opts.tieBreaker) matching.sort(compareBy(q.sortKeys, opts.tieBreaker));
  const page = pageOf(matching, q.paging.offset, q.paging.pageSize);
  const projected = page.map((i) => projectFields(opts.project ? opts.project(i) : i, q.fields));
  return queryEnvelope(projected, q.paging, { total: matching.length });
}

export interface SqlQuerySpec {
  /** `SELECT ... FROM ... [JOIN ...]` without WHERE. */
  select: string;
  /** `FROM ...` part used for the count (`SELECT count(*) <from>`). */
  from: string;
  columns: ColumnMap;
  /** Extra WHERE conditions (already parameterised with `params`). */
  where?: string[];
  params?: SqlParams;
  /** Last ORDER BY term, for a stable order (e.g. `d.id`). */
  tieBreaker: string;
}

/** Runs a CREST query in SQL: WHERE from the filter, ORDER BY from the sort keys, LIMIT/OFFSET, count when asked. */
export async function queryInSql<R>(
  db: Queryable | Db,
  q: QueryRequest,
  spec: SqlQuerySpec,
): Promise<{ rows: R[]; total?: number; more: boolean }> {
  const params = spec.params ?? new SqlParams();
  const conds = [...(spec.where ?? []), filterToSql(q.filter, spec.columns, params)];
  const where = `WHERE ${conds.join(' AND ')}`;
  const order = sortToSql(q.sortKeys, spec.columns, spec.tieBreaker);
  const countParams = [...params.values];
  let limit = '';
  if (q.paging.pageSize > 0) limit = ` LIMIT ${q.paging.pageSize + 1}`;
  if (q.paging.offset > 0) limit += ` OFFSET ${q.paging.offset}`;
  const { rows } = await db.query<R>(`${spec.select} ${where} ${order}${limit}`, params.values);
  const more = q.paging.pageSize > 0 && rows.length > q.paging.pageSize;
  if (more) rows.length = q.paging.pageSize;
  let total: number | undefined;
  if (q.paging.policy !== 'NONE') {
    const c = await db.query<{ n: string | number }>(`SELECT count(*) AS n ${spec.from} ${where}`, countParams);
    total = Number(c.rows[0]!.n);
  }
  return { rows, ...(total !== undefined ? { total } : {}), more };
}

/**
 * One page of a CREST query in SQL, as its envelope: each row presented as the API's resource (`present`), then
 * projected with `_fields`. What a query route answers with `crestReply`.
 */
export async function queryPage<R, T extends object>(
  db: Queryable | Db,
  q: QueryRequest,
  spec: SqlQuerySpec,
  present: (row: R) => T,
): Promise<QueryEnvelope<object>> {
  const r = await queryInSql<R>(db, q, spec);
  return queryEnvelope(
    r.rows.map((row) => projectFields(present(row), q.fields)),
    q.paging,
    r,
  );
}
