/** PostgreSQL through a node-postgres pool, for DATABASE_URL: several nodes can share one database. */

import type { Db, Queryable, QueryResult } from './db.js';
import { importNodeOnly } from './node-only.js';

export interface PostgresStoreOptions {
  databaseUrl: string;
  /** Use this schema (search_path) for every connection: test isolation, or several engines in one database. */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
}

export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export async function openPostgres(options: PostgresStoreOptions): Promise<Db> {
  const pgModule = await importNodeOnly<typeof import('pg') & { default?: typeof import('pg') }>('pg');
  const pg = (pgModule.default ?? pgModule) as typeof import('pg');
  // bigint as a JS number, as PGlite does, so both stores return the same shapes (our counters stay far below 2^53).
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === 20
        ? (v: string) => Number(v)
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => {});
    throw new DatabaseUnreachableError(
      `Cannot reach PostgreSQL at ${redact(options.databaseUrl)}: ${(e as Error).message}`,
    );
  }
  const wrap = (c: { query: import('pg').Pool['query'] }): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      const r = await c.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client as unknown as { query: import('pg').Pool['query'] }));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
