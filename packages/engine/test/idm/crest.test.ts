import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ColumnMap,
  checkIfMatch,
  errorShape,
  filterToPredicate,
  filterToSql,
  ordered,
  parseFields,
  parseFilter,
  parsePaging,
  parseQueryRequest,
  parseSortKeys,
  projectFields,
  queryEnvelope,
  queryInMemory,
  queryInSql,
  SqlParams,
} from '../../src/apis/idm/crest/index.js';
import { ApiError } from '../../src/http/api-module.js';
import type { Db } from '../../src/store/db.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

function error400(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    return (e as ApiError).body as never;
  }
  throw new Error('expected a 400');
}

const docs = [
  {
    _id: 'a',
    name: 'Approve Contractor',
    priority: 50,
    done: false,
    tags: ['x', 'y'],
    vars: { amount: 10 },
    when: '2025-01-02T00:00:00.000Z',
  },
  {
    _id: 'b',
    name: 'Badge request',
    priority: 70,
    done: true,
    tags: [],
    vars: { amount: 200, who: 'ann' },
    when: '2025-03-01T00:00:00.000Z',
  },
  { _id: 'c', name: 'O\'Brien "quoted"', priority: null, done: false, tags: ['y'], vars: {}, when: null },
];

const ids = (filter: string) => docs.filter(filterToPredicate(parseFilter(filter))).map((d) => d._id);

describe('the _queryFilter parser', () => {
  it('parses literals, every operator, and/or/not and parentheses into an AST', () => {
    expect(parseFilter('true')).toEqual({ type: 'literal', value: true });
    expect(parseFilter('false')).toEqual({ type: 'literal', value: false });
    for (const op of ['eq', 'co', 'sw', 'lt', 'le', 'gt', 'ge'])
      expect(parseFilter(`/name ${op} "x"`)).toEqual({ type: 'compare', op, field: ['name'], value: 'x' });
    expect(parseFilter('name pr')).toEqual({ type: 'present', field: ['name'] });
    expect(parseFilter('!(a eq 1 or b eq 2.5) and c eq true')).toEqual({
      type: 'and',
      children: [
        {
          type: 'not',
          child: {
            type: 'or',
            children: [
              { type: 'compare', op: 'eq', field: ['a'], value: 1 },
              { type: 'compare', op: 'eq', field: ['b'], value: 2.5 },
            ],
          },
        },
        { type: 'compare', op: 'eq', field: ['c'], value: true },
      ],
    });
  });

  it('reads JSON pointers with escapes and nested segments, and both quote styles with backslash escapes', () => {
    expect(parseFilter("/a~1b/c~0d eq 'it\\'s'")).toEqual({
      type: 'compare',
      op: 'eq',
      field: ['a/b', 'c~d'],
      value: "it's",
    });
    expect(parseFilter('x eq "say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
    expect(parseFilter('x eq -3')).toMatchObject({ value: -3 });
    expect(parseFilter('x eq null')).toMatchObject({ value: null });
  });

  it('binds and tighter than or', () => {
    expect(ids('_id eq "a" or _id eq "b" and done eq false')).toEqual(['a']);
    expect(ids('(_id eq "a" or _id eq "b") and done eq false')).toEqual(['a']);
  });

  it.each([
    ['', 'empty'],
    ['name eq', 'expected a value'],
    ['name', "expected an operator after 'name'"],
    ['name foo "x"', "the operator 'foo' is not supported"],
    ['name eq "x', 'unterminated string'],
    ['name eq x', "'x' at position 8 is not a value"],
    ['(name pr', "missing ')'"],
    ['name pr)', "unexpected ')'"],
    ['name pr and', 'unexpected end'],
    ['a//b pr', 'empty segment'],
    ['a~2 pr', 'invalid escape'],
    ['name pr name pr', "unexpected 'name'"],
    ['and', "unexpected 'and'"],
  ])('answers 400 naming the problem for the malformed filter %j', (filter, problem) => {
    const body = error400(() => parseFilter(filter));
    expect(body.code).toBe(400);
    expect(body.reason).toBe('Bad Request');
    expect(body.message).toContain('Invalid _queryFilter');
    expect(body.message).toContain(problem);
  });
});

describe('the in-memory predicate', () => {
  it('implements every operator with CREST semantics', () => {
    expect(ids('true')).toEqual(['a', 'b', 'c']);
    expect(ids('false')).toEqual([]);
    expect(ids('name eq "Badge request"')).toEqual(['b']);
    expect(ids('name co "request"')).toEqual(['b']);
    expect(ids('name co "REQUEST"')).toEqual([]);
    expect(ids('name sw "Appr"')).toEqual(['a']);
    expect(ids('priority lt 70')).toEqual(['a']);
    expect(ids('priority le 70')).toEqual(['a', 'b']);
    expect(ids('priority gt 50')).toEqual(['b']);
    expect(ids('priority ge 50')).toEqual(['a', 'b']);
    expect(ids('priority pr')).toEqual(['a', 'b']);
    expect(ids('!priority pr')).toEqual(['c']);
    expect(ids('done eq true')).toEqual(['b']);
    expect(ids('/vars/amount gt 100')).toEqual(['b']);
    expect(ids('vars/who pr')).toEqual(['b']);
    expect(ids('tags eq "y"')).toEqual(['a', 'c']);
    expect(ids('name eq "O\'Brien \\"quoted\\""')).toEqual(['c']);
    expect(ids('when lt "2025-02-01"')).toEqual(['a']);
  });

  it('matches nothing on missing fields or values of another type', () => {
    expect(ids('nope eq "x"')).toEqual([]);
    expect(ids('priority eq "50"')).toEqual([]);
    expect(ids('!(nope eq "x")')).toEqual(['a', 'b', 'c']);
  });
});

const COLUMNS: ColumnMap = {
  _id: { sql: 'id', type: 'text' },
  name: { sql: 'name', type: 'text' },
  priority: { sql: 'priority', type: 'number' },
  done: { sql: 'done', type: 'boolean' },
  tags: { sql: 'tags', type: 'text[]' },
  vars: { sql: 'vars', type: 'jsonb' },
  when: { sql: 'at', type: 'timestamp' },
};

describe.each(testStores())('the SQL translation on $name', (factory) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await factory.create();
    db = store.db;
    await db.exec(
      `CREATE TABLE crest_t (id text PRIMARY KEY, name text, priority integer, done boolean, tags text[], vars jsonb, at timestamptz)`,
    );
    for (const d of docs)
      await db.query('INSERT INTO crest_t VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7)', [
        d._id,
        d.name,
        d.priority,
        d.done,
        d.tags,
        JSON.stringify(d.vars),
        d.when,
      ]);
  });
  afterAll(() => store.close());

  const sqlIds = async (filter: string) => {
    const params = new SqlParams();
    const where = filterToSql(parseFilter(filter), COLUMNS, params);
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM crest_t WHERE ${where} ORDER BY id`, params.values);
    return rows.map((r) => r.id);
  };

  it.each([
    'true',
    'false',
    'name eq "Badge request"',
    'name co "request"',
    'name co "REQUEST"',
    'name sw "Appr"',
    'priority lt 70',
    'priority le 70',
    'priority gt 50',
    'priority ge 50',
    'priority pr',
    '!priority pr',
    '!(priority gt 60)',
    'done eq true',
    'done eq false and priority pr',
    '/vars/amount gt 100',
    'vars/amount eq 10',
    'vars/who eq "ann"',
    'vars/who sw "a"',
    'vars/who pr',
    'tags eq "y"',
    'tags co "x"',
    'tags pr',
    'name eq "O\'Brien \\"quoted\\""',
    'when lt "2025-02-01"',
    'when ge "2025-01-02T00:00:00.000Z"',
    'when sw "2025-03"',
    'nope eq "x"',
    '!(nope eq "x")',
    'priority eq "50"',
    'name eq 5',
    '(_id eq "a" or _id eq "b") and !(done eq true)',
  ])('gives the same answer as the in-memory predicate for %j', async (filter) => {
    expect(await sqlIds(filter)).toEqual(ids(filter));
  });

  it('parameterises values (no SQL injection through literals)', async () => {
    const params = new SqlParams();
    const where = filterToSql(parseFilter(`name eq "x'; DROP TABLE crest_t; --"`), COLUMNS, params);
    expect(where).not.toContain('DROP');
    expect(await sqlIds(`name eq "x'; DROP TABLE crest_t; --"`)).toEqual([]);
    expect(await sqlIds('true')).toHaveLength(3);
  });

  it('pages, sorts and counts a SQL query', async () => {
    const q = {
      queryId: undefined,
      filter: parseFilter('true'),
      paging: { pageSize: 2, offset: 0, policy: 'EXACT' as const },
      sortKeys: [{ field: 'priority', descending: true }],
      fields: undefined,
    };
    const spec = { select: 'SELECT id FROM crest_t', from: 'FROM crest_t', columns: COLUMNS, tieBreaker: 'id' };
    const first = await queryInSql<{ id: string }>(db, q, spec);
    expect(first.rows.map((r) => r.id)).toEqual(['c', 'b']);
    expect(first).toMatchObject({ total: 3, more: true });
    const env = queryEnvelope(first.rows, q.paging, first);
    expect(env).toMatchObject({
      resultCount: 2,
      pagedResultsCookie: '2',
      totalPagedResultsPolicy: 'EXACT',
      totalPagedResults: 3,
    });
    const second = await queryInSql<{ id: string }>(
      db,
      { ...q, paging: { ...q.paging, offset: 2, policy: 'NONE' } },
      spec,
    );
    expect(second.rows.map((r) => r.id)).toEqual(['a']);
    expect(queryEnvelope(second.rows, { ...q.paging, offset: 2, policy: 'NONE' }, second)).toMatchObject({
      pagedResultsCookie: null,
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
    });
  });
});

const ctxOf = (qs: string, sortKeys: string[] = ['_id', 'name', 'priority']) => ({
  rawQuery: new URLSearchParams(qs),
  operation: { operation: { 'x-wfkit-sort-keys': sortKeys } } as never,
});

describe('CREST query parameters', () => {
  it('requires exactly one of _queryFilter and _queryId, and knows the query ids of the resource', () => {
    expect(error400(() => parseQueryRequest(ctxOf(''))).message).toContain('exactly one');
    expect(error400(() => parseQueryRequest(ctxOf('_queryFilter=true&_queryId=query-all-ids'))).message).toContain(
      'mutually exclusive',
    );
    expect(
      error400(() =>
        parseQueryRequest(ctxOf('_queryId=gettasksview'), { queryIds: ['query-all-ids'], what: 'task instances' }),
      ).message,
    ).toBe("Unknown query 'gettasksview' to get task instances.");
    expect(parseQueryRequest(ctxOf('_queryFilter=true')).queryId).toBe('query-all-ids');
    expect(parseQueryRequest(ctxOf('_queryFilter=name pr')).queryId).toBeUndefined();
  });

  it('reads paging: page size, offset, the cookie (offset of the next result) and the total policy', () => {
    expect(parsePaging(ctxOf(''))).toEqual({ pageSize: 0, offset: 0, policy: 'NONE' });
    expect(parsePaging(ctxOf('_pageSize=5&_pagedResultsOffset=10&_totalPagedResultsPolicy=EXACT'))).toEqual({
      pageSize: 5,
      offset: 10,
      policy: 'EXACT',
    });
    expect(parsePaging(ctxOf('_pageSize=5&_pagedResultsCookie=15'))).toMatchObject({ offset: 15 });
    expect(error400(() => parsePaging(ctxOf('_pagedResultsCookie=5&_pagedResultsOffset=3'))).message).toContain(
      'cannot be combined',
    );
    expect(error400(() => parsePaging(ctxOf('_pagedResultsCookie=abc'))).message).toContain(
      'Invalid _pagedResultsCookie',
    );
    expect(error400(() => parsePaging(ctxOf('_totalPagedResultsPolicy=SOME'))).message).toContain(
      'NONE, ESTIMATE or EXACT',
    );
  });

  it('checks sort keys against the operation and reads - for descending', () => {
    expect(parseSortKeys('-priority,+name,_id', ['_id', 'name', 'priority'])).toEqual([
      { field: 'priority', descending: true },
      { field: 'name', descending: false },
      { field: '_id', descending: false },
    ]);
    expect(error400(() => parseSortKeys('colour', ['_id'])).message).toBe(
      "Unsupported sort key 'colour' (supported: _id).",
    );
  });

  it('projects _fields, nested ones too, always keeping _id; an empty entry means every field', () => {
    const r = { _id: '1', _rev: '2', name: 'n', vars: { a: 1, b: 2 }, other: true };
    expect(projectFields(r, parseFields('name,/vars/a'))).toEqual({ _id: '1', name: 'n', vars: { a: 1 } });
    expect(projectFields(r, parseFields(',diagram'))).toEqual(r);
    expect(projectFields(r, undefined)).toEqual(r);
    expect(error400(() => parseFields('a//b')).message).toContain('Invalid _fields');
  });

  it('pages, sorts, filters and projects in memory with the envelope', () => {
    const q = parseQueryRequest(ctxOf('_queryFilter=priority pr&_sortKeys=-priority&_pageSize=1&_fields=name'));
    expect(queryInMemory(docs, q)).toEqual({
      result: [{ _id: 'b', name: 'Badge request' }],
      resultCount: 1,
      pagedResultsCookie: '1',
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
      remainingPagedResults: -1,
    });
    const all = parseQueryRequest(ctxOf('_queryFilter=true&_totalPagedResultsPolicy=ESTIMATE&_sortKeys=_id'));
    expect(queryInMemory(docs, all)).toMatchObject({
      resultCount: 3,
      pagedResultsCookie: null,
      totalPagedResultsPolicy: 'EXACT',
      totalPagedResults: 3,
    });
  });
});

describe('CREST resources and errors', () => {
  it('orders _id and _rev first, then the properties alphabetically', () => {
    expect(Object.keys(ordered({ z: 1, _rev: '1', a: 2, _id: 'x' }))).toEqual(['_id', '_rev', 'a', 'z']);
  });

  it('honours If-Match: absent and * match, the revision matches quoted or not, anything else is a 412', () => {
    expect(() => checkIfMatch(new Headers(), '3')).not.toThrow();
    expect(() => checkIfMatch(new Headers({ 'if-match': '*' }), undefined)).not.toThrow();
    expect(() => checkIfMatch(new Headers({ 'if-match': '"3"' }), '3')).not.toThrow();
    expect(() => checkIfMatch(new Headers({ 'if-match': '3' }), 3)).not.toThrow();
    try {
      checkIfMatch(new Headers({ 'if-match': '2' }), '3');
      throw new Error('no 412');
    } catch (e) {
      expect((e as ApiError).status).toBe(412);
      expect((e as ApiError).body).toEqual({
        code: 412,
        reason: 'Precondition Failed',
        message: "Resource version '3' does not match the requested version '2'.",
      });
    }
    expect(() => checkIfMatch(new Headers({ 'if-match': '1' }), undefined)).toThrow();
  });

  it('answers framework errors in the CREST error body', () => {
    const ectx = { requestId: 'r1', method: 'GET', path: '/x' };
    expect(errorShape.notFound(ectx).body).toEqual({ code: 404, reason: 'Not Found', message: 'Not Found' });
    expect(errorShape.unauthorized(ectx).body).toEqual({ code: 401, reason: 'Unauthorized', message: 'Access Denied' });
    expect(errorShape.internal(ectx).body).toEqual({
      code: 500,
      reason: 'Internal Server Error',
      message: 'Internal Server Error',
      detail: { requestId: 'r1' },
    });
    expect(
      errorShape.validation(
        [
          {
            in: 'body',
            field: 'userId',
            pointer: '/userId',
            message: "must have required property 'userId'",
            keyword: 'required',
          },
        ],
        ectx,
      ).body,
    ).toEqual({
      code: 400,
      reason: 'Bad Request',
      message: "body/userId: must have required property 'userId'",
      detail: { errors: [{ path: 'body/userId', message: "must have required property 'userId'" }] },
    });
  });
});
