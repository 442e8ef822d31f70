/**
 * How the store talks to PGlite: named prepared statements and its own transactions, over PGlite's protocol API.
 *
 * PGlite's `query()` parses and plans every statement anew (an unnamed statement) in six calls into the WASM module,
 * and describes the result each time; planning the engine's larger statements costs several times executing them.
 * Here each distinct SQL text is parsed once under a name, and its row description is kept from that first time;
 * later runs bind and execute it in one call (pg-bind.ts), PostgreSQL's plan cache keeps the plan, and the reply is
 * read from its bytes with that description (pg-reply.ts). A transaction's BEGIN travels with its first statement.
 * The set of statements is bounded: the least recently used one is closed when it is full (filters built from
 * requests can make many distinct texts).
 */
import { bindExecuteSync, cString } from './pg-bind.js';
import { type Column, hasError, readReply } from './pg-reply.js';

type PgliteModule = typeof import('@electric-sql/pglite');
type BackendMessage = Parameters<PgliteModule['parse']['parseResults']>[0][number];

/** The part of a PGlite instance this needs. */
export interface PgliteHandle {
  execProtocolStream(message: Uint8Array, options?: { syncToFs?: boolean }): Promise<BackendMessage[]>;
  /** The reply's bytes as PostgreSQL writes them (a chunk may be a view PGlite reuses: copy what is kept). */
  execProtocolRawStream(
    message: Uint8Array,
    options: { syncToFs?: boolean; onRawData: (chunk: Uint8Array) => void },
  ): Promise<void>;
  /** Writes the file system out after a change, where it needs it (IndexedDB); absent where files are written as
   *  PostgreSQL goes (Node's data folder, memory). */
  syncToFs?(): Promise<void>;
  readonly serializers: Record<number | string, (x: unknown) => string>;
  readonly parsers: Record<number | string, (x: string, typeId?: number) => unknown>;
}

/** Runs callbacks one at a time, in call order (a promise chain: lighter per call than PGlite's async-mutex). */
function mutex() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = last.then(fn, fn);
    last = run.catch(() => {});
    return run;
  };
}

interface Prepared {
  name: string;
  /** The name as Bind carries it. */
  nameBytes: Uint8Array;
  paramTypes: number[];
  /** The statement's result columns (none for one that returns no rows): the same on every run, so not asked for. */
  columns: Column[];
}

export interface StatementResult<T> {
  rows: T[];
  affectedRows: number;
}

/** What a transaction's callback runs statements on. */
export interface PgliteTransaction {
  query<T>(sql: string, params?: readonly unknown[]): Promise<StatementResult<T>>;
}

/** Statements kept prepared at once. */
const CAPACITY = 200;

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A plan cached before a table's columns changed cannot return the new row shape; PostgreSQL refuses to run it. */
const isStalePlan = (e: unknown) =>
  (e as { code?: unknown })?.code === '0A000' && /cached plan must not change result type/.test(String(e));

export class PgliteConnection {
  /** SQL text → statement; a Map iterates in insertion order, so re-inserting on use makes it an LRU. */
  private readonly prepared = new Map<string, Prepared>();
  private counter = 0;
  /** Where replies are received (exchange), grown to the largest so far. */
  private inbox = new Uint8Array(1 << 16);
  /** Held by a transaction (or an autocommit statement) for its whole length: PGlite has one session. */
  private readonly sessionLock = mutex();
  /** Held by one protocol exchange: a transaction's statements go one at a time even when its callback overlaps them. */
  private readonly statementLock = mutex();

  /** The transaction control statements, serialized once. */
  private readonly control: Record<'BEGIN' | 'COMMIT' | 'ROLLBACK', Uint8Array>;

  constructor(
    private readonly pg: PgliteHandle,
    private readonly lib: Pick<PgliteModule, 'protocol' | 'parse' | 'TransactionAbortedError'>,
  ) {
    const q = (sql: string) => lib.protocol.serialize.query(sql);
    this.control = { BEGIN: q('BEGIN'), COMMIT: q('COMMIT'), ROLLBACK: q('ROLLBACK') };
  }

  /** One statement in its own transaction (autocommit). No parameters: the simple protocol, several allowed. */
  query<T>(sql: string, params: readonly unknown[] = []): Promise<StatementResult<T>> {
    return this.exclusive(async () => {
      const result = await this.retryStale(sql, () => this.run<T>(sql, params, []));
      await this.pg.syncToFs?.();
      return result;
    });
  }

  /** Runs fn with the session to itself (PGlite's own exec, dump and close go through here). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.sessionLock(() => this.statementLock(fn));
  }

  /**
   * Runs fn in one transaction: BEGIN goes with its first statement, COMMIT when it resolves, ROLLBACK when it
   * throws. One at a time, queued with the session's other uses (autocommit statements, exec, dump, close).
   */
  transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T> {
    return this.sessionLock(async () => {
      let begun = false;
      let closed = false;
      const tx: PgliteTransaction = {
        query: <R>(sql: string, params: readonly unknown[] = []) => {
          if (closed) return Promise.reject(new Error('Transaction is closed'));
          return this.statementLock(() => {
            const prefix = begun ? [] : [this.control.BEGIN];
            begun = true;
            return this.run<R>(sql, params, prefix);
          });
        },
      };
      let result: T;
      try {
        result = await fn(tx);
      } catch (e) {
        closed = true;
        if (begun) await this.end('ROLLBACK');
        throw e;
      }
      closed = true;
      if (begun && (await this.end('COMMIT')) === 'ROLLBACK') throw new this.lib.TransactionAbortedError();
      return result;
    });
  }

  /** COMMIT or ROLLBACK; resolves to the command PostgreSQL reports (a COMMIT of a failed transaction says ROLLBACK). */
  private async end(command: 'COMMIT' | 'ROLLBACK'): Promise<string | undefined> {
    const reported = await this.statementLock(
      async () => readReply(await this.exchange(this.control[command]), []).command,
    );
    await this.pg.syncToFs?.();
    return reported;
  }

  /**
   * Sends message and resolves to the reply's bytes; throws the first ErrorResponse as PGlite's own path does. The
   * bytes are the connection's receive buffer: read them before the next exchange (the statement lock is held).
   */
  private async exchange(message: Uint8Array): Promise<Uint8Array> {
    let length = 0;
    const onRawData = (chunk: Uint8Array) => {
      if (length + chunk.length > this.inbox.length) {
        const grown = new Uint8Array(Math.max(2 * this.inbox.length, length + chunk.length));
        grown.set(this.inbox.subarray(0, length));
        this.inbox = grown;
      }
      // a chunk is a view into WASM memory that PGlite reuses: copied now
      this.inbox.set(chunk, length);
      length += chunk.length;
    };
    await this.pg.execProtocolRawStream(message, { syncToFs: false, onRawData });
    const reply = this.inbox.subarray(0, length);
    if (hasError(reply)) {
      let error: unknown;
      new this.lib.protocol.Parser().parse(reply, (m) => {
        error ??= m instanceof this.lib.protocol.messages.DatabaseError ? m : undefined;
      });
      throw error ?? new Error('PostgreSQL answered an error that could not be read');
    }
    return reply;
  }

  private async retryStale<T>(sql: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (!isStalePlan(e)) throw e;
      this.forget(sql);
      return run();
    }
  }

  /** Runs one statement after `prefix` (messages sent first, in the same call); the caller holds the statement lock. */
  private async run<T>(sql: string, params: readonly unknown[], prefix: Uint8Array[]): Promise<StatementResult<T>> {
    const { serialize } = this.lib.protocol;
    if (params.length === 0) {
      const messages = await this.pg.execProtocolStream(concat([...prefix, serialize.query(sql)]), {
        syncToFs: false,
      });
      const result = this.lib.parse.parseResults(messages, this.pg.parsers).at(-1);
      return { rows: (result?.rows ?? []) as T[], affectedRows: result?.affectedRows ?? 0 };
    }
    let pending = prefix;
    let statement = this.prepared.get(sql);
    if (statement) {
      this.prepared.delete(sql);
      this.prepared.set(sql, statement);
    } else {
      statement = await this.prepare(sql, prefix);
      pending = [];
    }
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = this.pg.serializers[statement.paramTypes[i] ?? 0];
      return serializer ? serializer(value) : String(value);
    });
    let reply: Uint8Array;
    try {
      reply = await this.exchange(bindExecuteSync(pending, statement.nameBytes, values));
    } catch (e) {
      if (isStalePlan(e)) this.forget(sql);
      throw e;
    }
    // A prefix (BEGIN) answers a command tag and no rows: the rows and counts read are the statement's.
    const { rows, affectedRows } = readReply<T>(reply, statement.columns);
    return { rows, affectedRows };
  }

  /** Parses sql under a new name, after `prefix` (sent in the same call). */
  private async prepare(sql: string, prefix: Uint8Array[]): Promise<Prepared> {
    const { serialize } = this.lib.protocol;
    const name = `wf_${(++this.counter).toString(36)}`;
    const parts = [...prefix];
    if (this.prepared.size >= CAPACITY) {
      const [oldestSql, oldest] = this.prepared.entries().next().value as [string, Prepared];
      this.prepared.delete(oldestSql);
      parts.push(serialize.close({ type: 'S', name: oldest.name }));
    }
    parts.push(serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync());
    const messages = await this.pg.execProtocolStream(concat(parts), { syncToFs: false });
    const description = messages.find((m) => m instanceof this.lib.protocol.messages.RowDescriptionMessage);
    const statement = {
      name,
      nameBytes: cString(name),
      paramTypes: this.lib.parse.parseDescribeStatementResults(messages),
      columns: (description?.fields ?? []).map((f) => ({
        name: f.name,
        typeId: f.dataTypeID,
        parse: this.pg.parsers[f.dataTypeID],
      })),
    };
    this.prepared.set(sql, statement);
    return statement;
  }

  /** Drops a statement whose cached plan went stale; the next run parses it again. */
  private forget(sql: string) {
    const stale = this.prepared.get(sql);
    if (!stale) return;
    this.prepared.delete(sql);
    this.statementLock(() =>
      this.pg.execProtocolStream(
        concat([
          this.lib.protocol.serialize.close({ type: 'S', name: stale.name }),
          this.lib.protocol.serialize.sync(),
        ]),
        { syncToFs: false },
      ),
    ).catch(() => {});
  }
}
