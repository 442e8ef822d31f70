/**
 * A command's flush goes out as one statement; a delete of a table that the same flush writes goes after the writes,
 * as a second statement, because all parts of a data-modifying WITH see the same snapshot.
 */
import { describe, expect, it } from 'vitest';
import { StatementBatch } from '../../src/runtime/session.js';
import type { Queryable } from '../../src/store/db.js';

function recorder() {
  const sent: [string, unknown[]][] = [];
  const q: Queryable = {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      sent.push([sql, [...params]]);
      return { rows: [] as T[], rowCount: 0 };
    },
    exec: async () => {},
  };
  return { q, sent };
}

describe('StatementBatch', () => {
  it('sends writes and deletes of different tables as one statement, parameters renumbered', async () => {
    const { q, sent } = recorder();
    const batch = new StatementBatch();
    batch.write('INSERT INTO wf_hi_task (id) VALUES ($1)', ['t1']);
    batch.write('UPDATE wf_hi_instance SET end_time = $2 WHERE id = $1', ['i1', 'now']);
    batch.remove('DELETE FROM wf_task WHERE id = ANY($1)', [['t1']]);
    await batch.run(q);
    expect(sent).toEqual([
      [
        'WITH s0 AS (INSERT INTO wf_hi_task (id) VALUES ($1)),\ns1 AS (UPDATE wf_hi_instance SET end_time = $3 WHERE id = $2),\n' +
          's2 AS (DELETE FROM wf_task WHERE id = ANY($4)) SELECT 1',
        ['t1', 'i1', 'now', ['t1']],
      ],
    ]);
  });

  it('deletes after the writes, in a second statement, when a delete targets a table the writes touch', async () => {
    const { q, sent } = recorder();
    const batch = new StatementBatch();
    batch.write('INSERT INTO jobs (key) VALUES ($1) ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key', ['a']);
    batch.remove('DELETE FROM wf_task WHERE id = ANY($1)', [['t1']]);
    batch.remove('DELETE FROM jobs WHERE key = ANY($1)', [['b']]);
    await batch.run(q);
    expect(sent.map(([sql]) => sql.slice(0, 20))).toEqual(['INSERT INTO jobs (ke', 'WITH s0 AS (DELETE F']);
  });

  it('keeps them apart when a statement is of a form whose table it cannot tell', async () => {
    const { q, sent } = recorder();
    const batch = new StatementBatch();
    batch.write('WITH x AS (SELECT 1) INSERT INTO wf_task SELECT * FROM x', []);
    batch.remove('DELETE FROM wf_execution WHERE id = ANY($1)', [['e1']]);
    await batch.run(q);
    expect(sent).toHaveLength(2);
  });
});
