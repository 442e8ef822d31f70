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

/**
 * Names for prepared statements: each connection parses and plans a statement text once and PostgreSQL keeps the
 * plan, instead of once per run. The same text gets the same name on every connection of the pool; texts past the
 * first LIMIT run unnamed (node-postgres never releases a name, and filters built from requests can make many).
 */
class StatementNames {
  private static readonly LIMIT = 500;
  private readonly names = new Map<string, string | undefined>();

  of(sql: string): string | undefined {
    if (this.names.has(sql)) return this.names.get(sql);
    if (this.names.size >= StatementNames.LIMIT) return undefined;
    const name = `wf_${this.names.size.toString(36)}`;
    this.names.set(sql, name);
    return name;
  }

  /** Whether e is PostgreSQL refusing a stale cached plan of sql; if so, sql runs unnamed from now on. */
  isStale(e: unknown, sql: string): boolean {
    const stale =
      (e as { code?: unknown })?.code === '0A000' && /cached plan must not change result type/.test(String(e));
    if (stale) this.names.set(sql, undefined);
    return stale;
  }
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
  const names = new StatementNames();
  const wrap = (c: { query: import('pg').Pool['query'] }, inTransaction: boolean): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      if (!params?.length) {
        const r = await c.query(sql);
        return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
      }
      const run = () => c.query({ text: sql, values: params as unknown[], name: names.of(sql) });
      let r: import('pg').QueryResult;
      try {
        r = await run();
      } catch (e) {
        // A plan cached before a migration changed a table's columns: run that text unnamed from now on.
        if (!names.isStale(e, sql) || inTransaction) throw e;
        r = await run();
      }
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool, false),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client as unknown as { query: import('pg').Pool['query'] }, true));
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
