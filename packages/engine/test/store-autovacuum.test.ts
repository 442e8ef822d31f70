/**
 * PGlite has no autovacuum launcher; the store runs autovacuum's passes itself. Without them a churned table keeps
 * every dead row (the runtime's task and execution rows live minutes), and lookups slow down as instances accumulate.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Queryable } from '../src/store/db.js';
import { openPglite } from '../src/store/pglite.js';
import { startAutovacuum, type TableActivity, tablesDue, vacuumDue } from '../src/store/pglite-autovacuum.js';

const activity = (over: Partial<TableActivity>): TableActivity => ({
  table: 't',
  reltuples: 0,
  dead: 0,
  insertedSinceVacuum: 0,
  modifiedSinceAnalyze: 0,
  ...over,
});

describe('tablesDue (autovacuum default thresholds)', () => {
  it('vacuums past 50 + 20% dead rows, or 1000 + 20% inserts since the last vacuum', () => {
    expect(tablesDue([activity({ dead: 50 })]).vacuum).toEqual([]);
    expect(tablesDue([activity({ dead: 51 })]).vacuum).toEqual(['t']);
    expect(tablesDue([activity({ reltuples: 1000, dead: 250 })]).vacuum).toEqual([]);
    expect(tablesDue([activity({ reltuples: 1000, dead: 251 })]).vacuum).toEqual(['t']);
    expect(tablesDue([activity({ insertedSinceVacuum: 1001 })]).vacuum).toEqual(['t']);
    // -1: never vacuumed nor analyzed, counted as empty
    expect(tablesDue([activity({ reltuples: -1, dead: 51 })]).vacuum).toEqual(['t']);
  });

  it('analyzes alone past 50 + 10% changed rows, and not again when the table is vacuumed (VACUUM ANALYZE)', () => {
    expect(tablesDue([activity({ reltuples: 1000, modifiedSinceAnalyze: 150 })])).toEqual({ vacuum: [], analyze: [] });
    expect(tablesDue([activity({ reltuples: 1000, modifiedSinceAnalyze: 151 })])).toEqual({
      vacuum: [],
      analyze: ['t'],
    });
    expect(tablesDue([activity({ dead: 60, modifiedSinceAnalyze: 500 })])).toEqual({ vacuum: ['t'], analyze: [] });
  });
});

describe('the PGlite store', () => {
  const deadRows = async (db: Queryable) =>
    (
      await db.query<{ dead: number; vacuumed: boolean }>(
        `SELECT n_dead_tup::int AS dead, last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables
         WHERE relname = 'churn'`,
      )
    ).rows[0];
  const churn = async (db: Queryable) => {
    await db.exec('CREATE TABLE churn (id int PRIMARY KEY, v text)');
    for (let round = 0; round < 3; round++) {
      await db.query("INSERT INTO churn SELECT g, 'x' FROM generate_series(1, 200) g");
      await db.query('DELETE FROM churn');
    }
  };

  it('vacuums a churned table by itself', async () => {
    const db = await openPglite({ autovacuum: { naptimeMs: 20 } });
    try {
      await churn(db);
      await vi.waitFor(async () => expect(await deadRows(db)).toEqual({ dead: 0, vacuumed: true }), {
        timeout: 10_000,
        interval: 50,
      });
    } finally {
      await db.close();
    }
  });

  it('keeps the dead rows when autovacuum is off', async () => {
    const db = await openPglite({ autovacuum: false });
    try {
      await churn(db);
      // a session's statistics reach pg_stat_user_tables at most once a second
      await vi.waitFor(async () => expect((await deadRows(db))?.dead).toBeGreaterThan(50), {
        timeout: 10_000,
        interval: 100,
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(await deadRows(db)).toMatchObject({ vacuumed: false });
    } finally {
      await db.close();
    }
  });
});

describe('vacuumDue', () => {
  it('runs a statement per table, so nothing waits on every table at once', async () => {
    const ran: string[] = [];
    const db: Queryable = {
      async query<T>() {
        const rows = [
          activity({ table: 'a', dead: 60 }),
          activity({ table: 'b', dead: 70 }),
          activity({ table: 'c', modifiedSinceAnalyze: 60 }),
        ];
        return { rows: rows as T[], rowCount: rows.length };
      },
      exec: async (sql) => {
        ran.push(sql);
      },
    };
    expect(await vacuumDue(db)).toEqual(['VACUUM (ANALYZE) a', 'VACUUM (ANALYZE) b', 'ANALYZE c']);
    expect(ran).toEqual(['VACUUM (ANALYZE) a', 'VACUUM (ANALYZE) b', 'ANALYZE c']);
  });
});

describe('startAutovacuum', () => {
  it('reports a failed pass and runs the next one; stop ends the passes', async () => {
    let calls = 0;
    const db: Queryable = {
      async query<T>() {
        calls++;
        if (calls === 1) throw new Error('store busy');
        return { rows: [] as T[], rowCount: 0 };
      },
      exec: async () => {},
    };
    const errors: unknown[] = [];
    const av = startAutovacuum(db, { naptimeMs: 5, onError: (e) => errors.push(e) });
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(3));
    await av.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toBe(after);
    expect(errors.map(String)).toEqual(['Error: store busy']);
  });
});
