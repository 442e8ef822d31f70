/**
 * The autovacuum PGlite lacks. PostgreSQL runs there in single-user mode, without the autovacuum launcher, so nothing
 * ever VACUUMs or ANALYZEs: the runtime's tables, whose rows live only as long as a task or a timer, keep every dead
 * row, and each lookup wades through more of them (one start → claim → complete cost 2.3 ms of CPU on a vacuumed
 * store and 7.9 ms after 5,000 instances without). Every `naptimeMs` this reads the table statistics and does what
 * autovacuum would, with its default thresholds, between transactions.
 */
import type { Queryable } from './db.js';

/** autovacuum's defaults (postgresql.conf): base rows + scale × the table's estimated rows. */
const AUTOVACUUM_THRESHOLDS = {
  vacuum: { base: 50, scale: 0.2 },
  insert: { base: 1000, scale: 0.2 },
  analyze: { base: 50, scale: 0.1 },
} as const;

/** One row of `pg_stat_user_tables` with the planner's estimate from `pg_class` (-1: never vacuumed or analyzed). */
export interface TableActivity {
  table: string;
  reltuples: number;
  dead: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
}

/** Which tables autovacuum would VACUUM (and ANALYZE alongside) and which it would only ANALYZE. */
export function tablesDue(tables: readonly TableActivity[]): { vacuum: string[]; analyze: string[] } {
  const t = AUTOVACUUM_THRESHOLDS;
  const vacuum: string[] = [];
  const analyze: string[] = [];
  for (const s of tables) {
    const rows = Math.max(s.reltuples, 0);
    const dueVacuum =
      s.dead > t.vacuum.base + t.vacuum.scale * rows || s.insertedSinceVacuum > t.insert.base + t.insert.scale * rows;
    if (dueVacuum) vacuum.push(s.table);
    else if (s.modifiedSinceAnalyze > t.analyze.base + t.analyze.scale * rows) analyze.push(s.table);
  }
  return { vacuum, analyze };
}

const ACTIVITY_SQL = `SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS "table", c.reltuples::float8 AS reltuples,
  s.n_dead_tup::float8 AS dead, s.n_ins_since_vacuum::float8 AS "insertedSinceVacuum",
  s.n_mod_since_analyze::float8 AS "modifiedSinceAnalyze"
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`;

/**
 * One pass: the statements it ran (empty when nothing was due). A table at a time: PGlite runs PostgreSQL on the
 * event loop's thread, so one statement for every table would hold requests (and everything else) for all of them.
 */
export async function vacuumDue(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<TableActivity>(ACTIVITY_SQL);
  const { vacuum, analyze } = tablesDue(rows);
  const statements = [...vacuum.map((t) => `VACUUM (ANALYZE) ${t}`), ...analyze.map((t) => `ANALYZE ${t}`)];
  for (const sql of statements) {
    // VACUUM cannot run in a transaction block; exec sends it as a simple query outside one.
    await db.exec(sql);
    // let what waits (requests, timers) run between tables
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return statements;
}

export interface AutovacuumOptions {
  /** Time between passes; default 1 s (PostgreSQL's 60 s is for a server whose tables are rarely this churned). */
  naptimeMs?: number;
  /** A failed pass (the next one still runs); default: a console warning. */
  onError?: (error: unknown) => void;
}

/** Runs `vacuumDue` every naptime on an unref'd timer until stopped; `stop` waits for a pass under way. */
export function startAutovacuum(db: Queryable, options: AutovacuumOptions = {}): { stop(): Promise<void> } {
  const naptime = options.naptimeMs ?? 1000;
  const onError = options.onError ?? ((e: unknown) => console.warn(`wfkit: autovacuum pass failed: ${String(e)}`));
  let stopped = false;
  let pass: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      pass = vacuumDue(db).then(
        () => undefined,
        (e) => {
          if (!stopped) onError(e);
        },
      );
      void pass.then(() => {
        if (!stopped) schedule();
      });
    }, naptime);
    // A store left open must not keep the process alive for its housekeeping.
    (timer as { unref?: () => void }).unref?.();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
