/** gateway/EventBasedGatewayTest and receivetask/ReceiveTaskTest (events a process waits for). */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const G = (...names: string[]) => names.map((n) => `gateway/EventBasedGatewayTest.${n}.bpmn20.xml`);
const RT = (name: string) => [`receivetask/ReceiveTaskTest.${name}.bpmn20.xml`];

/** runtimeService.signal(executionId) on a receive task: Flowable's trigger. */
const legacySignalEach = async (c: CaseContext, id: string, activityId: string, times: number) => {
  for (let i = 0; i < times; i++) expect((await c.trigger(id, activityId)).status).toBe(200);
};

export const eventGateway: Area = {
  name: 'event-based gateway and receive tasks',
  dir: 'gateway',
  cases: [
    {
      junit: 'EventBasedGatewayTest.testCatchSignalCancelsTimer',
      resources: G('testCatchAlertAndTimer', 'throwAlertSignal'),
      async run(c) {
        await c.deploy();
        const id = await c.start('catchSignal');
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(1);
        expect(await c.jobs(id)).toHaveLength(1);
        await c.start('throwSignal');
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(0);
        expect(await c.running()).toHaveLength(1);
        expect(await c.jobs(id)).toHaveLength(0);
        await c.complete('afterSignal');
      },
    },
    {
      junit: 'EventBasedGatewayTest.testCatchTimerCancelsSignal',
      resources: G('testCatchAlertAndTimer'),
      async run(c) {
        await c.deploy();
        const id = await c.start('catchSignal');
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(1);
        expect(await c.jobs(id)).toHaveLength(1);
        await c.advance(10_000);
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(0);
        expect(await c.running()).toHaveLength(1);
        expect(await c.jobs(id)).toHaveLength(0);
        await c.complete('afterTimer');
      },
    },
    {
      junit: 'EventBasedGatewayTest.testCatchSignalAndMessageAndTimer',
      async run(c) {
        await c.deploy();
        const id = await c.start('catchSignal');
        expect(await c.subscriptions('message', 'newInvoice')).toHaveLength(1);
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(1);
        expect(await c.jobs(id)).toHaveLength(1);
        expect((await c.message('newInvoice', id)).status).toBe(200);
        expect(await c.subscriptions('message', 'newInvoice')).toHaveLength(0);
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(0);
        expect(await c.jobs(id)).toHaveLength(0);
        await c.complete('afterMessage');
      },
    },
    {
      junit: 'EventBasedGatewayTest.testConnectedToActitity',
      resources: G('testConnectedToActivity'),
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain('gw1');
      },
    },
    {
      junit: 'EventBasedGatewayTest.testInvalidSequenceFlow',
      resources: G('testEventInvalidSequenceFlow'),
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json), JSON.stringify(r.json)).toContain(
          "Invalid incoming sequence flow 'invalidFlow' for intermediate catch event 'signalEvent'",
        );
      },
    },
    {
      junit: 'EventBasedGatewayTest.testTimeCycle',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(1);
        await c.executeJob(jobs[0]._id);
        expect(await c.jobs(id)).toHaveLength(0);
        await c.completeTask((await c.tasks(id))[0]);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testReceiveTaskWithoutMessageReference',
      resources: RT('simpleReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await legacySignalEach(c, id, 'waitState', 1);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testSupportsLegacySignalingOnSingleReceiveTask',
      resources: RT('singleReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await legacySignalEach(c, id, 'waitState', 1);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testSupportsMessageEventReceivedOnSingleReceiveTask',
      resources: RT('singleReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(1);
        expect((await c.message('newInvoiceMessage', id)).status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testSupportsLegacySignalingOnSequentialMultiReceiveTask',
      resources: RT('multiSequentialReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        await legacySignalEach(c, id, 'waitState', 2);
        await c.completeTask((await c.tasks(id))[0]);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testSupportsMessageEventReceivedOnSequentialMultiReceiveTask',
      resources: RT('multiSequentialReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        for (let i = 0; i < 2; i++) {
          expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(1);
          expect((await c.message('newInvoiceMessage', id)).status).toBe(200);
        }
        await c.completeTask((await c.tasks(id))[0]);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testSupportsLegacySignalingOnParallelMultiReceiveTask',
      resources: RT('multiParallelReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        expect(await c.active(id)).toEqual(['waitState', 'waitState']);
        await legacySignalEach(c, id, 'waitState', 2);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testSupportsMessageEventReceivedOnParallelMultiReceiveTask',
      resources: RT('multiParallelReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(2);
        for (let i = 0; i < 2; i++) expect((await c.message('newInvoiceMessage', id)).status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testWaitStateBehavior',
      resources: RT('testWaitStateBehavior'),
      async run(c) {
        await c.deploy();
        const id = await c.start('receiveTask');
        expect(await c.active(id)).toEqual(['waitState']);
        await legacySignalEach(c, id, 'waitState', 1);
        await c.assertEnded(id);
      },
    },
    ...(
      [
        ['testSupportsMessageEventReceivedOnSubProcessReceiveTask', 'subProcessReceiveTask', 1],
        ['testSupportsMessageEventReceivedOnMultiSubProcessReceiveTask', 'multiSubProcessReceiveTask', 2],
        ['testSupportsMessageEventReceivedOnParallelMultiInstanceWithBoundary', 'multiParallelReceiveTaskBoundary', 2],
      ] as const
    ).map(([m, file, n]) => ({
      junit: `ReceiveTaskTest.${m}`,
      resources: RT(file),
      async run(c: CaseContext) {
        await c.deploy();
        const id = await c.start('testProcess');
        expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(n);
        for (let i = 0; i < n; i++) expect((await c.message('newInvoiceMessage', id)).status).toBe(200);
        expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(0);
        await c.assertEnded(id);
      },
    })),
    {
      junit: 'ReceiveTaskTest.testSupportsMessageEventReceivedOnParallelMultiInstanceWithBoundaryEventReceived',
      resources: RT('multiParallelReceiveTaskBoundary'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(2);
        // the boundary event's message cancels both receive tasks of the multi-instance body
        expect((await c.message('cancelInvoiceMessage', id)).status).toBe(200);
        expect(await c.subscriptions('message', 'newInvoiceMessage')).toHaveLength(0);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'ReceiveTaskTest.testSupportsMessageEventReceivedOnReceiveTaskBehindParallelGateway',
      resources: RT('parallelGatewayReceiveTask'),
      async run(c) {
        await c.deploy();
        const id = await c.start('testProcess');
        for (const name of ['Message 1', 'Message 2']) expect(await c.subscriptions('message', name)).toHaveLength(1);
        for (const name of ['Message 1', 'Message 2']) expect((await c.message(name, id)).status).toBe(200);
        await c.assertEnded(id);
      },
    },
  ],
};
