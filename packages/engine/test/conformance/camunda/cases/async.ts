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
    ...(['testAsyncAfterServiceTask', 'testAsyncAfterAndBeforeServiceTask'] as const).map((m) => ({
      junit: `AsyncAfterTest.${m}`,
      resources: R(`AsyncAfterTest.${m}`),
      async run(c: CaseContext) {
        await c.deploy();
        const id = await c.start('testProcess');
        if (m === 'testAsyncAfterAndBeforeServiceTask') {
          await listeners(c, id, false);
          expect((await c.vars(id)).behaviorInvoked).toBeUndefined();
          await runOnlyJob(c, id);
        }
        await listeners(c, id, true);
        await runOnlyJob(c, id);
        await c.assertEnded(id);
      },
    })),
    {
      junit: 'AsyncAfterTest.testAsyncAfterServiceTaskMultipleTransitions',
      resources: R('AsyncAfterTest.testAsyncAfterServiceTaskMultipleTransitions'),
      async run(c) {
        await c.deploy();
        for (const [take, other] of [
          ['flow2', 'flow3'],
          ['flow3', 'flow2'],
        ]) {
          const id = await c.start('testProcess', { flowToTake: take });
          await listeners(c, id, true);
          expect((await c.vars(id)).behaviorInvoked).toBe(true);
          await runOnlyJob(c, id);
          expect(await c.active(id)).toEqual([`taskAfter${take!.replace('f', 'F')}`]);
          expect(await c.active(id)).not.toContain(`taskAfter${other!.replace('f', 'F')}`);
          expect((await c.trigger(id, `taskAfter${take!.replace('f', 'F')}`)).status).toBe(200);
          await c.assertEnded(id);
        }
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterServiceTaskMultipleTransitionsConcurrent',
      resources: R('AsyncAfterTest.testAsyncAfterServiceTaskMultipleTransitionsConcurrent'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await listeners(c, id, true);
        expect((await c.vars(id)).behaviorInvoked).toBe(true);
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(2);
        for (const j of jobs) expect((await c.executeJob(j._id)).status).toBe(200);
        expect(await c.active(id)).toEqual(['taskAfterFlow2', 'taskAfterFlow3']);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterWithoutTransition',
      resources: R('AsyncAfterTest.testAsyncAfterWithoutTransition'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await listeners(c, id, true);
        expect((await c.vars(id))['process-listenerEndInvoked']).toBeUndefined();
        await runOnlyJob(c, id);
        await c.assertEnded(id);
        expect((await c.vars(id))['process-listenerEndInvoked']).toBe(true);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterInNestedWithoutTransition',
      resources: R('AsyncAfterTest.testAsyncAfterInNestedWithoutTransition'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await listeners(c, id, true);
        expect((await c.vars(id))['subprocess-listenerEndInvoked']).toBeUndefined();
        await runOnlyJob(c, id);
        expect((await c.vars(id))['subprocess-listenerEndInvoked']).toBe(true);
      },
    },
    ...(['testAsyncAfterAndBeforeInclusiveGateway', 'testAsyncAfterAndBeforeExclusiveGateway'] as const).map((m) => ({
      junit: `AsyncAfterTest.${m}`,
      resources: R(`AsyncAfterTest.${m}`),
      async run(c: CaseContext) {
        await c.deploy();
        const inclusive = m === 'testAsyncAfterAndBeforeInclusiveGateway';
        const id = await c.start(inclusive ? 'testInclusiveGateway' : 'testExclusiveGateway', { flow: false });
        await listeners(c, id, false);
        await runOnlyJob(c, id);
        await listeners(c, id, true);
        expect(await c.jobs(id)).toHaveLength(inclusive ? 2 : 1);
      },
    })),
    {
      junit: 'AsyncAfterTest.testAsyncAfterWithExecutionListener',
      resources: R('AsyncAfterTest.testAsyncAfterWithExecutionListener'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        expect((await c.vars(id)).listenerTakeInvoked).toBeUndefined();
        await runOnlyJob(c, id);
        expect(await c.jobs(id)).toHaveLength(0);
        expect(await c.tasks(id)).toHaveLength(1);
        expect((await c.vars(id)).listenerTakeInvoked).toBe(true);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterParallelMultiInstanceWithServiceTask',
      resources: R('AsyncAfterTest.testAsyncAfterParallelMultiInstanceWithServiceTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await listeners(c, id, true);
        expect((await c.vars(id)).behaviorInvoked).toBe(5);
        await runOnlyJob(c, id);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterServiceWrappedInParallelMultiInstance',
      resources: R('AsyncAfterTest.testAsyncAfterServiceWrappedInParallelMultiInstance'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await listeners(c, id, true);
        expect((await c.vars(id)).behaviorInvoked).toBe(5);
        expect(await c.jobs(id)).toHaveLength(5);
        await runJobs(c, id);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'AsyncAfterTest.testAsyncAfterServiceWrappedInSequentialMultiInstance',
      resources: R('AsyncAfterTest.testAsyncAfterServiceWrappedInSequentialMultiInstance'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await listeners(c, id, true);
        expect((await c.vars(id)).behaviorInvoked).toBe(1);
        expect(await c.jobs(id)).toHaveLength(1);
        await runJobs(c, id);
        expect((await c.vars(id)).behaviorInvoked).toBe(5);
        await completeAll(c, id, 1);
        await c.assertEnded(id);
      },
    },
    ...(['testAsyncAfterIntermediateThrowEvent', 'testAsyncAfterAndBeforeIntermediateThrowEvent'] as const).map(
      (m) => ({
        junit: `AsyncAfterTest.${m}`,
        resources: R(`AsyncAfterTest.${m}`),
        async run() {
          throw new Error('needs a Java execution listener');
        },
      }),
    ),
    {
      junit: 'AsyncAfterTest.testTransitionIdRequired',
      resources: R('AsyncAfterTest.testTransitionIdRequired'),
      async run(c) {
        expect((await c.tryDeploy()).status).toBe(400);
      },
    },
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
