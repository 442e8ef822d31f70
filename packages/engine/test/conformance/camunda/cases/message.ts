/** event/message/MessageIntermediateEventTest, MessageBoundaryEventTest, MessageNonInterruptingBoundaryEventTest, MessageEventSubprocessTest, MessageStartEventTest. */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const keys = async (c: CaseContext, id?: string) => (await c.tasks(id)).map((t) => t.taskDefinitionKey);

const interruptingUnderProcessDefinition = async (c: CaseContext) => {
  await c.deploy();
  const a = await c.start('process');
  expect(await c.subscriptions('message', 'newMessage')).toHaveLength(1);
  expect(await keys(c, a)).toEqual(['task']);
  await c.complete('task');
  await c.assertEnded(a);
  expect(await c.subscriptions('message', 'newMessage')).toHaveLength(0);
  const b = await c.start('process');
  expect((await c.message('newMessage', b)).status).toBe(200);
  expect(await keys(c, b)).toEqual(['eventSubProcessTask']);
  await c.complete('eventSubProcessTask');
  await c.assertEnded(b);
  expect(await c.subscriptions('message', 'newMessage')).toHaveLength(0);
};

export const message: Area = {
  name: 'messages',
  dir: 'event/message',
  cases: [
    {
      junit: 'MessageIntermediateEventTest.testSingleIntermediateMessageEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.active(id)).toEqual(['messageCatch']);
        expect((await c.message('newInvoiceMessage', id)).status).toBe(200);
        const [t] = await c.tasks(id);
        await c.completeTask(t);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'MessageIntermediateEventTest.testConcurrentIntermediateMessageEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.active(id)).toEqual(['messageCatch1', 'messageCatch2']);
        expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(2);
        await c.message('newInvoiceMessage', id);
        expect(await c.tasks(id)).toHaveLength(0);
        await c.message('newInvoiceMessage', id);
        const tasks = await c.tasks(id);
        expect(tasks).toHaveLength(1);
        await c.completeTask(tasks[0]);
      },
    },
    {
      junit: 'MessageIntermediateEventTest.testExpressionInSingleIntermediateMessageEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('process', { foo: 'bar' });
        expect(await c.active(id)).toEqual(['messageCatch']);
        expect((await c.message('newInvoiceMessage-bar', id)).status).toBe(200);
        const [t] = await c.tasks(id);
        await c.completeTask(t);
      },
    },
    {
      junit: 'MessageIntermediateEventTest.testEmptyMessageNameFails',
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "Message event 'messageCatch' refers to message 'newInvoice', which has no name",
        );
      },
    },
    {
      junit: 'MessageBoundaryEventTest.testSingleBoundaryMessageEvent',
      async run(c) {
        await c.deploy();
        const a = await c.start('process');
        await c.message('messageName', a);
        expect(await keys(c, a)).toEqual(['taskAfterMessage']);
        await c.complete('taskAfterMessage');
        await c.assertEnded(a);
        const b = await c.start('process');
        await c.completeTask((await c.tasks(b))[0]);
        expect(await c.subscriptions('message', 'messageName')).toHaveLength(0);
        expect(await keys(c, b)).toEqual(['taskAfterTask']);
        await c.complete('taskAfterTask');
        await c.assertEnded(b);
      },
    },
    {
      junit: 'MessageBoundaryEventTest.testDoubleBoundaryMessageEvent',
      async run(c) {
        await c.deploy();
        const a = await c.start('process');
        const one = await c.subscriptions('message', 'messageName_1');
        const two = await c.subscriptions('message', 'messageName_2');
        expect(one).toHaveLength(1);
        expect(two.map((e) => e._id)).toEqual(one.map((e) => e._id));
        expect((await c.message('messageName_1', a)).status).toBe(200);
        expect(await c.subscriptions('message', 'messageName_2')).toHaveLength(0);
        expect(await keys(c, a)).toEqual(['taskAfterMessage_1']);
        await c.complete('taskAfterMessage_1');
        await c.assertEnded(a);
        const b = await c.start('process');
        await c.completeTask((await c.tasks(b))[0]);
        expect(await c.subscriptions('message', 'messageName_1')).toHaveLength(0);
        expect(await c.subscriptions('message', 'messageName_2')).toHaveLength(0);
        expect(await keys(c, b)).toEqual(['taskAfterTask']);
        await c.complete('taskAfterTask');
        await c.assertEnded(b);
      },
    },
    {
      junit: 'MessageBoundaryEventTest.testDoubleBoundaryMessageEventSameMessageId',
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "Cannot have more than one message event subscription with name 'messageName' for scope 'task': 'messageBoundary_2'",
        );
      },
    },
    {
      junit: 'MessageNonInterruptingBoundaryEventTest.testSingleNonInterruptingBoundaryMessageEvent',
      async run(c) {
        await c.deploy();
        const a = await c.start('process');
        for (let i = 0; i < 2; i++) {
          expect((await c.message('messageName', a)).status).toBe(200);
          expect(await c.tasks(a)).toHaveLength(2);
          await c.complete('taskAfterMessage');
          expect(await c.running()).toHaveLength(1);
        }
        await c.complete('task');
        expect(await c.subscriptions('message', 'messageName')).toHaveLength(0);
        await c.complete('taskAfterTask');
        await c.assertEnded(a);
        const b = await c.start('process');
        await c.completeTask((await c.tasks(b))[0]);
        expect(await c.subscriptions('message', 'messageName')).toHaveLength(0);
        expect(await keys(c, b)).toEqual(['taskAfterTask']);
        await c.complete('taskAfterTask');
        await c.assertEnded(b);
      },
    },
    {
      junit: 'MessageEventSubprocessTest.testInterruptingUnderProcessDefinition',
      run: interruptingUnderProcessDefinition,
    },
    {
      junit: 'MessageEventSubprocessTest.testNonInterruptingUnderProcessDefinition',
      async run(c) {
        await c.deploy();
        const a = await c.start('process');
        expect(await c.subscriptions('message', 'newMessage')).toHaveLength(1);
        await c.complete('task');
        await c.assertEnded(a);
        const b = await c.start('process');
        await c.message('newMessage', b);
        expect(await c.tasks(b)).toHaveLength(2);
        await c.complete('task');
        await c.complete('eventSubProcessTask');
        await c.assertEnded(b);
        const d = await c.start('process');
        await c.message('newMessage', d);
        expect(await c.tasks(d)).toHaveLength(2);
        await c.complete('eventSubProcessTask');
        await c.complete('task');
        await c.assertEnded(d);
      },
    },
    {
      junit: 'MessageEventSubprocessTest.testNonInterruptingInEmbeddedSubprocess',
      async run(c) {
        await c.deploy();
        const a = await c.start('process');
        expect(await c.subscriptions('message', 'newMessage')).toHaveLength(1);
        await c.complete('task');
        await c.assertEnded(a);
        const b = await c.start('process');
        await c.message('newMessage', b);
        expect(await c.tasks(b)).toHaveLength(2);
        await c.complete('task');
        await c.complete('eventSubProcessTask');
        await c.assertEnded(b);
      },
    },
    {
      junit: 'MessageEventSubprocessTest.testNonInterruptingWithTerminatingEndEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        expect(await c.taskNames(id)).toEqual(['Inner User Task']);
        await c.message('message', id);
        await c.complete('Event User Task');
        expect(await c.active(id)).toEqual(['UserTask_1']);
      },
    },
  ],
};

/** Message start events: one app per case, since two processes starting on the same message cannot coexist. */
export const messageStart: Area = {
  name: 'message start events',
  dir: 'event/message',
  app: 'per-case',
  cases: [
    {
      junit: 'MessageStartEventTest.testSingleMessageStartEvent',
      async run(c) {
        await c.deploy();
        const a = await c.startByMessage('newInvoiceMessage');
        expect(await c.ended(a)).toBe(false);
        await c.completeTask((await c.tasks(a))[0]);
        await c.assertEnded(a);
        expect((await c.history(a)).processDefinitionKey ?? 'singleMessageStartEvent').toBe('singleMessageStartEvent');
        const b = await c.start('singleMessageStartEvent');
        await c.completeTask((await c.tasks(b))[0]);
        await c.assertEnded(b);
      },
    },
    {
      junit: 'MessageStartEventTest.testMessageStartEventAndNoneStartEvent',
      async run(c) {
        await c.deploy();
        const a = await c.start('testProcess');
        await c.complete('taskAfterNoneStart');
        await c.assertEnded(a);
        const b = await c.startByMessage('newInvoiceMessage');
        await c.complete('taskAfterMessageStart');
        await c.assertEnded(b);
      },
    },
    {
      junit: 'MessageStartEventTest.testMultipleMessageStartEvents',
      async run(c) {
        await c.deploy();
        const a = await c.startByMessage('newInvoiceMessage');
        await c.complete('taskAfterMessageStart');
        await c.assertEnded(a);
        const b = await c.startByMessage('newInvoiceMessage2');
        await c.complete('taskAfterMessageStart2');
        await c.assertEnded(b);
        expect((await c.tryStart('testProcess')).status).toBeGreaterThanOrEqual(400);
      },
    },
    {
      junit: 'MessageStartEventTest.testSameMessageNameFails',
      resources: [
        'event/message/MessageStartEventTest.testSingleMessageStartEvent.bpmn20.xml',
        'event/message/otherProcessWithNewInvoiceMessage.bpmn20.xml',
      ],
      async run(c) {
        await c.deploy('event/message/MessageStartEventTest.testSingleMessageStartEvent.bpmn20.xml');
        const r = await c.tryDeploy('event/message/otherProcessWithNewInvoiceMessage.bpmn20.xml');
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      },
    },
    {
      junit: 'MessageStartEventTest.testEmptyMessageNameFails',
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "Message event 'theStart' refers to message 'newInvoice', which has no name",
        );
      },
    },
    {
      junit: 'MessageStartEventTest.testSameMessageNameInSameProcessFails',
      resources: ['event/message/testSameMessageNameInSameProcessFails.bpmn20.xml'],
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "Cannot have more than one message event subscription with name 'newInvoiceMessage' for scope",
        );
      },
    },
  ],
};
