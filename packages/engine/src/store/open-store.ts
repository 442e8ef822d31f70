/** One entry point for a store: PostgreSQL when a URL is given, else PGlite in a folder, else PGlite in memory. */

import { bundledMigrations } from '../generated/migrations.js';
import type { Db } from './db.js';
import { type Migration, mergeMigrations, migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface StoreOptions {
  /** PostgreSQL connection URL; wins over dataDir. */
  databaseUrl?: string;
  /** PostgreSQL schema (search_path) to work in. */
  schema?: string;
  /** PGlite data folder. */
  dataDir?: string;
  /** PGlite in memory (the default when neither databaseUrl nor dataDir is given). */
  memory?: boolean;
  /** Prepared PGlite data directory tarball (browsers: fetch it; Node finds the shipped one). */
  snapshot?: Blob;
  /** Migrations to apply besides the bundled ones; `false` skips migrating. */
  migrations?: readonly Migration[] | false;
}

export async function openStore(options: StoreOptions = {}): Promise<Db> {
  const db = options.databaseUrl
    ? await openPostgres({ databaseUrl: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) })
    : await openPglite({
        ...(options.dataDir && !options.memory ? { dataDir: options.dataDir } : {}),
        ...(options.snapshot ? { snapshot: options.snapshot } : {}),
      });
  if (options.migrations !== false) {
    try {
      await migrate(db, mergeMigrations(bundledMigrations, options.migrations));
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  return db;
}

/** Describes a store for humans (start-up line), without secrets. */
export function describeStore(options: StoreOptions): string {
  if (options.databaseUrl) {
    try {
      const u = new URL(options.databaseUrl);
      return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}${options.schema ? ` (schema ${options.schema})` : ''}`;
    } catch {
      return 'PostgreSQL';
    }
  }
  return options.dataDir && !options.memory ? `PGlite in ${options.dataDir}` : 'PGlite in memory';
}
