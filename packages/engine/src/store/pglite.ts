/** The embedded store: PGlite (PostgreSQL in WASM), in a data folder or in memory. */
import type { Db, Queryable, QueryResult } from './db.js';
import { importNodeOnly } from './node-only.js';
import { type AutovacuumOptions, startAutovacuum } from './pglite-autovacuum.js';
import { PgliteConnection, type PgliteHandle, type PgliteTransaction } from './pglite-connection.js';
import { extractShippedSnapshot, loadSnapshot } from './snapshot.js';
import { onNode, pgliteBrowserOptions } from './wasm-assets.js';

export interface PgliteStoreOptions {
  /** A folder for the data; omitted: in memory. */
  dataDir?: string;
  /**
   * A prepared data directory tarball for new databases; default: the one shipped with the package (Node), which has
   * every bundled migration applied. `false`: an empty database (e.g. to apply an older release's migrations).
   */
  snapshot?: Blob | false;
  /**
   * PostgreSQL's `shared_buffers`; default 16MB. PGlite's own default (160MB) lives in the WASM heap, so it shows up
   * as ~100 MB more resident memory at idle, for a page cache that the data folder's OS cache already provides.
   */
  sharedBuffers?: string;
  /** The VACUUM and ANALYZE passes PostgreSQL's autovacuum would run (PGlite has none); `false`: none. */
  autovacuum?: AutovacuumOptions | false;
}

function wrap(q: PgliteConnection | PgliteTransaction, exec: (sql: string) => Promise<unknown>): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      const r = await q.query<T>(sql, params);
      // PGlite reports 0 affected rows for a SELECT; node-postgres reports the rows returned.
      return { rows: r.rows, rowCount: Math.max(r.affectedRows, r.rows.length) };
    },
    async exec(sql: string) {
      await exec(sql);
    },
  };
}

export interface PgliteDb extends Db {
  readonly kind: 'pglite';
  /** A tarball of the data directory (load it with `openPglite({ snapshot })`): copies and restarts in tests. */
  dumpDataDir(): Promise<Blob>;
}

export async function openPglite(options: PgliteStoreOptions = {}): Promise<PgliteDb> {
  const lib = await import('@electric-sql/pglite');
  const { PGlite } = lib;
  let release: (() => void) | undefined;
  let fresh = true;
  if (options.dataDir) {
    const [{ lockDataDir }, { existsSync }, { join }] = await Promise.all([
      import('./data-dir-lock.js'),
      importNodeOnly<typeof import('node:fs')>('node:fs'),
      importNodeOnly<typeof import('node:path')>('node:path'),
    ]);
    release = await lockDataDir(options.dataDir);
    fresh = !existsSync(join(options.dataDir, 'PG_VERSION'));
  }
  try {
    let snapshot: Blob | undefined;
    if (fresh && options.snapshot) snapshot = options.snapshot;
    else if (fresh && options.snapshot !== false) {
      if (options.dataDir) await extractShippedSnapshot(options.dataDir);
      else {
        const tar = await loadSnapshot();
        if (tar) snapshot = new Blob([tar as Uint8Array<ArrayBuffer>]);
      }
    }
    const pg = await PGlite.create({
      ...(onNode ? {} : await pgliteBrowserOptions()),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(snapshot ? { loadDataDir: snapshot } : {}),
      // Every page is in memory (the WASM heap or the OS cache): a random read costs what a sequential one does, so
      // the planner should look rows up by index rather than scan a small table (a scan runs in WASM at a few times
      // native cost, and between autovacuum passes the estimates lag the tables).
      postgresqlconf: [`shared_buffers=${options.sharedBuffers ?? '16MB'}`, 'random_page_cost=1.1'],
    });
    const handle: PgliteHandle = {
      execProtocolStream: (message, o) => pg.execProtocolStream(message, o),
      execProtocolRawStream: (message, o) => pg.execProtocolRawStream(message, o),
      ...(onNode ? {} : { syncToFs: () => pg.syncToFs() }),
      serializers: pg.serializers as PgliteHandle['serializers'],
      parsers: pg.parsers as PgliteHandle['parsers'],
    };
    // Every use of the session goes through the connection, which keeps it to one transaction at a time.
    const connection = new PgliteConnection(handle, lib);
    const base = wrap(connection, (sql) => connection.exclusive(() => pg.exec(sql)));
    const autovacuum = options.autovacuum === false ? undefined : startAutovacuum(base, options.autovacuum);
    return {
      kind: 'pglite',
      serializesTransactions: true,
      ...base,
      // The connection runs one transaction at a time, as PGlite has one session.
      transaction: (fn) => connection.transaction((tx) => fn(wrap(tx, (sql) => tx.query(sql)))),
      dumpDataDir: () => connection.exclusive(() => pg.dumpDataDir('none')),
      async close() {
        try {
          await autovacuum?.stop();
          if (!pg.closed) await connection.exclusive(() => pg.close());
        } finally {
          release?.();
        }
      },
    };
  } catch (e) {
    release?.();
    throw e;
  }
}
