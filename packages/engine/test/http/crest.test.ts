/** The shared CREST query module (src/http/crest): one grammar, evaluation, sort, fields and paging for IDM and IGA. */
import { describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../../src/base64url.js';
import {
  type CrestDialect,
  CrestQueryError,
  compareBy,
  filterToPredicate,
  IDM_DIALECT,
  IGA_DIALECT,
  pageOf,
  parseFields,
  parseFilter,
  parsePaging,
  parseSortKeys,
  projectFields,
  searchAfterPage,
  sortItems,
} from '../../src/http/crest/index.js';

const docs = [
  { id: 'a', name: 'Approve Contractor', n: 2, tags: ['x', 'Y'], meta: { created: '2025-02-01', owner: 'ann' } },
  { id: 'b', name: 'badge request', n: 10, tags: [], meta: { created: '2025-01-01' } },
  { id: 'c', name: null, n: null, tags: ['y'], meta: {} },
];

const ids = (filter: string, dialect: CrestDialect) =>
  docs.filter(filterToPredicate(parseFilter(filter, dialect), dialect)).map((d) => d.id);

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CrestQueryError);
    return (e as Error).message;
  }
  throw new Error('expected a CrestQueryError');
}

describe('filters', () => {
  it('IDM: exact strings, JSON pointers only, an empty filter refused', () => {
    expect(ids('name eq "badge request"', IDM_DIALECT)).toEqual(['b']);
    expect(ids('name eq "BADGE REQUEST"', IDM_DIALECT)).toEqual([]);
    expect(ids('name co "Contract"', IDM_DIALECT)).toEqual(['a']);
    expect(ids('/meta/owner eq "ann"', IDM_DIALECT)).toEqual(['a']);
    // A dot is part of the name in CREST proper.
    expect(ids('meta.owner pr', IDM_DIALECT)).toEqual([]);
    expect(refused(() => parseFilter('', IDM_DIALECT))).toContain('the filter is empty');
  });

  it('IGA: eq / co / sw ignore case, dotted pointers, an empty filter matches everything', () => {
    expect(ids('name eq "BADGE REQUEST"', IGA_DIALECT)).toEqual(['b']);
    expect(ids('name co "contract"', IGA_DIALECT)).toEqual(['a']);
    expect(ids('name sw "APPROVE"', IGA_DIALECT)).toEqual(['a']);
    expect(ids('meta.owner eq "ANN"', IGA_DIALECT)).toEqual(['a']);
    expect(ids('meta/created lt "2025-01-15"', IGA_DIALECT)).toEqual(['b']);
    expect(ids('tags eq "y"', IGA_DIALECT)).toEqual(['a', 'c']);
    expect(ids('', IGA_DIALECT)).toEqual(['a', 'b', 'c']);
    expect(ids('   ', IGA_DIALECT)).toEqual(['a', 'b', 'c']);
  });

  it('both: numbers by value, missing fields match nothing but their negation, and / or / not / parentheses', () => {
    for (const d of [IDM_DIALECT, IGA_DIALECT]) {
      expect(ids('n gt 2', d)).toEqual(['b']);
      expect(ids('n ge 2 and !(n eq 10)', d)).toEqual(['a']);
      expect(ids('n pr or id eq "c"', d)).toEqual(['a', 'b', 'c']);
      expect(ids('!(meta/owner pr)', d)).toEqual(['b', 'c']);
      expect(ids('n eq null', d)).toEqual(['c']);
      expect(ids('true', d)).toEqual(['a', 'b', 'c']);
      expect(ids('false', d)).toEqual([]);
    }
  });

  it('names the problem of a malformed filter', () => {
    expect(refused(() => parseFilter('id eq', IGA_DIALECT))).toBe(
      "Invalid _queryFilter 'id eq': expected a value after 'id eq'",
    );
    expect(refused(() => parseFilter('bad filter (', IGA_DIALECT))).toContain("Invalid _queryFilter 'bad filter ('");
    expect(refused(() => parseFilter('a//b pr', IDM_DIALECT))).toContain('empty segment');
  });
});

describe('sorting', () => {
  it('reads signs and checks allowed keys', () => {
    expect(parseSortKeys('-n, +name,/id')).toEqual([
      { field: 'n', descending: true },
      { field: 'name', descending: false },
      { field: 'id', descending: false },
    ]);
    expect(parseSortKeys(undefined)).toEqual([]);
    expect(refused(() => parseSortKeys('-'))).toBe("Invalid _sortKeys '-'.");
    expect(refused(() => parseSortKeys('colour', ['id']))).toBe("Unsupported sort key 'colour' (supported: id).");
  });

  it('sorts by nested paths; missing values last ascending, and descending: first in IDM (as SQL), last in IGA', () => {
    const by = (keys: string, d: CrestDialect) => sortItems(docs, parseSortKeys(keys), d).map((x) => x.id);
    expect(by('meta/created', IDM_DIALECT)).toEqual(['b', 'a', 'c']);
    expect(by('meta.created', IGA_DIALECT)).toEqual(['b', 'a', 'c']);
    expect(by('n', IDM_DIALECT)).toEqual(['a', 'b', 'c']); // 2 < 10 as numbers
    expect(by('-n', IDM_DIALECT)).toEqual(['c', 'b', 'a']);
    expect(by('-n', IGA_DIALECT)).toEqual(['b', 'a', 'c']);
  });

  it('breaks ties with the next key, then the tie breaker', () => {
    const rows = [
      { id: '2', k: 1 },
      { id: '1', k: 1 },
      { id: '3', k: 0 },
    ];
    const cmp = compareBy<(typeof rows)[number]>(parseSortKeys('k'), (a, b) => a.id.localeCompare(b.id));
    expect([...rows].sort(cmp).map((r) => r.id)).toEqual(['3', '1', '2']);
  });
});

describe('fields', () => {
  const r = { id: '1', status: 'draft', name: 'n', meta: { a: 1, b: 2 }, other: true };

  it('IDM: nested pointers give nested objects, the always fields are kept', () => {
    expect(projectFields(r, parseFields('name,/meta/a'), ['id'])).toEqual({ id: '1', name: 'n', meta: { a: 1 } });
    expect(projectFields(r, parseFields(',other'), ['id'])).toEqual(r);
    expect(projectFields(r, undefined)).toEqual(r);
    expect(refused(() => parseFields('a//b'))).toContain('Invalid _fields');
  });

  it('IGA: a pointer keeps its whole top-level field; every always-present field stays', () => {
    const fields = parseFields('meta.a', IGA_DIALECT);
    expect(projectFields(r, fields, ['id', 'status'], IGA_DIALECT)).toEqual({ id: '1', status: 'draft', meta: r.meta });
    expect(projectFields(r, parseFields('', IGA_DIALECT), ['id'], IGA_DIALECT)).toEqual(r);
  });
});

describe('paging', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];

  it('CREST: page size (0 = all), offset or cookie, total policy', () => {
    expect(parsePaging(new URLSearchParams(''))).toEqual({ pageSize: 0, offset: 0, policy: 'NONE' });
    expect(parsePaging(new URLSearchParams('_pageSize=2&_pagedResultsCookie=3'))).toEqual({
      pageSize: 2,
      offset: 3,
      policy: 'NONE',
    });
    expect(refused(() => parsePaging(new URLSearchParams('_pageSize=x')))).toContain('non-negative integer');
    expect(refused(() => parsePaging(new URLSearchParams('_pagedResultsCookie=1&_pagedResultsOffset=1')))).toContain(
      'cannot be combined',
    );
    expect(pageOf(items, 1, 2)).toEqual(['b', 'c']);
    expect(pageOf(items, 3, 0)).toEqual(['d', 'e']);
  });

  it('_searchAfter: one function walks the pages by key; the key wins over the offset; a bad key is refused', () => {
    const seen: string[] = [];
    let key: string | null | undefined;
    do {
      const p = searchAfterPage(items, { pageSize: 2, ...(key ? { searchAfter: key } : {}) });
      seen.push(...p.slice);
      key = p.searchAfterKey;
    } while (key);
    expect(seen).toEqual(items);
    expect(searchAfterPage(items, { pageSize: 2, offset: 4 })).toEqual({ slice: ['e'], searchAfterKey: null });
    expect(searchAfterPage(items, { offset: 4, searchAfter: encodeBase64Url('1'), pageSize: 1 }).slice).toEqual(['b']);
    expect(searchAfterPage(items, {}).slice).toHaveLength(5); // 100 by default
    expect(refused(() => searchAfterPage(items, { searchAfter: encodeBase64Url('-1') }))).toBe(
      `Invalid _searchAfter '${encodeBase64Url('-1')}'`,
    );
  });
});
