/** async/AsyncAfterTest, AsyncTaskTest, AsyncStartEventTest, AsyncEndEventTest (the cases without Java listeners). */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const R = (name: string) => [`async/${name}.bpmn20.xml`];

/** testRule.executeAvailableJobs(): runs the instance's jobs until none is left (timers not due excepted). */
const runJobs = async (c: CaseContext, id: string) => {
  for (let round = 0; round < 20; round++) {
    const jobs = (await c.jobs(id)).filter((j) => j.jobType !== 'timer');
    if (!jobs.length) return;
    for (const j of jobs) expect((await c.executeJob(j._id)).status).toBe(200);
  }
  throw new Error('jobs kept coming');
};

const runOnlyJob = async (c: CaseContext, id: string) => {
  const jobs = await c.jobs(id);
  expect(jobs).toHaveLength(1);
  expect((await c.executeJob(jobs[0]._id)).status).toBe(200);
};

const listeners = async (c: CaseContext, id: string, invoked: boolean) => {
  const v = await c.vars(id);
  if (invoked) {
    expect(v.listenerStartInvoked).toBe(true);
    expect(v.listenerEndInvoked).toBe(true);
  } else {
    expect(v.listenerStartInvoked).toBeUndefined();
    expect(v.listenerEndInvoked).toBeUndefined();
  }
};

const completeAll = async (c: CaseContext, id: string, expected: number) => {
  const tasks = await c.tasks(id);
  expect(tasks).toHaveLength(expected);
  for (const t of tasks) await c.completeTask(t);
};

export const async: Area = {
  name: 'asynchronous continuations',
  dir: 'async',
  cases: [
    {
      junit: 'AsyncAfterTest.testAsyncAfterManualTask',
      resources: R('AsyncAfterTest.testAsyncAfterManualTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testManualTask');
        await listeners(c, id, true);
        await runOnlyJob(c, id);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterAndBeforeManualTask',
      resources: R('AsyncAfterTest.testAsyncAfterAndBeforeManualTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testManualTask');
        await listeners(c, id, false);
        await runOnlyJob(c, id);
        await listeners(c, id, true);
        await runOnlyJob(c, id);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterIntermediateCatchEvent',
      resources: R('AsyncAfterTest.testAsyncAfterIntermediateCatchEvent'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testIntermediateCatchEvent');
        expect((await c.message('testMessage1', id)).status).toBe(200);
        await listeners(c, id, true);
        await runOnlyJob(c, id);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterAndBeforeIntermediateCatchEvent',
      resources: R('AsyncAfterTest.testAsyncAfterAndBeforeIntermediateCatchEvent'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testIntermediateCatchEvent');
        await listeners(c, id, false);
        await runJobs(c, id);
        expect((await c.message('testMessage1', id)).status).toBe(200);
        await listeners(c, id, true);
        await runOnlyJob(c, id);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterExclusiveGateway',
      resources: R('AsyncAfterTest.testAsyncAfterExclusiveGateway'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testExclusiveGateway', { flow: false });
        await listeners(c, id, true);
        expect(await c.jobs(id)).toHaveLength(1);
        await runJobs(c, id);
        await completeAll(c, id, 1);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterInclusiveGateway',
      resources: R('AsyncAfterTest.testAsyncAfterInclusiveGateway'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testInclusiveGateway');
        await listeners(c, id, true);
        expect(await c.jobs(id)).toHaveLength(2);
        await runJobs(c, id);
        await completeAll(c, id, 2);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterOnParallelGatewayFork',
      resources: R('AsyncAfterTest.testAsyncAfterOnParallelGatewayFork'),
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(2);
        await c.executeJob(jobs[0]._id);
        expect(await c.tasks(id)).toHaveLength(1);
        expect(await c.jobs(id)).toHaveLength(1);
        await c.executeJob(jobs[1]._id);
        expect((await c.tasks(id)).map((t) => t.taskDefinitionKey).sort()).toEqual(['theTask1', 'theTask2']);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterOnParallelGatewayJoin',
      resources: R('AsyncAfterTest.testAsyncAfterOnParallelGatewayJoin'),
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.jobs(id)).toHaveLength(3);
        await runJobs(c, id);
        expect(await c.tasks(id)).toHaveLength(1);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterMultiInstanceUserTask',
      resources: R('AsyncAfterTest.testAsyncAfterMultiInstanceUserTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        await completeAll(c, id, 3);
        await runJobs(c, id);
        await c.assertEnded(id);
      },
    },
    ...(['testAsyncAfterBoundaryEvent', 'testAsyncBeforeBoundaryEvent'] as const).map((m) => ({
      junit: `AsyncAfterTest.${m}`,
      resources: R(`AsyncAfterTest.${m}`),
      async run(c: CaseContext) {
        await c.deploy();
        const id = await c.start('Process');
        expect(await c.tasks(id)).toHaveLength(1);
        expect((await c.message('foo', id)).status).toBe(200);
        expect(await c.jobs(id)).toHaveLength(1);
        expect(await c.tasks(id)).toHaveLength(0);
      },
    })),
    {
      junit: 'AsyncTaskTest.testAsyncTask',
      resources: R('AsyncTaskTest.testAsyncTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('asyncTask');
        expect(await c.jobs(id)).toHaveLength(1);
        await runJobs(c, id);
        expect(await c.jobs(id)).toHaveLength(0);
      },
    },
    {
      junit: 'AsyncTaskTest.testAsyncScript',
      resources: R('AsyncTaskTest.testAsyncScript'),
      async run(c) {
        await c.deploy();
        const id = await c.start('asyncScript');
        expect(await c.jobs(id)).toHaveLength(1);
        expect((await c.vars(id)).invoked).toBeUndefined();
        await runJobs(c, id);
        expect((await c.vars(id)).invoked).toBe('true');
        expect((await c.trigger(id, 'wait')).status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncTaskTest.testLongProcessDefinitionKey',
      resources: R('AsyncTaskTest.testLongProcessDefinitionKey'),
      async run(c) {
        const [definitionId] = await c.deploy();
        const key = 'myrealrealrealrealrealrealrealrealrealrealreallongprocessdefinitionkeyawesome';
        const id = await c.start(key);
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(1);
        expect(jobs[0].processDefinitionId).toBe(definitionId);
      },
    },
    {
      junit: 'AsyncStartEventTest.testAsyncStartEvent',
      resources: R('AsyncStartEventTest.testAsyncStartEvent'),
      async run(c) {
        await c.deploy();
        const id = await c.start('asyncStartEvent');
        expect(await c.tasks(id)).toHaveLength(0);
        expect(await c.active(id)).toEqual(['startEvent']);
        await runJobs(c, id);
        expect(await c.tasks(id)).toHaveLength(1);
        expect(await c.active(id)).not.toContain('startEvent');
      },
    },
    {
      junit: 'AsyncEndEventTest.testAsyncEndEvent',
      resources: R('AsyncEndEventTest.testAsyncEndEvent'),
      async run(c) {
        await c.deploy();
        const id = await c.start('asyncEndEvent');
        expect(await c.active(id)).toEqual(['endEvent']);
        expect(await c.ended(id)).toBe(false);
        await runJobs(c, id);
        await c.assertEnded(id);
      },
    },
  ],
};
