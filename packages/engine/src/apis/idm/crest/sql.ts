/**
 * `_queryFilter` AST → a parameterised SQL WHERE fragment over a column map, with the same semantics as the in-memory
 * predicate (filter.ts): unknown or missing fields match nothing, values compare only with the same type, strings
 * compare by code point (`COLLATE "C"`), `co` / `sw` are case-sensitive.
 *
 * Comparisons stay sargable (an index on the column serves them): the column itself on the left, no function or
 * COALESCE around it (parentheses are only syntax). A comparison with a NULL column is NULL, which a WHERE treats as false, and AND / OR keep that
 * (NULL AND x and NULL OR x are never true when x is not); only NOT turns it around, so NOT alone folds NULL into FALSE.
 * Text equality needs no collation (every deterministic collation compares bytes for equality), so a plain index
 * serves it (migration 110); text ranges and sorts keep COLLATE "C" for code-point order.
 */

import type { CompareOp, FilterNode, FilterValue, SortKey } from '../../../http/crest/index.js';
import { badRequest } from './errors.js';

export type ColumnType = 'text' | 'number' | 'boolean' | 'timestamp' | 'text[]' | 'jsonb';

export interface Column {
  /** A SQL expression (a column name, `d.key`, or a subquery in parentheses). */
  sql: string;
  type: ColumnType;
}

/** Resource field name (first pointer segment) → column. A `jsonb` column also answers nested pointers. */
export type ColumnMap = Record<string, Column>;

/** Collects positional parameters: `params.add(v)` → `$3`. */
export class SqlParams {
  readonly values: unknown[];
  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const SQL_OP: Record<'eq' | 'lt' | 'le' | 'gt' | 'ge', string> = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' };

function scalarCompare(
  expr: string,
  type: 'text' | 'number' | 'boolean' | 'timestamp',
  op: CompareOp,
  value: FilterValue,
  params: SqlParams,
): string {
  if (value === null) return op === 'eq' ? `(${expr}) IS NULL` : 'FALSE';
  switch (type) {
    case 'text':
      if (typeof value !== 'string') return 'FALSE';
      if (op === 'co') return `strpos(${expr}, ${params.add(value)}) > 0`;
      if (op === 'sw') return `starts_with(${expr}, ${params.add(value)})`;
      if (op === 'eq') return `(${expr}) = ${params.add(value)}`;
      return `(${expr}) COLLATE "C" ${SQL_OP[op]} ${params.add(value)}`;
    case 'number':
      if (typeof value !== 'number' || op === 'co' || op === 'sw') return 'FALSE';
      return `(${expr}) ${SQL_OP[op]} ${params.add(value)}::numeric`;
    case 'boolean':
      if (typeof value !== 'boolean' || op === 'co' || op === 'sw') return 'FALSE';
      return `(${expr}) ${SQL_OP[op]} ${params.add(value)}::boolean`;
    case 'timestamp': {
      // Dates are ISO 8601 strings in answers; compare as instants when the value is a date, else as text.
      if (typeof value !== 'string') return 'FALSE';
      const text = `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
      if (op === 'co') return `strpos(${text}, ${params.add(value)}) > 0`;
      if (op === 'sw') return `starts_with(${text}, ${params.add(value)})`;
      const d = new Date(value);
      if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(d.getTime()))
        return `(${expr}) ${SQL_OP[op]} ${params.add(d.toISOString())}::timestamptz`;
      return `${text} COLLATE "C" ${SQL_OP[op]} ${params.add(value)}`;
    }
  }
}

function jsonCompare(expr: string, path: string[], op: CompareOp, value: FilterValue, params: SqlParams): string {
  const p = path.length ? params.add(path) : undefined;
  const node = p ? `(${expr}) #> ${p}::text[]` : `(${expr})`;
  const text = p ? `(${expr}) #>> ${p}::text[]` : `(${expr}) #>> '{}'`;
  const elem = (e: string, t: string) => {
    if (value === null) return op === 'eq' ? `jsonb_typeof(${e}) = 'null'` : 'FALSE';
    if (op === 'eq') return `${e} = ${params.add(JSON.stringify(value))}::jsonb`;
    if (typeof value === 'string') {
      const guard = `jsonb_typeof(${e}) = 'string'`;
      if (op === 'co') return `(${guard} AND strpos(${t}, ${params.add(value)}) > 0)`;
      if (op === 'sw') return `(${guard} AND starts_with(${t}, ${params.add(value)}))`;
      return `(${guard} AND ${t} COLLATE "C" ${SQL_OP[op]} ${params.add(value)})`;
    }
    if (op === 'co' || op === 'sw') return 'FALSE';
    if (typeof value === 'number')
      return `(jsonb_typeof(${e}) = 'number' AND (CASE WHEN jsonb_typeof(${e}) = 'number' THEN (${t})::numeric END) ${SQL_OP[op]} ${params.add(value)}::numeric)`;
    return `(jsonb_typeof(${e}) = 'boolean' AND (CASE WHEN jsonb_typeof(${e}) = 'boolean' THEN (${t})::boolean END) ${SQL_OP[op]} ${params.add(value)}::boolean)`;
  };
  // A value or, for an array, any of its elements.
  return `(CASE WHEN jsonb_typeof(${node}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${node}) AS x(v) WHERE ${elem('x.v', "(x.v #>> '{}')")}) ELSE COALESCE(${elem(node, text)}, FALSE) END)`;
}

/** Translates a filter to SQL (a boolean expression); parameters are added to `params`. */
export function filterToSql(node: FilterNode, columns: ColumnMap, params: SqlParams): string {
  switch (node.type) {
    case 'literal':
      return node.value ? 'TRUE' : 'FALSE';
    case 'and':
      return `(${node.children.map((c) => filterToSql(c, columns, params)).join(' AND ')})`;
    case 'or':
      return `(${node.children.map((c) => filterToSql(c, columns, params)).join(' OR ')})`;
    case 'not':
      return `(NOT COALESCE(${filterToSql(node.child, columns, params)}, FALSE))`;
    case 'present':
    case 'compare': {
      const [head, ...rest] = node.field;
      const col = columns[head!];
      if (!col) return 'FALSE';
      if (col.type === 'jsonb') {
        if (node.type === 'present') {
          const e = rest.length ? `(${col.sql}) #> ${params.add(rest)}::text[]` : `(${col.sql})`;
          return `COALESCE(jsonb_typeof(${e}) <> 'null', FALSE)`;
        }
        return jsonCompare(col.sql, rest, node.op, node.value, params);
      }
      if (col.type === 'text[]') {
        if (rest.length > 1 || (rest.length === 1 && !/^\d+$/.test(rest[0]!))) return 'FALSE';
        const e = rest.length ? `(${col.sql})[${Number(rest[0]) + 1}]` : undefined;
        if (node.type === 'present') return e ? `(${e} IS NOT NULL)` : `((${col.sql}) IS NOT NULL)`;
        if (e) return scalarCompare(e, 'text', node.op, node.value, params);
        return `EXISTS (SELECT 1 FROM unnest(${col.sql}) AS x(v) WHERE ${scalarCompare('x.v', 'text', node.op, node.value, params)})`;
      }
      if (rest.length > 0) return 'FALSE';
      if (node.type === 'present') return `((${col.sql}) IS NOT NULL)`;
      return scalarCompare(col.sql, col.type, node.op, node.value, params);
    }
  }
}

/** ORDER BY for sort keys (text by code point, NULLs last ascending / first descending as in Flowable). */
export function sortToSql(keys: SortKey[], columns: ColumnMap, tieBreaker?: string): string {
  const parts = keys.map((k) => {
    const col = columns[k.field];
    if (!col) throw badRequest(`Unsupported sort key '${k.field}'.`);
    const collate = col.type === 'text' ? ' COLLATE "C"' : '';
    return `${col.sql}${collate} ${k.descending ? 'DESC' : 'ASC'}`;
  });
  if (tieBreaker) parts.push(tieBreaker);
  return parts.length ? `ORDER BY ${parts.join(', ')}` : '';
}
