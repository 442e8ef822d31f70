import type { Db, Queryable } from '../../src/store/db.js';

/**
 * A store wrapper that counts SQL round trips: every statement, plus BEGIN and COMMIT of each transaction. Round-trip
 * tests assert on it, so a change that adds a statement shows up as a failing count rather than a slower benchmark.
 */
export function countingDb(db: Db) {
  let trips = 0;
  let transactions = 0;
  const statements: string[] = [];
  const wrap = (q: Queryable): Queryable => ({
    query(sql, params) {
      trips++;
      statements.push(sql);
      return q.query(sql, params);
    },
    exec(sql) {
      trips++;
      return q.exec(sql);
    },
  });
  const counted: Db = {
    kind: db.kind,
    ...(db.serializesTransactions ? { serializesTransactions: true } : {}),
    ...wrap(db),
    transaction(fn) {
      trips += 2; // BEGIN and COMMIT
      transactions++;
      return db.transaction((tx) => fn(wrap(tx)));
    },
    close: () => db.close(),
  };
  return {
    db: counted,
    trips: () => trips,
    transactions: () => transactions,
    /** The statements run since the last reset. */
    statements: () => [...statements],
    reset: () => {
      trips = 0;
      transactions = 0;
      statements.length = 0;
    },
  };
}
