/**
 * The PGlite store writes its Bind messages (store/pg-bind.ts) and reads statement replies from the wire bytes
 * itself (store/pg-reply.ts): the messages must be byte for byte what PGlite's serializer writes, rows must come out
 * exactly as PGlite's own query path types them, for every kind of column the engine stores, and its errors must be
 * PGlite's errors.
 */
import { PGlite, protocol } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { bindExecuteSync, cString } from '../src/store/pg-bind.js';
import { openPglite } from '../src/store/pglite.js';
import { loadSnapshot } from '../src/store/snapshot.js';

describe('PGlite Bind messages', () => {
  it.each([[[]], [[null]], [['', 'a', null, 'zażółć 🐘', 'x'.repeat(70_000), '\ud800 lone surrogate']]])(
    'are what PGlite writes for %#',
    (values: (string | null)[]) => {
      const begin = protocol.serialize.query('BEGIN');
      const theirs = [
        begin,
        protocol.serialize.bind({ statement: 'wf_1z', values }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ];
      const expected = new Uint8Array(theirs.reduce((n, m) => n + m.length, 0));
      let at = 0;
      for (const m of theirs) {
        expected.set(m, at);
        at += m.length;
      }
      expect(Buffer.from(bindExecuteSync([begin], cString('wf_1z'), values)).equals(Buffer.from(expected))).toBe(true);
    },
  );
});

describe('PGlite statement replies', () => {
  let db: Db;
  let plain: PGlite;
  beforeAll(async () => {
    db = await openPglite({ autovacuum: false });
    const tar = await loadSnapshot();
    plain = await PGlite.create(tar ? { loadDataDir: new Blob([tar as Uint8Array<ArrayBuffer>]) } : {});
  });
  afterAll(async () => {
    await db?.close();
    await plain?.close();
  });

  const sql = `SELECT $1::int4 AS i4, $2::int8 AS i8, $3::numeric AS num, $4::float8 AS f8, $5::bool AS b,
    $6::text AS t, $7::json AS j, $8::jsonb AS jb, $9::timestamptz AS ts, $10::date AS d, $11::text[] AS ta,
    $12::int4[] AS ia, $13::uuid AS u, $14::bytea AS by, NULL::text AS n, $15::text AS same, $16::text AS same`;
  const params = [
    [
      -7,
      '9007199254740993',
      '12345.678901234567890',
      1.5e-10,
      true,
      'zażółć 🐘 "q" \\ \n',
      '{"a":[1,2]}',
      { b: { c: null } },
      new Date('2026-12-05T06:13:07.123Z'),
      '2026-02-28',
      ['x', 'y,z', null],
      [1, 2, 3],
      '0190e4e2-5b7a-7c3d-9f1e-2a3b4c5d6e7f',
      new Uint8Array([0, 1, 254, 255]),
      'first',
      'second',
    ],
    [
      0,
      '0',
      '0',
      0,
      false,
      '',
      'null',
      [],
      new Date(0),
      '1970-01-01',
      [],
      [],
      '00000000-0000-0000-0000-000000000000',
      new Uint8Array([]),
      '',
      '',
    ],
    [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  ];

  it.each(params.map((p, i) => [i, p] as const))('types row %i as PGlite does', async (_, p) => {
    const ours = await db.query(sql, p);
    const theirs = await plain.query(sql, p);
    expect(ours.rows).toEqual(theirs.rows);
    // twice more: the statement is prepared once, then only bound and run
    expect((await db.query(sql, p)).rows).toEqual(theirs.rows);
  });

  it('returns many rows and counts the rows a statement changes', async () => {
    await db.exec('CREATE TABLE reply_t (id int PRIMARY KEY, v text)');
    const inserted = await db.query(
      "INSERT INTO reply_t SELECT g, repeat('v', g) FROM generate_series(1, $1::int) g",
      [3000],
    );
    expect(inserted.rowCount).toBe(3000);
    const { rows } = await db.query<{ id: number; v: string }>(
      'SELECT id, v FROM reply_t WHERE id > $1 ORDER BY id',
      [0],
    );
    expect(rows).toHaveLength(3000);
    expect(rows[2999]).toEqual({ id: 3000, v: 'v'.repeat(3000) });
    const updated = await db.transaction((tx) => tx.query('UPDATE reply_t SET v = $1 WHERE id <= $2', ['u', 10]));
    expect(updated.rowCount).toBe(10);
  });

  it("throws PGlite's database error, with its code, and the next statement runs", async () => {
    await db.exec('CREATE TABLE reply_u (id int PRIMARY KEY)');
    await db.query('INSERT INTO reply_u VALUES ($1)', [1]);
    const error = await db.query('INSERT INTO reply_u VALUES ($1)', [1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 'reply_u_pkey' });
    const inTx = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO reply_u VALUES ($1)', [2]);
        await tx.query('INSERT INTO reply_u VALUES ($1)', [2]);
      })
      .catch((e: unknown) => e);
    expect(inTx).toMatchObject({ code: '23505' });
    expect((await db.query('SELECT count(*)::int AS n FROM reply_u WHERE id > $1', [0])).rows).toEqual([{ n: 1 }]);
  });
});
