/** event/error/BoundaryErrorEventTest, ErrorEventSubProcessTest. */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const R = (...names: string[]) => names.map((n) => `event/error/${n}`);

const catchOnEmbedded = async (c: CaseContext) => {
  await c.deploy();
  const id = await c.start('boundaryErrorOnEmbeddedSubprocess');
  expect(await c.taskNames(id)).toEqual(['subprocessTask']);
  await c.complete('subprocessTask');
  expect(await c.taskNames(id)).toEqual(['task after catching the error']);
};

/** The error was caught: one task, "Escalated Task", whose completion ends the process. */
const errorCaught = async (c: CaseContext, id: string) => {
  expect(await c.taskNames()).toEqual(['Escalated Task']);
  await c.complete('Escalated Task');
  await c.assertEnded(id);
};

const concurrentSubprocesses = (key: string) => async (c: CaseContext) => {
  await c.deploy();
  const a = await c.start(key);
  expect(await c.taskNames(a)).toEqual(['task A', 'task B']);
  await c.complete('task A');
  expect(await c.taskNames(a)).toEqual(['task D']);
  await c.complete('task D');
  await c.assertEnded(a);
  const b = await c.start(key);
  expect(await c.taskNames(b)).toEqual(['task A', 'task B']);
  await c.complete('task B');
  expect(await c.taskNames(b)).toEqual(['task A', 'task C']);
  await c.complete('task C');
  expect(await c.taskNames(b)).toEqual(['task A']);
  await c.complete('task A');
  expect(await c.taskNames(b)).toEqual(['task D']);
};

const thrownByEventSubprocess = async (c: CaseContext, messages: string[]) => {
  await c.deploy();
  const id = await c.start('testProcess');
  for (const m of messages) expect((await c.message(m, id)).status).toBe(200);
  expect((await c.tasks(id)).map((t) => t.taskDefinitionKey)).toEqual(['afterBoundaryTask']);
};

export const error: Area = {
  name: 'errors',
  dir: 'event/error',
  cases: [
    { junit: 'BoundaryErrorEventTest.testCatchErrorOnEmbeddedSubprocess', run: catchOnEmbedded },
    { junit: 'BoundaryErrorEventTest.testCatchErrorOnEmbeddedSubprocessWithEmptyErrorCode', run: catchOnEmbedded },
    { junit: 'BoundaryErrorEventTest.testCatchErrorOnEmbeddedSubprocessWithoutErrorCode', run: catchOnEmbedded },
    {
      junit: 'BoundaryErrorEventTest.testThrowErrorWithoutErrorCode',
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "'errorCode' is mandatory on errors referenced by throwing error event",
        );
        expect(JSON.stringify(r.json)).toContain("'theEnd'");
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testThrowErrorWithEmptyErrorCode',
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "'errorCode' is mandatory on errors referenced by throwing error event",
        );
        expect(JSON.stringify(r.json)).toContain("'theEnd'");
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorOfInnerSubprocessOnOuterSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('boundaryErrorTest');
        expect(await c.taskNames(id)).toEqual(['Inner subprocess task 1', 'Inner subprocess task 2']);
        await c.complete('Inner subprocess task 2');
        expect(await c.taskNames(id)).toEqual(['task outside subprocess']);
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorInConcurrentEmbeddedSubprocesses',
      run: concurrentSubprocesses('boundaryEventTestConcurrentSubprocesses'),
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorInConcurrentEmbeddedSubprocessesThrownByScriptTask',
      run: concurrentSubprocesses('catchErrorInConcurrentEmbeddedSubprocessesThrownByScriptTask'),
    },
    {
      junit: 'BoundaryErrorEventTest.testDeeplyNestedErrorThrown',
      async run(c) {
        await c.deploy();
        const a = await c.start('deeplyNestedErrorThrown');
        expect(await c.taskNames(a)).toEqual(['Nested task']);
        await c.complete('Nested task', { input: 1 });
        await c.assertEnded(a);
        const b = await c.start('deeplyNestedErrorThrown');
        await c.complete('Nested task', { input: 2 });
        expect(await c.taskNames(b)).toEqual(['task after catch']);
        await c.complete('task after catch');
        await c.assertEnded(b);
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testDeeplyNestedErrorThrownOnlyAutomaticSteps',
      async run(c) {
        await c.deploy();
        for (let i = 0; i < 2; i++) {
          const id = await c.start('deeplyNestedErrorThrown', { input: 1 });
          await c.assertEnded(id);
          expect((await c.history(id)).endActivityId).toBe('processEnd1');
        }
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorOnCallActivity',
      resources: R(
        'BoundaryErrorEventTest.subprocess.bpmn20.xml',
        'BoundaryErrorEventTest.testCatchErrorOnCallActivity-parent.bpmn20.xml',
      ),
      async run(c) {
        await c.deploy();
        const id = await c.start('catchErrorOnCallActivity');
        expect(await c.taskNames()).toEqual(['Task in subprocess']);
        await c.complete('Task in subprocess');
        await errorCaught(c, id);
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testUncaughtError',
      resources: R('BoundaryErrorEventTest.subprocess.bpmn20.xml'),
      async run(c) {
        await c.deploy();
        const id = await c.start('simpleSubProcess');
        const [t] = await c.tasks(id);
        expect(t.name).toBe('Task in subprocess');
        // Camunda 7.x ends the instance; the JUnit test only checks the message if an exception is thrown
        const r = await c.h.complete(t._id);
        if (r.status >= 400) expect(JSON.stringify(r.json)).toContain('myError');
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testUncaughtErrorOnCallActivity',
      resources: R(
        'BoundaryErrorEventTest.subprocess.bpmn20.xml',
        'BoundaryErrorEventTest.testUncaughtErrorOnCallActivity-parent.bpmn20.xml',
      ),
      async run(c) {
        await c.deploy();
        await c.start('uncaughtErrorOnCallActivity');
        const [t] = await c.tasks();
        expect(t.name).toBe('Task in subprocess');
        const r = await c.h.complete(t._id);
        if (r.status >= 400) expect(JSON.stringify(r.json)).toContain('myError');
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorThrownByCallActivityOnSubprocess',
      resources: R(
        'BoundaryErrorEventTest.subprocess.bpmn20.xml',
        'BoundaryErrorEventTest.testCatchErrorThrownByCallActivityOnSubprocess.bpmn20.xml',
      ),
      async run(c) {
        await c.deploy();
        const id = await c.start('catchErrorOnSubprocess');
        await c.complete('Task in subprocess');
        await errorCaught(c, id);
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorThrownByCallActivityOnCallActivity',
      resources: R(
        'BoundaryErrorEventTest.subprocess.bpmn20.xml',
        'BoundaryErrorEventTest.subprocess2ndLevel.bpmn20.xml',
        'BoundaryErrorEventTest.testCatchErrorThrownByCallActivityOnCallActivity.bpmn20.xml',
      ),
      async run(c) {
        await c.deploy();
        const id = await c.start('catchErrorOnCallActivity2ndLevel');
        await c.complete('Task in subprocess');
        await errorCaught(c, id);
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorOnParallelMultiInstance',
      async run(c) {
        await c.deploy();
        const id = await c.start('catchErrorOnParallelMi');
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(5);
        await c.completeTask(tasks[2], { throwError: false });
        await c.completeTask(tasks[3], { throwError: false });
        await c.completeTask(tasks[1], { throwError: true });
        expect(await c.tasks(id)).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorOnSequentialMultiInstance',
      async run(c) {
        await c.deploy();
        const id = await c.start('catchErrorOnSequentialMi');
        await c.completeTask((await c.tasks(id))[0], { throwError: false });
        await c.completeTask((await c.tasks(id))[0], { throwError: true });
        await c.assertEnded(id);
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testConcurrentExecutionsInterruptedOnDestroyScope',
      async run(c) {
        await c.deploy();
        await c.start('process');
      },
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorOnSubprocessThrownByNonInterruptingEventSubprocess',
      run: (c) => thrownByEventSubprocess(c, ['message']),
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorOnSubprocessThrownByInterruptingEventSubprocess',
      run: (c) => thrownByEventSubprocess(c, ['message']),
    },
    {
      junit: 'BoundaryErrorEventTest.testCatchErrorOnSubprocessThrownByNestedEventSubprocess',
      run: (c) => thrownByEventSubprocess(c, ['outerMessage', 'innerMessage']),
    },
    {
      junit: 'BoundaryErrorEventTest.testReviewSalesLeadProcess',
      resources: R('reviewSalesLead.bpmn20.xml'),
      async run(c) {
        await c.deploy();
        const id = await c.start('reviewSaledLead', { details: 'very interesting', customerName: 'Alfresco' });
        // assignee ${initiator}: Camunda's test authenticates kermit; through IDM the starter is the caller
        const [first] = (await c.tasks(id)).filter((t) => t.assignee === 'openidm-admin');
        expect(first.name).toBe('Provide new sales lead');
        await c.completeTask(first);
        expect(await c.taskNames(id)).toEqual(['Review customer rating', 'Review profitability']);
        await c.complete('Review profitability', { notEnoughInformation: true });
        const [details] = (await c.tasks(id)).filter((t) => t.assignee === 'openidm-admin');
        expect(details.name).toBe('Provide additional details');
        await c.completeTask(details);
        expect(await c.taskNames(id)).toEqual(['Review customer rating', 'Review profitability']);
        await c.complete('Review customer rating');
        await c.complete('Review profitability', { notEnoughInformation: false });
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ErrorEventSubProcessTest.testEventSubprocessTakesPrecedence',
      async run(c) {
        await c.deploy();
        await errorCaught(c, await c.start('CatchErrorInEmbeddedSubProcess'));
      },
    },
    {
      junit: 'ErrorEventSubProcessTest.testErrorCodeTakesPrecedence',
      async run(c) {
        await c.deploy();
        const id = await c.start('CatchErrorInEmbeddedSubProcess');
        expect((await c.tasks(id)).map((t) => t.taskDefinitionKey)).toEqual(['taskAfterErrorCatch2']);
        await errorCaught(c, id);
      },
    },
    {
      junit: 'ErrorEventSubProcessTest.testCatchErrorInEmbeddedSubProcess',
      async run(c) {
        await c.deploy();
        await errorCaught(c, await c.start('CatchErrorInEmbeddedSubProcess'));
      },
    },
  ],
};
