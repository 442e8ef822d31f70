/** `_sortKeys`: a comma list of fields, `-` for descending (`+` or nothing for ascending), and in-memory sorting. */
import { type CrestDialect, IDM_DIALECT } from './dialect.js';
import { CrestQueryError } from './errors.js';
import { resolve } from './filter.js';

export interface SortKey {
  /** The field as given, without the sign and the leading `/` (a pointer: `name`, `metadata/createdDate`). */
  field: string;
  descending: boolean;
}

/** Parses `_sortKeys`; with `allowed`, a key not listed is refused. */
export function parseSortKeys(value: string | undefined, allowed?: readonly string[]): SortKey[] {
  if (value === undefined || value === '') return [];
  return value.split(',').map((raw) => {
    const k = raw.trim();
    const descending = k.startsWith('-');
    const field = k.replace(/^[+-]/, '').replace(/^\//, '');
    if (!field) throw new CrestQueryError(`Invalid _sortKeys '${value}'.`);
    if (allowed && !allowed.includes(field))
      throw new CrestQueryError(`Unsupported sort key '${field}' (supported: ${allowed.join(', ')}).`);
    return { field, descending };
  });
}

/** Missing (undefined or null) values compare after every other; numbers by value; the rest as strings. */
function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Date) a = a.toISOString();
  if (b instanceof Date) b = b.toISOString();
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const missing = (v: unknown) => v === null || v === undefined;

/** A sort key's field as pointer segments (`~1` and `~0` unescaped). */
const pathOf = (field: string, dialect: CrestDialect) =>
  field.split(dialect.dottedPointers ? /[/.]/ : '/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** A comparator for the sort keys (nested pointers read nested fields), then `tieBreaker`. */
export function compareBy<T>(
  keys: SortKey[],
  tieBreaker?: (a: T, b: T) => number,
  dialect: CrestDialect = IDM_DIALECT,
): (a: T, b: T) => number {
  const paths = keys.map((k) => ({ path: pathOf(k.field, dialect), descending: k.descending }));
  return (a, b) => {
    for (const k of paths) {
      const x = resolve(a, k.path);
      const y = resolve(b, k.path);
      const c = compareValues(x, y);
      if (c === 0) continue;
      if (dialect.missingLastBothWays && (missing(x) || missing(y))) return c;
      return k.descending ? -c : c;
    }
    return tieBreaker ? tieBreaker(a, b) : 0;
  };
}

/** The items sorted by the keys (a new array). */
export function sortItems<T>(items: readonly T[], keys: SortKey[], dialect: CrestDialect = IDM_DIALECT): T[] {
  return [...items].sort(compareBy<T>(keys, undefined, dialect));
}
