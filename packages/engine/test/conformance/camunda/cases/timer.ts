/** event/timer/BoundaryTimerEventTest, BoundaryTimerNonInterruptingEventTest, IntermediateTimerEventTest, StartTimerEventTest. */
import { expect } from 'vitest';
import { type Area, type CaseContext, HOUR, MINUTE } from '../harness.js';

/** Runs the instance's only job now. */
const runOnlyJob = async (c: CaseContext, id: string) => {
  const jobs = await c.jobs(id);
  expect(jobs).toHaveLength(1);
  expect((await c.executeJob(jobs[0]._id)).status).toBe(200);
};

const completeAll = async (c: CaseContext, id: string) => {
  for (const t of await c.tasks(id)) await c.completeTask(t);
};

export const timer: Area = {
  name: 'timers (boundary, intermediate)',
  dir: 'event/timer',
  cases: [
    {
      junit: 'BoundaryTimerEventTest.testExpressionOnTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('testExpressionOnTimer', { duration: 'PT1H' });
        expect(await c.jobs(id)).toHaveLength(1);
        await c.advance(HOUR + 5000);
        expect(await c.jobs(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'BoundaryTimerEventTest.testTimerInSingleTransactionProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('timerOnSubprocesses');
        expect(await c.jobs(id)).toHaveLength(0);
      },
    },
    {
      junit: 'BoundaryTimerEventTest.testRepeatingTimerWithCancelActivity',
      async run(c) {
        await c.deploy();
        const id = await c.start('repeatingTimerAndCallActivity');
        expect(await c.jobs(id)).toHaveLength(1);
        expect(await c.tasks(id)).toHaveLength(1);
        await runOnlyJob(c, id);
        expect(await c.jobs(id)).toHaveLength(1);
        expect(await c.tasks(id)).toHaveLength(1);
      },
    },
    ...(
      [
        'testMultipleOutgoingSequenceFlows',
        'testMultipleOutgoingSequenceFlowsOnSubprocess',
        'testMultipleOutgoingSequenceFlowsOnSubprocessMi',
      ] as const
    ).map((method) => ({
      junit: `BoundaryTimerEventTest.${method}`,
      async run(c: CaseContext) {
        await c.deploy();
        const id = await c.start('interruptingTimer');
        await runOnlyJob(c, id);
        expect(await c.tasks(id)).toHaveLength(2);
        await completeAll(c, id);
        await c.assertEnded(id);
      },
    })),
    {
      junit: 'BoundaryTimerEventTest.testInterruptingTimerDuration',
      async run(c) {
        await c.deploy();
        const id = await c.start('escalationExample');
        expect(await c.taskNames(id)).toEqual(['First line support']);
        await runOnlyJob(c, id);
        expect(await c.taskNames(id)).toEqual(['Handle escalated issue']);
      },
    },
    {
      junit: 'BoundaryTimerEventTest.testMultipleTimersOnUserTask',
      async run(c) {
        await c.deploy();
        const id = await c.start('multipleTimersOnUserTask');
        expect(await c.jobs(id)).toHaveLength(3);
        await c.advance(HOUR + 5000);
        expect(await c.jobs(id)).toHaveLength(0);
        expect(await c.taskNames(id)).toEqual(['Third Task']);
      },
    },
    {
      junit: 'BoundaryTimerEventTest.testTimerOnNestingOfSubprocesses',
      async run(c) {
        await c.deploy();
        const id = await c.start('timerOnNestedSubprocesses');
        expect(await c.taskNames(id)).toEqual(['Inner subprocess task 1', 'Inner subprocess task 2']);
        await runOnlyJob(c, id);
        expect(await c.taskNames(id)).toEqual(['task outside subprocess']);
      },
    },
    {
      junit: 'BoundaryTimerNonInterruptingEventTest.testMultipleTimersOnUserTask',
      async run(c) {
        await c.deploy();
        const id = await c.start('nonInterruptingTimersOnUserTask');
        expect(await c.taskNames(id)).toEqual(['First Task']);
        expect(await c.jobs(id)).toHaveLength(2);
        await c.advance(HOUR + 5000);
        expect(await c.jobs(id)).toHaveLength(1);
        expect(await c.taskNames(id)).toEqual(['Escalation Task 1', 'First Task']);
        await c.complete('Escalation Task 1');
        expect(await c.taskNames(id)).toEqual(['First Task']);
        await c.advance(HOUR);
        expect(await c.jobs(id)).toHaveLength(0);
        expect(await c.taskNames(id)).toEqual(['Escalation Task 2', 'First Task']);
        await c.complete('First Task');
        expect(await c.taskNames(id)).toEqual(['Escalation Task 2']);
        await c.complete('Escalation Task 2');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'BoundaryTimerNonInterruptingEventTest.testTimerOnMiUserTask',
      async run(c) {
        await c.deploy();
        const id = await c.start('nonInterruptingTimersOnUserTask');
        expect(await c.taskNames(id)).toEqual(Array(5).fill('First Task'));
        await runOnlyJob(c, id);
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(6);
        expect(tasks[0].name).toBe('Escalation Task 1');
        for (const t of tasks) await c.completeTask(t);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'BoundaryTimerNonInterruptingEventTest.testJoin',
      async run(c) {
        await c.deploy();
        const id = await c.start('testJoin');
        expect(await c.taskNames(id)).toEqual(['Main Task']);
        await runOnlyJob(c, id);
        expect(await c.tasks(id)).toHaveLength(2);
        await c.complete('Main Task');
        expect(await c.taskNames(id)).toEqual(['Escalation Task']);
        await c.complete('Escalation Task');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'BoundaryTimerNonInterruptingEventTest.testTimerOnConcurrentMiTasks',
      async run(c) {
        await c.deploy();
        const id = await c.start('timerOnConcurrentMiTasks');
        expect(await c.taskNames(id)).toEqual([...Array(5).fill('First Task'), 'Second Task']);
        await runOnlyJob(c, id);
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(7);
        expect(tasks[0].name).toBe('Escalation Task 1');
        for (const t of tasks) await c.completeTask(t);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'BoundaryTimerNonInterruptingEventTest.testTimerOnConcurrentTasks',
      async run(c) {
        await c.deploy();
        const id = await c.start('nonInterruptingOnConcurrentTasks');
        expect(await c.tasks(id)).toHaveLength(2);
        await runOnlyJob(c, id);
        expect(await c.tasks(id)).toHaveLength(3);
        await c.complete('timerFiredTask');
        expect(await c.tasks(id)).toHaveLength(2);
        await completeAll(c, id);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'IntermediateTimerEventTest.testCatchingTimerEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('intermediateTimerEventExample');
        expect(await c.jobs(id)).toHaveLength(1);
        await c.advance(50 * MINUTE + 5000);
        expect(await c.jobs(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'IntermediateTimerEventTest.testExpression',
      async run(c) {
        await c.deploy();
        const now = c.h.clock.now();
        const a = await c.start('intermediateTimerEventExample', { dueDate: now.toISOString() });
        const b = await c.start('intermediateTimerEventExample', { dueDate: now.toISOString().slice(0, 19) });
        for (const id of [a, b]) await runOnlyJob(c, id);
        for (const id of [a, b]) {
          expect(await c.jobs(id)).toHaveLength(0);
          await c.assertEnded(id);
        }
      },
    },
    {
      junit: 'IntermediateTimerEventTest.testTimeCycle',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        await runOnlyJob(c, id);
        expect(await c.jobs(id)).toHaveLength(0);
        const [t] = await c.tasks(id);
        await c.completeTask(t);
        await c.assertEnded(id);
      },
    },
  ],
};

/** Timer start events get their own app: their jobs outlive the case that deployed them. */
export const timerStart: Area = {
  name: 'timer start events',
  dir: 'event/timer',
  cases: [
    {
      junit: 'StartTimerEventTest.testDurationStartTimerEvent',
      async run(c) {
        const ids = await c.deploy();
        expect((await c.jobs()).filter((j) => ids.includes(j.processDefinitionId))).toHaveLength(1);
        await c.advance(50 * MINUTE + 5000);
        const started = (await c.instances()).filter((i) => i.processDefinitionId === ids[0]);
        expect(started).toHaveLength(1);
        expect((await c.jobs()).filter((j) => ids.includes(j.processDefinitionId))).toHaveLength(0);
      },
    },
    {
      junit: 'StartTimerEventTest.testFixedDateStartTimerEvent',
      async run(c) {
        const ids = await c.deploy();
        expect((await c.jobs()).filter((j) => ids.includes(j.processDefinitionId))).toHaveLength(1);
        await c.advance(Date.parse('2036-11-15T11:12:30Z') - c.h.clock.now().getTime());
        expect((await c.instances()).filter((i) => i.processDefinitionId === ids[0])).toHaveLength(1);
        expect((await c.jobs()).filter((j) => ids.includes(j.processDefinitionId))).toHaveLength(0);
      },
    },
    {
      junit: 'StartTimerEventTest.testCycleWithLimitStartTimerEvent',
      async run(c) {
        const ids = await c.deploy();
        const jobs = async () => (await c.jobs()).filter((j) => ids.includes(j.processDefinitionId));
        const started = async () => (await c.instances()).filter((i) => i.processDefinitionId === ids[0]);
        expect(await jobs()).toHaveLength(1);
        expect(await started()).toHaveLength(0);
        await c.advance(5 * MINUTE + 5000);
        expect(await started()).toHaveLength(1);
        expect(await jobs()).toHaveLength(1);
        await c.advance(5 * MINUTE + 5000);
        expect(await started()).toHaveLength(2);
        expect(await jobs()).toHaveLength(0);
      },
    },
    {
      junit: 'StartTimerEventTest.testExpressionStartTimerEvent',
      async run(c) {
        const ids = await c.deploy();
        expect((await c.jobs()).filter((j) => ids.includes(j.processDefinitionId))).toHaveLength(1);
        // the clock is already past 2036-11-14 (the fixed-date case moved it): the timer is due at once
        await c.advance(Math.max(0, Date.parse('2036-11-15T11:12:30Z') - c.h.clock.now().getTime()) + 1000);
        expect((await c.instances()).filter((i) => i.processDefinitionId === ids[0])).toHaveLength(1);
        expect((await c.jobs()).filter((j) => ids.includes(j.processDefinitionId))).toHaveLength(0);
      },
    },
  ],
};
