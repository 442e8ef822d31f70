import { afterEach, describe, expect, it } from 'vitest';
import { TestClock } from '../src/runtime/clock.js';
import { sequentialIds } from '../src/runtime/ids.js';
import { JobExecutor, type JobHandler, JobQueue } from '../src/runtime/jobs.js';
import type { Queryable } from '../src/store/db.js';
import { type TestStore, testStores } from '../src/store/test-stores.js';

const T0 = '2025-03-01T10:00:00.000Z';

describe.each(testStores())('jobs on $name', (factory) => {
  let store: TestStore;
  afterEach(async () => {
    await store?.close();
  });

  async function setup(handlers: Record<string, JobHandler>) {
    store = await factory.create();
    await store.db.exec('CREATE TABLE job_effects (job_id text, note text)');
    const clock = new TestClock(T0);
    const ids = sequentialIds(clock);
    const executor = new JobExecutor({ db: store.db, clock, ids, handlers, owner: 'node-a' });
    return { clock, ids, executor, queue: new JobQueue(clock, ids) };
  }

  const record: JobHandler<{ note: string }> = async (job, { tx }) => {
    await tx.query('INSERT INTO job_effects VALUES ($1, $2)', [job.id, job.payload.note]);
  };
  const effects = async (q: Queryable) =>
    (await q.query<{ note: string }>('SELECT note FROM job_effects ORDER BY note')).rows.map((r) => r.note);

  it('runs a job only once it is due by the clock, then removes it', async () => {
    const { clock, executor, queue } = await setup({ record });
    await queue.enqueue(store.db, {
      type: 'record',
      payload: { note: 'later' },
      dueAt: new Date(Date.parse(T0) + 60_000),
    });
    expect(await executor.runDueJobs()).toEqual({ succeeded: 0, retried: 0, deadLettered: 0 });
    clock.advance(60_000);
    expect((await executor.runDueJobs()).succeeded).toBe(1);
    expect(await effects(store.db)).toEqual(['later']);
    expect(await queue.list(store.db)).toEqual([]);
    expect((await executor.runDueJobs()).succeeded).toBe(0);
  });

  it('replaces a job enqueued again under the same key, and cancels by key', async () => {
    const { executor, queue } = await setup({ record });
    await queue.enqueue(store.db, { type: 'record', payload: { note: 'first' }, key: 'k1' });
    await queue.enqueue(store.db, { type: 'record', payload: { note: 'second' }, key: 'k1' });
    await queue.enqueue(store.db, { type: 'record', payload: { note: 'gone' }, key: 'k2' });
    expect(await queue.cancel(store.db, { key: 'k2' })).toBe(1);
    await executor.runDueJobs();
    expect(await effects(store.db)).toEqual(['second']);
  });

  it('enqueues inside the caller transaction: a rollback leaves no job', async () => {
    const { queue } = await setup({ record });
    await expect(
      store.db.transaction(async (tx) => {
        await queue.enqueue(tx, { type: 'record', payload: { note: 'x' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await queue.list(store.db)).toEqual([]);
  });

  it('retries a failing job with backoff, rolls back its writes, and dead-letters it after 3 attempts', async () => {
    let calls = 0;
    const { clock, executor, queue } = await setup({
      flaky: async (job, { tx }) => {
        calls++;
        await tx.query('INSERT INTO job_effects VALUES ($1, $2)', [job.id, 'partial']);
        throw new Error(`boom ${calls}`);
      },
    });
    const job = await queue.enqueue(store.db, { type: 'flaky' });
    expect(await executor.runDueJobs()).toEqual({ succeeded: 0, retried: 1, deadLettered: 0 });
    const [waiting] = await queue.list(store.db);
    expect(waiting).toMatchObject({ attempts: 1, lastError: 'boom 1', lockOwner: null });
    expect(waiting!.dueAt.getTime()).toBe(Date.parse(T0) + 10_000);
    expect((await executor.runDueJobs()).retried).toBe(0); // not due yet
    clock.advance(10_000);
    expect((await executor.runDueJobs()).retried).toBe(1);
    clock.advance(20_000);
    expect((await executor.runDueJobs()).deadLettered).toBe(1);
    expect(calls).toBe(3);
    expect(await effects(store.db)).toEqual([]);
    expect(await queue.list(store.db)).toEqual([]);
    const dead = await queue.deadLetters(store.db);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ id: job.id, attempts: 3, lastError: 'boom 3' });
    expect(await queue.retryDeadLetter(store.db, job.id)).toBe(true);
    expect(await queue.list(store.db)).toHaveLength(1);
  });

  it('leaves jobs of types it has no handler for to other executors', async () => {
    const { executor, queue } = await setup({ record });
    await queue.enqueue(store.db, { type: 'someone-else' });
    expect((await executor.runDueJobs()).succeeded).toBe(0);
    expect(await queue.list(store.db)).toHaveLength(1);
  });

  it('takes over a job whose lock expired (its executor died)', async () => {
    const { clock, queue } = await setup({});
    await queue.enqueue(store.db, { type: 'record', payload: { note: 'orphan' } });
    // node-dead locks the job and never finishes it.
    await store.db.query(`UPDATE jobs SET lock_owner = 'node-dead', lock_expires_at = $1`, [
      new Date(Date.parse(T0) + 60_000),
    ]);
    const b = new JobExecutor({ db: store.db, clock, handlers: { record }, owner: 'node-b' });
    expect((await b.runDueJobs()).succeeded).toBe(0);
    clock.advance(60_001);
    expect((await b.runDueJobs()).succeeded).toBe(1);
    expect(await effects(store.db)).toEqual(['orphan']);
  });

  it('keeps a job across a restart of the store and runs it afterwards', async () => {
    const { clock, queue } = await setup({});
    await queue.enqueue(store.db, {
      type: 'record',
      payload: { note: 'durable' },
      dueAt: new Date(Date.parse(T0) + 5000),
    });
    const db = await store.restart();
    clock.advance(5000);
    const after = new JobExecutor({ db, clock, handlers: { record } });
    expect((await after.runDueJobs()).succeeded).toBe(1);
    expect(await effects(db)).toEqual(['durable']);
  });

  it('never gives one job to two executors running at once', async () => {
    const { clock, ids, queue } = await setup({});
    const n = 40;
    for (let i = 0; i < n; i++)
      await queue.enqueue(store.db, { type: 'record', payload: { note: `n${String(i).padStart(2, '0')}` } });
    const other = await store.connectAgain();
    const slowRecord: JobHandler<{ note: string }> = async (job, ctx) => {
      await new Promise((r) => setTimeout(r, 2));
      await record(job, ctx);
    };
    const a = new JobExecutor({ db: store.db, clock, ids, handlers: { record: slowRecord }, owner: 'a', batchSize: 3 });
    const b = new JobExecutor({ db: other, clock, ids, handlers: { record: slowRecord }, owner: 'b', batchSize: 3 });
    const [ra, rb] = await Promise.all([a.runDueJobs(), b.runDueJobs()]);
    expect(ra.succeeded + rb.succeeded).toBe(n);
    const notes = await effects(store.db);
    expect(notes).toHaveLength(n);
    expect(new Set(notes).size).toBe(n);
  });

  it('polls when started and stops cleanly', async () => {
    const { queue } = await setup({});
    const clock = new TestClock(T0);
    const executor = new JobExecutor({ db: store.db, clock, handlers: { record }, pollIntervalMs: 10 });
    executor.start();
    await queue.enqueue(store.db, { type: 'record', payload: { note: 'polled' } });
    for (let i = 0; i < 200 && (await effects(store.db)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await executor.stop();
    expect(await effects(store.db)).toEqual(['polled']);
  });
});
