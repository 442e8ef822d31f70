/** subprocess/SubProcessTest. */
import { expect } from 'vitest';
import { type Area, type CaseContext, HOUR } from '../harness.js';

const nestedSimple = async (c: CaseContext) => {
  await c.deploy();
  const id = await c.start('nestedSimpleSubProcess');
  expect(await c.taskNames(id)).toEqual(['Task in subprocess']);
  expect(await c.active(id)).toEqual(['innerSubProcessTask']);
  await c.complete('Task in subprocess');
  expect(await c.taskNames(id)).toEqual(['Task after subprocesses']);
  await c.complete('Task after subprocesses');
  await c.assertEnded(id);
};

export const subprocess: Area = {
  name: 'sub-processes',
  dir: 'subprocess',
  cases: [
    {
      junit: 'SubProcessTest.testSimpleSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('simpleSubProcess');
        expect(await c.taskNames(id)).toEqual(['Task in subprocess']);
        expect(await c.active(id)).toEqual(['subProcessTask']);
        await c.complete('Task in subprocess');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'SubProcessTest.testSimpleAutomaticSubProcess',
      async run(c) {
        await c.deploy();
        await c.assertEnded(await c.start('simpleSubProcessAutomatic'));
      },
    },
    {
      junit: 'SubProcessTest.testSimpleSubProcessWithTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('simpleSubProcess');
        expect(await c.taskNames(id)).toEqual(['Task in subprocess']);
        expect(await c.active(id)).toEqual(['subProcessTask']);
        await c.advance(2 * HOUR + 1000);
        expect(await c.taskNames(id)).toEqual(['Fix escalated problem']);
      },
    },
    { junit: 'SubProcessTest.testNestedSimpleSubProcess', run: nestedSimple },
    {
      junit: 'SubProcessTest.testNestedSimpleSubprocessWithTimerOnInnerSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('nestedSubProcessWithTimer');
        expect(await c.taskNames(id)).toEqual(['Task in subprocess']);
        expect(await c.active(id)).toEqual(['innerSubProcessTask']);
        await c.advance(HOUR + 1000);
        expect(await c.taskNames(id)).toEqual(['Escalated task']);
        expect(await c.active(id)).toEqual(['escalationTask']);
        await c.complete('Escalated task');
        expect(await c.taskNames(id)).toEqual(['Task after subprocesses']);
      },
    },
    {
      junit: 'SubProcessTest.testDoubleNestedSimpleSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('nestedSimpleSubProcess');
        expect(await c.taskNames(id)).toEqual(['Task in subprocess']);
        await c.complete('Task in subprocess');
        expect(await c.taskNames(id)).toEqual(['Task after subprocesses']);
      },
    },
    {
      junit: 'SubProcessTest.testSimpleParallelSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('simpleParallelSubProcess');
        expect(await c.taskNames(id)).toEqual(['Task A', 'Task B']);
        expect(await c.active(id)).toHaveLength(2);
        await c.complete('Task A');
        expect(await c.active(id)).toHaveLength(2);
        await c.complete('Task B');
        expect(await c.taskNames(id)).toEqual(['Task after sub process']);
      },
    },
    {
      junit: 'SubProcessTest.testSimpleParallelSubProcessWithTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('simpleParallelSubProcessWithTimer');
        expect(await c.taskNames(id)).toEqual(['Task A', 'Task B']);
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(1);
        expect((await c.executeJob(jobs[0]._id)).status).toBe(200);
        expect(await c.taskNames(id)).toEqual(['Task after timer']);
        await c.complete('Task after timer');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'SubProcessTest.testTwoSubProcessInParallel',
      async run(c) {
        await c.deploy();
        const id = await c.start('twoSubProcessInParallel');
        expect(await c.taskNames(id)).toEqual(['Task in subprocess A', 'Task in subprocess B']);
        expect(await c.active(id)).toEqual(['subProcessATask', 'subProcessBTask']);
        await c.complete('Task in subprocess A');
        expect(await c.taskNames(id)).toEqual(['Task after subprocess A', 'Task in subprocess B']);
        await c.complete('Task in subprocess B');
        expect(await c.taskNames(id)).toEqual(['Task after subprocess A', 'Task after subprocess B']);
        await c.complete('Task after subprocess A');
        await c.complete('Task after subprocess B');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'SubProcessTest.testTwoSubProcessInParallelWithinSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('twoSubProcessInParallelWithinSubProcess');
        expect(await c.taskNames(id)).toEqual(['Task in subprocess A', 'Task in subprocess B']);
        expect(await c.active(id)).toEqual(['subProcessATask', 'subProcessBTask']);
        await c.complete('Task in subprocess A');
        await c.complete('Task in subprocess B');
        expect(await c.taskNames(id)).toEqual(['Task after subprocess']);
        await c.complete('Task after subprocess');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'SubProcessTest.testTwoNestedSubProcessesInParallelWithTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('nestedParallelSubProcessesWithTimer');
        expect(await c.taskNames(id)).toEqual(['Task in subprocess A', 'Task in subprocess B']);
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(1);
        await c.executeJob(jobs[0]._id);
        expect(await c.taskNames(id)).toEqual(['Task after timer']);
        await c.complete('Task after timer');
        await c.assertEnded(id);
      },
    },
    { junit: 'SubProcessTest.testNestedSimpleSubProcessWithoutEndEvent', run: nestedSimple },
    {
      junit: 'SubProcessTest.testSimpleSubProcessWithoutEndEvent',
      async run(c) {
        await c.deploy();
        await c.assertEnded(await c.start('testSimpleSubProcessWithoutEndEvent'));
      },
    },
    {
      junit: 'SubProcessTest.testNestedSubProcessesWithoutEndEvents',
      async run(c) {
        await c.deploy();
        await c.assertEnded(await c.start('testNestedSubProcessesWithoutEndEvents'));
      },
    },
    {
      junit: 'SubProcessTest.testConcurrencyInSubProcess',
      resources: ['subprocess/SubProcessTest.fixSystemFailureProcess.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('fixSystemFailure');
        expect(await c.taskNames(id)).toEqual(['Investigate hardware', 'Investigate software']);
        await c.complete('Investigate hardware');
        await c.complete('Investigate software');
        expect(await c.taskNames(id)).toEqual(['Write report']);
      },
    },
  ],
};
