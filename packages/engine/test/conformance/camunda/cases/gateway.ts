/** gateway/ExclusiveGatewayTest, ParallelGatewayTest, InclusiveGatewayTest. */
import { expect } from 'vitest';
import type { Area } from '../harness.js';

export const gateway: Area = {
  name: 'gateways',
  dir: 'gateway',
  cases: [
    {
      junit: 'ExclusiveGatewayTest.testDivergingExclusiveGateway',
      async run(c) {
        await c.deploy();
        for (const i of [1, 2, 3]) {
          const id = await c.start('exclusiveGwDiverging', { input: i });
          expect(await c.taskNames(id)).toEqual([`Task ${i}`]);
        }
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testMergingExclusiveGateway',
      async run(c) {
        await c.deploy();
        const id = await c.start('exclusiveGwMerging');
        expect(await c.tasks(id)).toHaveLength(3);
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testMultipleValidConditions',
      async run(c) {
        await c.deploy();
        const id = await c.start('exclusiveGwMultipleValidConditions', { input: 5 });
        expect(await c.taskNames(id)).toEqual(['Task 2']);
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testNoSequenceFlowSelected',
      async run(c) {
        await c.deploy();
        const r = await c.tryStart('exclusiveGwNoSeqFlowSelected', { input: 4 });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(JSON.stringify(r.json)).toContain('exclusiveGw');
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testWhitespaceInExpression',
      async run(c) {
        await c.deploy();
        await c.start('whiteSpaceInExpression', { input: 1 });
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testUnknownVariableInExpression',
      resources: ['gateway/ExclusiveGatewayTest.testDivergingExclusiveGateway.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const r = await c.tryStart('exclusiveGwDiverging', { iinput: 1 });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(600);
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testDefaultSequenceFlow',
      async run(c) {
        await c.deploy();
        const a = await c.start('exclusiveGwDefaultSequenceFlow', { input: 1 });
        expect(await c.taskNames(a)).toEqual(['Input is one']);
        const b = await c.start('exclusiveGwDefaultSequenceFlow', { input: 5 });
        expect(await c.taskNames(b)).toEqual(['Default input']);
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testNoIdOnSequenceFlow',
      async run(c) {
        await c.deploy();
        const id = await c.start('noIdOnSequenceFlow', { input: 3 });
        expect(await c.taskNames(id)).toEqual(['Input is more than one']);
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testLoopWithManyIterations',
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess', { numOfIterations: 1000 });
        expect(id).toBeTruthy();
      },
    },
    {
      junit: 'ExclusiveGatewayTest.testDecisionFunctionality',
      async run(c) {
        await c.deploy();
        const expected = ['Send e-mail for more information', 'Check account balance', 'Call customer'];
        for (const [i, name] of expected.entries()) {
          const id = await c.start('exclusiveGateway', { input: i + 1 });
          expect(await c.taskNames(id)).toEqual([name]);
        }
        expect((await c.tryStart('exclusiveGateway', { input: 4 })).status).toBeGreaterThanOrEqual(400);
      },
    },
    ...(
      [
        ['testSplitMergeNoWaitstates', 'forkJoinNoWaitStates'],
        ['testUnstructuredConcurrencyTwoForks', 'unstructuredConcurrencyTwoForks'],
        ['testUnstructuredConcurrencyTwoJoins', 'unstructuredConcurrencyTwoJoins'],
        ['testForkFollowedByOnlyEndEvents', 'forkFollowedByEndEvents'],
        ['testNestedForksFollowedByEndEvents', 'nestedForksFollowedByEndEvents'],
        ['testCompletingJoin', 'process'],
        ['testCompletingJoinInSubProcess', 'process'],
      ] as const
    ).map(([method, key]) => ({
      junit: `ParallelGatewayTest.${method}`,
      async run(c: import('../harness.js').CaseContext) {
        await c.deploy();
        await c.assertEnded(await c.start(key));
      },
    })),
    {
      junit: 'ParallelGatewayTest.testNestedForkJoin',
      async run(c) {
        await c.deploy();
        const id = await c.start('nestedForkJoin');
        expect(await c.taskNames(id)).toEqual(['Task 0']);
        await c.complete('Task 0');
        expect(await c.taskNames(id)).toEqual(['Task A', 'Task B']);
        await c.complete('Task A');
        expect(await c.taskNames(id)).toEqual(['Task B']);
        await c.complete('Task B');
        expect(await c.taskNames(id)).toEqual(['Task B1', 'Task B2']);
        await c.complete('Task B1');
        await c.complete('Task B2');
        expect(await c.taskNames(id)).toEqual(['Task C']);
      },
    },
    {
      junit: 'ParallelGatewayTest.testReceyclingExecutionWithCallActivity',
      async run(c) {
        await c.deploy();
        await c.start('parent-process');
        expect(await c.taskNames()).toEqual(['Another task', 'Some Task']);
        await c.complete('Some Task');
        expect(await c.taskNames()).toEqual(['Another task']);
        await c.complete('Another task');
        expect(await c.taskNames()).toEqual([]);
      },
    },
    {
      junit: 'ParallelGatewayTest.testAsyncParallelGateway',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.ended(id)).toBe(false);
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(2);
        for (const j of jobs) expect((await c.executeJob(j._id)).status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ParallelGatewayTest.testAsyncParallelGatewayAfterScopeTask',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.ended(id)).toBe(false);
        const [t] = await c.tasks(id);
        await c.completeTask(t);
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(2);
        for (const j of jobs) expect((await c.executeJob(j._id)).status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ParallelGatewayTest.testParallelGatewayBeforeAndInSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.taskNames(id)).toEqual(['Inner User Task 1', 'Inner User Task 2', 'Outer User Task']);
      },
    },
    {
      junit: 'ParallelGatewayTest.testForkJoin',
      async run(c) {
        await c.deploy();
        const id = await c.start('forkJoin');
        expect(await c.taskNames(id)).toEqual(['Receive Payment', 'Ship Order']);
        await c.complete('Receive Payment');
        await c.complete('Ship Order');
        expect(await c.taskNames(id)).toEqual(['Archive Order']);
      },
    },
    {
      junit: 'ParallelGatewayTest.testUnbalancedForkJoin',
      async run(c) {
        await c.deploy();
        const id = await c.start('UnbalancedForkJoin');
        const first = await c.taskNames(id);
        expect(first).toHaveLength(3);
        expect(first.slice(0, 2)).toEqual(['Task 1', 'Task 2']);
        await c.complete('Task 1');
        await c.complete('Task 2');
        expect(await c.taskNames(id)).toEqual(['Task 3', 'Task 4']);
        await c.complete('Task 3');
        await c.complete('Task 4');
        await c.assertEnded(id);
      },
    },
    ...(
      ['testImplicitParallelGatewayAfterSignalBehavior', 'testExplicitParallelGatewayAfterSignalBehavior'] as const
    ).map((method) => ({
      junit: `ParallelGatewayTest.${method}`,
      async run(c: import('../harness.js').CaseContext) {
        await c.deploy();
        const id = await c.start('process');
        expect((await c.trigger(id, 'service')).status).toBe(200);
        expect(await c.tasks(id)).toHaveLength(3);
      },
    })),
    {
      junit: 'InclusiveGatewayTest.testDivergingInclusiveGateway',
      async run(c) {
        await c.deploy();
        const expected = [['Task 1', 'Task 2', 'Task 3'], ['Task 2', 'Task 3'], ['Task 3']];
        for (const [i, names] of expected.entries()) {
          const id = await c.start('inclusiveGwDiverging', { input: i + 1 });
          expect(await c.taskNames(id)).toEqual(names);
        }
      },
    },
    {
      junit: 'InclusiveGatewayTest.testMergingInclusiveGateway',
      async run(c) {
        await c.deploy();
        const id = await c.start('inclusiveGwMerging', { input: 2 });
        expect(await c.tasks(id)).toHaveLength(1);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testMergingInclusiveGatewayAsync',
      async run(c) {
        await c.deploy();
        const id = await c.start('inclusiveGwMerging', { input: 2 });
        for (const j of await c.jobs(id)) await c.executeJob(j._id);
        expect(await c.tasks(id)).toHaveLength(1);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testPartialMergingInclusiveGateway',
      async run(c) {
        await c.deploy();
        const id = await c.start('partialInclusiveGwMerging', { input: 2 });
        const [partial] = await c.tasks(id);
        expect(partial.taskDefinitionKey).toBe('partialTask');
        await c.completeTask(partial);
        const full = await c.tasks(id);
        expect(full.map((t) => t.taskDefinitionKey)).toEqual(['theTask']);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testNoSequenceFlowSelected',
      async run(c) {
        await c.deploy();
        const r = await c.tryStart('inclusiveGwNoSeqFlowSelected', { input: 4 });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(JSON.stringify(r.json)).toContain('inclusiveGw');
      },
    },
    {
      junit: 'InclusiveGatewayTest.testParentActivationOnNonJoiningEnd',
      async run(c) {
        await c.deploy();
        const id = await c.start('parentActivationOnNonJoiningEnd');
        const first = await c.tasks(id);
        expect(first).toHaveLength(2);
        for (const t of first) await c.completeTask(t);
        const second = await c.tasks(id);
        expect(second).toHaveLength(2);
        await c.completeTask(second[0]);
        expect(await c.active(id)).toHaveLength(1);
        const last = await c.tasks(id);
        expect(last).toHaveLength(1);
        await c.completeTask(last[0]);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testWhitespaceInExpression',
      async run(c) {
        await c.deploy();
        await c.start('inclusiveWhiteSpaceInExpression', { input: 1 });
      },
    },
    {
      junit: 'InclusiveGatewayTest.testUnknownVariableInExpression',
      resources: ['gateway/InclusiveGatewayTest.testDivergingInclusiveGateway.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const r = await c.tryStart('inclusiveGwDiverging', { iinput: 1 });
        expect(r.status).toBeGreaterThanOrEqual(400);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testDefaultSequenceFlow',
      async run(c) {
        await c.deploy();
        expect(await c.taskNames(await c.start('inclusiveGwDefaultSequenceFlow', { input: 1 }))).toEqual([
          'Input is one',
          'Input is three or one',
        ]);
        expect(await c.taskNames(await c.start('inclusiveGwDefaultSequenceFlow', { input: 3 }))).toEqual([
          'Input is three or one',
        ]);
        expect(await c.taskNames(await c.start('inclusiveGwDefaultSequenceFlow', { input: 5 }))).toEqual([
          'Default input',
        ]);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testDefaultSequenceFlowExecutionIsActive',
      resources: ['gateway/InclusiveGatewayTest.testDefaultSequenceFlow.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('inclusiveGwDefaultSequenceFlow', { input: 5 });
        expect(await c.active(id)).toEqual(['theTask2']);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testSplitMergeSplit',
      async run(c) {
        await c.deploy();
        const id = await c.start('inclusiveGwSplitAndMerge', { input: 1 });
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(2);
        for (const t of tasks) await c.completeTask(t);
        expect(await c.tasks(id)).toHaveLength(1);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testNoIdOnSequenceFlow',
      async run(c) {
        await c.deploy();
        expect(await c.taskNames(await c.start('inclusiveNoIdOnSequenceFlow', { input: 3 }))).toEqual([
          'Input is more than one',
        ]);
        expect(await c.taskNames(await c.start('inclusiveNoIdOnSequenceFlow', { input: 1 }))).toEqual([
          'Input is more than one',
          'Input is one',
        ]);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testLoop',
      async run(c) {
        await c.deploy();
        const id = await c.start('inclusiveTestLoop', { counter: 1 });
        expect(await c.taskNames(id)).toEqual(['task C']);
        await c.complete('task C');
        expect(await c.tasks(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testJoinAfterSubprocesses',
      async run(c) {
        await c.deploy();
        const a = await c.start('InclusiveGateway', { a: 1, b: 1 });
        const tasks = await c.tasks(a);
        expect(tasks).toHaveLength(2);
        await c.completeTask(tasks[0]);
        expect(await c.tasks(a)).toHaveLength(1);
        await c.completeTask(tasks[1]);
        const [cTask] = (await c.tasks(a)).filter((t) => t.assignee === 'c');
        await c.completeTask(cTask);
        await c.assertEnded(a);
        const b = await c.start('InclusiveGateway', { a: 1, b: 2 });
        const [only] = await c.tasks(b);
        expect(only.assignee).toBe('a');
        await c.completeTask(only);
        const [cTask2] = (await c.tasks(b)).filter((t) => t.assignee === 'c');
        await c.completeTask(cTask2);
        await c.assertEnded(b);
        expect((await c.tryStart('InclusiveGateway', { a: 2, b: 2 })).status).toBeGreaterThanOrEqual(400);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testJoinAfterCall',
      resources: [
        'gateway/InclusiveGatewayTest.testJoinAfterCallSubProcess.bpmn20.xml',
        'gateway/InclusiveGatewayTest.testJoinAfterCall.bpmn20.xml',
      ],
      async run(c) {
        await c.deploy();
        const id = await c.start('InclusiveGatewayAfterCall');
        expect(await c.tasks()).toHaveLength(3);
        await c.complete('Task A');
        expect(await c.tasks()).toHaveLength(2);
        await c.complete('Task B');
        expect(await c.tasks()).toHaveLength(1);
        await c.complete('Task C');
        expect(await c.taskNames()).toEqual(['Task D']);
        await c.complete('Task D');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'InclusiveGatewayTest.testDecisionFunctionality',
      async run(c) {
        await c.deploy();
        const expected = [['Task 1', 'Task 2', 'Task 3'], ['Task 2', 'Task 3'], ['Task 3']];
        for (const [i, names] of expected.entries())
          expect(await c.taskNames(await c.start('inclusiveGateway', { input: i + 1 }))).toEqual(names);
        expect((await c.tryStart('inclusiveGateway', { input: 4 })).status).toBeGreaterThanOrEqual(400);
      },
    },
    ...(
      [
        'testJoinAfterSequentialMultiInstanceSubProcess',
        'testJoinAfterParallelMultiInstanceSubProcess',
        'testJoinAfterNestedScopes',
      ] as const
    ).map((method) => ({
      junit: `InclusiveGatewayTest.${method}`,
      async run(c: import('../harness.js').CaseContext) {
        await c.deploy();
        const id = await c.start('process');
        await c.complete('task');
        expect((await c.tasks(id)).filter((t) => t.taskDefinitionKey === 'taskAfterJoin')).toHaveLength(0);
      },
    })),
    {
      junit: 'InclusiveGatewayTest.testLoopingInclusiveGateways',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.active(id)).toEqual(['inclusiveGw3', 'task1', 'task2']);
      },
    },
    ...(
      [
        'testJoinAfterEventBasedGateway',
        'testJoinAfterEventBasedGatewayInSubProcess',
        'testJoinAfterEventBasedGatewayContainedInSubProcess',
      ] as const
    ).map((method) => ({
      junit: `InclusiveGatewayTest.${method}`,
      async run(c: import('../harness.js').CaseContext) {
        await c.deploy();
        const id = await c.start('process');
        const [t] = await c.tasks(id);
        await c.completeTask(t);
        expect(await c.tasks(id)).toHaveLength(0);
        expect((await c.message('foo', id)).status).toBe(200);
        expect((await c.tasks(id)).map((x) => x.taskDefinitionKey)).toEqual(['taskAfterJoin']);
      },
    })),
  ],
};
