import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledMigrations } from '../src/generated/migrations.js';
import { DataDirLockedError } from '../src/store/data-dir-lock.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { openStore } from '../src/store/open-store.js';
import { testStores } from '../src/store/test-stores.js';

describe.each(testStores())('store on $name', (factory) => {
  it('applies the bundled migrations once and records them', async () => {
    const store = await factory.create();
    try {
      const { rows } = await store.db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.id)).toContain('002_jobs');
      expect(await migrate(store.db, [{ id: '002_jobs', number: 2, sql: 'SELECT 1/0' }])).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('applies new migrations in number order, in one transaction that rolls back on failure', async () => {
    const store = await factory.create();
    try {
      const applied = await migrate(store.db, [
        { id: '991_b', number: 991, sql: 'ALTER TABLE t_a ADD COLUMN y int;' },
        { id: '990_a', number: 990, sql: 'CREATE TABLE t_a (x int); CREATE TABLE t_b (x int);' },
      ]);
      expect(applied).toEqual(['990_a', '991_b']);
      await expect(
        migrate(store.db, [
          { id: '992_ok', number: 992, sql: 'CREATE TABLE t_c (x int);' },
          { id: '993_bad', number: 993, sql: 'CREATE TABLE t_a (x int);' },
        ]),
      ).rejects.toThrow(/993_bad failed/);
      const { rows } = await store.db.query(`SELECT id FROM schema_migrations WHERE id = '992_ok'`);
      expect(rows).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('does not race when two connections migrate at once', async () => {
    const store = await factory.create();
    try {
      const other = await store.connectAgain();
      const m = [{ id: '995_race', number: 995, sql: 'CREATE TABLE t_race (x int);' }];
      const results = await Promise.all([migrate(store.db, m), migrate(other, m)]);
      expect(results.flat()).toEqual(['995_race']);
    } finally {
      await store.close();
    }
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const store = await factory.create();
    const db: Db = store.db;
    try {
      await db.exec('CREATE TABLE t_tx (x int)');
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO t_tx VALUES ($1)', [1]);
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t_tx VALUES ($1)', [2]);
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      const { rows, rowCount } = await db.query<{ x: number }>('SELECT x FROM t_tx');
      expect(rows).toEqual([{ x: 1 }]);
      expect(rowCount).toBe(1);
    } finally {
      await store.close();
    }
  });

  // Statements with parameters run as named prepared statements (planned once per connection).
  it('reruns a statement with new values, rows and types intact, in and out of transactions', async () => {
    const store = await factory.create();
    const db: Db = store.db;
    try {
      await db.exec('CREATE TABLE t_prep (id text PRIMARY KEY, n int, j jsonb, at timestamptz, tags text[])');
      const insert = 'INSERT INTO t_prep (id, n, j, at, tags) VALUES ($1, $2, $3, $4, $5) RETURNING n, j';
      const first = await db.query(insert, ['a', 1, JSON.stringify({ k: 'v' }), new Date(0), ['x']]);
      expect(first).toEqual({ rows: [{ n: 1, j: { k: 'v' } }], rowCount: 1 });
      await db.transaction(async (tx) => {
        const r = await tx.query(insert, ['b', 2, null, null, null]);
        expect(r.rows).toEqual([{ n: 2, j: null }]);
        expect((await tx.query('SELECT count(*)::int AS c FROM t_prep')).rows).toEqual([{ c: 2 }]);
      });
      const read = 'SELECT id, n, at, tags FROM t_prep WHERE id = ANY($1) ORDER BY id';
      for (let i = 0; i < 7; i++) expect((await db.query(read, [['a', 'b']])).rowCount).toBe(2); // past custom plans
      const { rows } = await db.query(read, [['a']]);
      expect(rows).toEqual([{ id: 'a', n: 1, at: new Date(0), tags: ['x'] }]);
      await expect(db.query(insert, ['a', 3, null, null, null])).rejects.toMatchObject({ code: '23505' });
      expect((await db.query(insert, ['c', 3, null, null, null])).rows).toEqual([{ n: 3, j: null }]);
    } finally {
      await store.close();
    }
  });

  it('runs a prepared SELECT * again after a migration changed the table', async () => {
    const store = await factory.create();
    const db: Db = store.db;
    try {
      await db.exec('CREATE TABLE t_stale (id text PRIMARY KEY)');
      await db.query('INSERT INTO t_stale VALUES ($1)', ['a']);
      const read = 'SELECT * FROM t_stale WHERE id = $1';
      expect((await db.query(read, ['a'])).rows).toEqual([{ id: 'a' }]);
      await db.exec('ALTER TABLE t_stale ADD COLUMN n int DEFAULT 7');
      expect((await db.query(read, ['a'])).rows).toEqual([{ id: 'a', n: 7 }]);
    } finally {
      await store.close();
    }
  });

  it('rolls back a transaction whose statement failed, and runs the next one', async () => {
    const store = await factory.create();
    const db: Db = store.db;
    try {
      await db.exec('CREATE TABLE t_fail (id text PRIMARY KEY)');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t_fail VALUES ($1)', ['a']);
          await tx.query('INSERT INTO t_fail VALUES ($1)', ['a']);
        }),
      ).rejects.toMatchObject({ code: '23505' });
      // A failed first statement: its BEGIN went with it, so there is a transaction to roll back.
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t_fail VALUES ($1::int / 0)', [1]);
        }),
      ).rejects.toMatchObject({ code: '22012' });
      expect(await db.transaction(async () => 'nothing run')).toBe('nothing run');
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO t_fail VALUES ($1)', ['b']);
      });
      expect((await db.query('SELECT id FROM t_fail')).rows).toEqual([{ id: 'b' }]);
    } finally {
      await store.close();
    }
  });
});

describe('PGlite prepared statements', () => {
  it('keeps at most 200 prepared, closing the least recently used, and still runs an evicted one', async () => {
    const db = await openStore({});
    try {
      const count = async () =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows[0]!.n;
      for (let i = 0; i < 230; i++) await db.query(`SELECT $1::int + ${i} AS v`, [1]);
      expect(await count()).toBeGreaterThan(150);
      expect(await count()).toBeLessThanOrEqual(200);
      expect((await db.query('SELECT $1::int + 0 AS v', [5])).rows).toEqual([{ v: 5 }]);
    } finally {
      await db.close();
    }
  });
});

describe('PGlite data folder', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'wfkit-store-'));
    dirs.push(d);
    return join(d, 'data');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('runs with a small shared_buffers (PGlite defaults to 160MB of WASM heap)', async () => {
    const a = await openStore({ dataDir: tempDir() });
    expect((await a.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers).toBe('16MB');
    await a.close();
  });

  it('keeps data across a close and reopen', async () => {
    const dataDir = tempDir();
    const a = await openStore({ dataDir });
    await a.exec('CREATE TABLE kept (x int); INSERT INTO kept VALUES (7);');
    await a.close();
    const b = await openStore({ dataDir });
    expect((await b.query('SELECT x FROM kept')).rows).toEqual([{ x: 7 }]);
    await b.close();
  });

  it('refuses a second open of the same folder with a clear message, and allows it after close', async () => {
    const dataDir = tempDir();
    const a = await openStore({ dataDir });
    await expect(openStore({ dataDir })).rejects.toThrow(DataDirLockedError);
    await expect(openStore({ dataDir })).rejects.toThrow(/in use by another wfkit process \(pid \d+\)/);
    await a.close();
    const b = await openStore({ dataDir });
    await b.close();
  });

  it('starts a new data folder from the prepared snapshot with every bundled migration recorded', async () => {
    const dataDir = tempDir();
    const db = await openStore({ dataDir, migrations: false });
    const { rows } = await db.query<{ id: string }>('SELECT id FROM schema_migrations');
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(bundledMigrations.map((m) => m.id)));
    await db.close();
  });

  it('redoes an interrupted start (files but no PG_VERSION) instead of taking it for a database', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'base', 'leftover'), 'x');
    const db = await openStore({ dataDir });
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await db.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = tempDir();
    const a = await openStore({ dataDir });
    await a.close();
    // pid 2^22+1 is above Linux's pid_max default range, so no process has it.
    writeFileSync(
      join(dataDir, 'wfkit.lock'),
      JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname() }),
    );
    const b = await openStore({ dataDir });
    expect(JSON.parse(readFileSync(join(dataDir, 'wfkit.lock'), 'utf8')).pid).toBe(process.pid);
    await b.close();
  });
});
