/**
 * Due timers fire in groups (runtime/wait-groups.ts): one transaction reads the group's instances in two statements
 * and writes the group's changes in one more (writes and deletes together: they touch different tables). The round trips per fired timer are counted on a store wrapper, so a
 * change that adds a statement per timer shows up here rather than as a slower benchmark; and a group mixing timers
 * that end their process, open a task, cancel a task (a query while the command runs) and fail behaves as the same
 * timers fired one by one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/dialects/bpmn/index.js';
import { TestClock } from '../../src/runtime/clock.js';
import { Runtime, runtimeJobHandlers } from '../../src/runtime/commands.js';
import { JobExecutor } from '../../src/runtime/jobs.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { countingDb } from '../helpers/counting-db.js';

const timerThen = (key: string, duration: string, then: string) =>
  bpmn(
    `<startEvent id="s"/>${flow('f0', 's', 'wait')}
     <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>${duration}</timeDuration></timerEventDefinition></intermediateCatchEvent>
     ${flow('f1', 'wait', 'next')}${then}`,
    { id: key },
  );

/** One group transaction: BEGIN, take the jobs, lock the roots, read the instances, writes and deletes, COMMIT. */
const GROUP_TRIPS = 6;
/** runDueJobs acquires until an acquisition comes back empty. */
const ACQUISITIONS = 2;

describe.each(testStores())('timer groups on $name', (factory) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  async function setup(...xmls: string[]) {
    store = await factory.create();
    const meter = countingDb(store.db);
    const clock = new TestClock(new Date('2026-01-01T00:00:00Z'));
    const rt = new Runtime({ db: meter.db, clock });
    for (const xml of xmls) await rt.deploy({ graphs: (await compileBpmn(xml)).graphs, source: xml });
    const executor = new JobExecutor({
      db: meter.db,
      clock,
      runtime: rt,
      handlers: runtimeJobHandlers,
      concurrency: 1,
      jobsPerTransaction: 16,
    });
    return { rt, db: store.db, clock, meter, executor };
  }

  it(`fires 32 overdue timers with ${ACQUISITIONS} + 2 × ${GROUP_TRIPS} round trips, one alone with ${ACQUISITIONS} + ${GROUP_TRIPS}`, async () => {
    const { rt, db, clock, meter, executor } = await setup(timerThen('oneTimer', 'PT1H', '<endEvent id="next"/>'));
    const ids: string[] = [];
    for (let i = 0; i < 33; i++) ids.push((await rt.startInstance({ key: 'oneTimer' })).id);
    // The first alone, then the other 32 together.
    await db.query("UPDATE jobs SET due_at = due_at + interval '1 day' WHERE scope_id <> $1", [ids[0]]);
    clock.advance(2 * 3_600_000);
    meter.reset();
    expect(await executor.runDueJobs()).toEqual({ succeeded: 1, retried: 0, deadLettered: 0 });
    expect(meter.trips()).toBe(ACQUISITIONS + GROUP_TRIPS);

    clock.advance(24 * 3_600_000);
    meter.reset();
    expect(await executor.runDueJobs()).toEqual({ succeeded: 32, retried: 0, deadLettered: 0 });
    expect(meter.trips()).toBe(ACQUISITIONS + 2 * GROUP_TRIPS);
    expect(meter.transactions()).toBe(2);
    const open = await db.query('SELECT count(*)::int AS n FROM wf_hi_instance WHERE end_time IS NULL');
    expect(open.rows[0]).toEqual({ n: 0 });
    expect((await db.query('SELECT count(*)::int AS n FROM wf_execution')).rows[0]).toEqual({ n: 0 });
    const ends = await db.query<{ activity_id: string; n: number }>(
      `SELECT activity_id, count(*)::int AS n FROM wf_hi_activity WHERE end_time IS NOT NULL GROUP BY activity_id
       ORDER BY activity_id`,
    );
    expect(ends.rows).toEqual([
      { activity_id: 'next', n: 33 },
      { activity_id: 's', n: 33 },
      { activity_id: 'wait', n: 33 },
    ]);
  });

  it('fires a group as one by one: tasks opened and cancelled, a failing timer retried alone', async () => {
    const boundary = bpmn(
      `<startEvent id="s"/>${flow('f0', 's', 't')}<userTask id="t"/>${flow('f1', 't', 'e')}<endEvent id="e"/>
       <boundaryEvent id="b" attachedToRef="t"><timerEventDefinition><timeDuration>PT2M</timeDuration></timerEventDefinition></boundaryEvent>
       ${flow('f2', 'b', 'esc')}<userTask id="esc" activiti:assignee="superadmin"/>`,
      { id: 'escalate' },
    );
    const { rt, db, clock, meter, executor } = await setup(
      timerThen('toTask', 'PT1M', '<userTask id="next"/>'),
      boundary,
      timerThen('failing', 'PT3M', `<serviceTask id="next" activiti:expression="\${nobody.call()}"/>`),
      timerThen('toEnd', 'PT4M', '<endEvent id="next"/>'),
    );
    const toTask = await rt.startInstance({ key: 'toTask' });
    const escalate = await rt.startInstance({ key: 'escalate' });
    const failing = await rt.startInstance({ key: 'failing' });
    const toEnd = await rt.startInstance({ key: 'toEnd' });
    clock.advance(3_600_000);
    meter.reset();
    // In due order: a task opens, a task is cancelled (a query while the command runs), one fails, one ends.
    expect(await executor.runDueJobs()).toEqual({ succeeded: 3, retried: 1, deadLettered: 0 });
    expect(meter.transactions()).toBe(1);

    const tasks = await db.query<{ instance_id: string; task_def_key: string }>(
      'SELECT instance_id, task_def_key FROM wf_task ORDER BY instance_id',
    );
    expect(tasks.rows).toEqual(
      [
        { instance_id: toTask.id, task_def_key: 'next' },
        { instance_id: escalate.id, task_def_key: 'esc' },
      ].sort((a, b) => a.instance_id.localeCompare(b.instance_id)),
    );
    const running = await db.query<{ id: string }>('SELECT id FROM wf_instance ORDER BY id');
    expect(running.rows.map((r) => r.id)).toEqual([toTask.id, escalate.id, failing.id].sort());
    const hiEnd = await db.query('SELECT end_activity_id FROM wf_hi_instance WHERE id = $1', [toEnd.id]);
    expect(hiEnd.rows).toEqual([{ end_activity_id: 'next' }]);
    // The failed one is untouched: still waiting on its timer, its job back with one attempt and the error.
    const waiting = await db.query('SELECT activity_id, event_type FROM wf_execution WHERE instance_id = $1', [
      failing.id,
    ]);
    expect(waiting.rows).toEqual([{ activity_id: 'wait', event_type: 'timer' }]);
    const [job] = await rt.jobs.list(db, { scopeId: failing.id });
    expect(job).toMatchObject({ type: 'wf.timer', attempts: 1, lockOwner: null });
    expect(job!.lastError).toMatch(/nobody/);
    const cancelled = await db.query(
      `SELECT delete_reason FROM wf_hi_task WHERE instance_id = $1 AND task_def_key = 't'`,
      [escalate.id],
    );
    expect(cancelled.rows[0]?.delete_reason).toMatch(/b/);
    expect(await rt.jobs.list(db, { scopeId: toTask.id })).toEqual([]);
  });
});
