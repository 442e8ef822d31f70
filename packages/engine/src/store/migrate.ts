/**
 * Numbered SQL migrations (src/store/migrations/ and every API module's migrations/ folder, bundled at build time),
 * applied in order, each once, recorded in schema_migrations. All pending ones run in one transaction under an
 * advisory lock, so two nodes starting at once don't race and a failed start leaves nothing half-applied.
 */
import type { Db } from './db.js';

export interface Migration {
  /** File name without `.sql`, e.g. `002_jobs`; the key in schema_migrations. */
  id: string;
  /** The leading number: the apply order. */
  number: number;
  /** Where it came from (for messages). */
  source?: string;
  sql: string;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** Merges migration lists (bundled + a module's own), dropping duplicates by id, in apply order. */
export function mergeMigrations(...lists: readonly (readonly Migration[] | undefined)[]): Migration[] {
  const byId = new Map<string, Migration>();
  for (const list of lists) for (const m of list ?? []) if (!byId.has(m.id)) byId.set(m.id, m);
  const all = [...byId.values()].sort((a, b) => a.number - b.number || a.id.localeCompare(b.id));
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.number === all[i - 1]!.number) {
      throw new Error(`Two migrations share number ${all[i]!.number}: ${all[i - 1]!.id} and ${all[i]!.id}`);
    }
  }
  return all;
}

/** Applies the pending migrations; returns the ids it applied. */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<string[]> {
  const ordered = mergeMigrations(migrations);
  return db.transaction(async (tx) => {
    // Per schema, so isolated test schemas don't wait for each other.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('wfkit:migrate:' || current_schema()))`);
    await tx.exec(CREATE_TABLE);
    const done = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of ordered) {
      if (done.has(m.id)) continue;
      try {
        await tx.exec(m.sql);
      } catch (e) {
        throw new Error(`Migration ${m.source ?? m.id} failed: ${(e as Error).message}`);
      }
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}
