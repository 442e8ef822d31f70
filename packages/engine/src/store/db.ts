/**
 * The one database interface the engine talks to. Two implementations: PGlite (embedded, a data folder or memory)
 * and PostgreSQL (node-postgres pool, from DATABASE_URL). SQL is PostgreSQL's dialect on both.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs several statements without parameters and returns no rows (migrations need this; `query` is one statement). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * True when transactions run one at a time (PGlite: one session). A row lock taken inside one then guards nothing
   * another transaction could do, so the runtime skips the statements that only lock. Absent: locks are taken.
   */
  readonly serializesTransactions?: boolean;
  /** Runs fn in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
