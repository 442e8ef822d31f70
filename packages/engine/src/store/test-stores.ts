/**
 * Store factories for test suites: PGlite in memory always, and PostgreSQL in a fresh schema per store when
 * DATABASE_URL is set. Every suite can run on both:
 *
 *   describe.each(testStores())('jobs on $name', (factory) => { ... const { db } = await factory.create(); ... })
 */

import { bundledMigrations } from '../generated/migrations.js';
import type { Db } from './db.js';
import { type Migration, mergeMigrations, migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface TestStore {
  db: Db;
  /** Closes the database and opens the same data again, as a restart of the process does. Replaces `db`. */
  restart(): Promise<Db>;
  /** Another connection to the same data, as a second node has (PostgreSQL); PGlite has only one, so `db` itself. */
  connectAgain(): Promise<Db>;
  /** Closes every connection and drops the data (the schema on PostgreSQL). */
  close(): Promise<void>;
}

export interface TestStoreFactory {
  name: 'pglite' | 'postgres';
  /**
   * A fresh store. `before`: apply only the migrations numbered below it (a store as an older release left it);
   * `restart()` then applies the rest, as a new release opening it does.
   */
  create(options?: { migrations?: readonly Migration[]; before?: number }): Promise<TestStore>;
}

let counter = 0;

export function testStores(env: Record<string, string | undefined> = process.env): TestStoreFactory[] {
  const factories: TestStoreFactory[] = [{ name: 'pglite', create: createPglite }];
  const url = env.DATABASE_URL;
  if (url) factories.push({ name: 'postgres', create: (o) => createPostgres(url, o) });
  return factories;
}

async function createPglite(options: { migrations?: readonly Migration[]; before?: number } = {}): Promise<TestStore> {
  const all = mergeMigrations(bundledMigrations, options.migrations);
  let pglite = await openPglite(options.before === undefined ? {} : { snapshot: false });
  let db: Db = pglite;
  await migrate(db, firstOf(all, options.before));
  const store: TestStore = {
    db,
    async restart() {
      const dump = await pglite.dumpDataDir();
      await db.close();
      pglite = await openPglite({ snapshot: dump });
      db = pglite;
      await migrate(db, all);
      store.db = db;
      return db;
    },
    connectAgain: async () => db,
    close: () => db.close(),
  };
  return store;
}

async function createPostgres(
  databaseUrl: string,
  options: { migrations?: readonly Migration[]; before?: number } = {},
): Promise<TestStore> {
  const all = mergeMigrations(bundledMigrations, options.migrations);
  const schema = `wfkit_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = await openPostgres({ databaseUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const others: Db[] = [];
  let db = await openPostgres({ databaseUrl, schema });
  await migrate(db, firstOf(all, options.before));
  const store: TestStore = {
    db,
    async restart() {
      await db.close();
      db = await openPostgres({ databaseUrl, schema });
      await migrate(db, all);
      store.db = db;
      return db;
    },
    async connectAgain() {
      const other = await openPostgres({ databaseUrl, schema });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all([db, ...others].map((d) => d.close().catch(() => {})));
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    },
  };
  return store;
}

function firstOf(all: Migration[], before: number | undefined): Migration[] {
  return before === undefined ? all : all.filter((m) => m.number < before);
}
