/** event/signal/SignalEventTest, SignalEventExpressionNameTest. */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const R = (...names: string[]) => names.map((n) => `event/signal/${n}.bpmn20.xml`);

/** Catch, then throw from another instance: the catcher ends (testSignalCatchIntermediate and kin). */
const catchThenThrow =
  (catchKey: string, throwKey: string, name: string, vars: Record<string, unknown> = {}) =>
  async (c: CaseContext) => {
    await c.deploy();
    await c.start(catchKey, vars);
    expect(await c.subscriptions('signal', name)).toHaveLength(1);
    expect(await c.running()).toHaveLength(1);
    await c.start(throwKey, vars);
    expect(await c.subscriptions('signal', name)).toHaveLength(0);
    expect(await c.running()).toHaveLength(0);
  };

export const signal: Area = {
  name: 'signals',
  dir: 'event/signal',
  cases: [
    {
      junit: 'SignalEventTest.testSignalCatchIntermediate',
      resources: R('SignalEventTests.catchAlertSignal', 'SignalEventTests.throwAlertSignal'),
      run: catchThenThrow('catchSignal', 'throwSignal', 'alert'),
    },
    {
      junit: 'SignalEventTest.testSignalCatchBoundary',
      resources: R('SignalEventTests.catchAlertSignalBoundary', 'SignalEventTests.throwAlertSignal'),
      run: catchThenThrow('catchSignal', 'throwSignal', 'alert'),
    },
    {
      junit: 'SignalEventTest.testSignalCatchBoundaryWithVariables',
      resources: R('SignalEventTests.catchAlertSignalBoundaryWithReceiveTask', 'SignalEventTests.throwAlertSignal'),
      async run(c) {
        await c.deploy();
        const id = await c.start('catchSignal', { processName: 'catchSignal' });
        await c.start('throwSignal', { processName: 'throwSignal' });
        expect((await c.vars(id)).processName).toBe('catchSignal');
      },
    },
    {
      junit: 'SignalEventTest.testSignalCatchIntermediateAsynch',
      resources: R('SignalEventTests.catchAlertSignal', 'SignalEventTests.throwAlertSignalAsynch'),
      async run(c) {
        await c.deploy();
        const catcher = await c.start('catchSignal');
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(1);
        const thrower = await c.start('throwSignal');
        // the thrower went on (and ended); the catcher still waits, with one job to deliver the signal to it
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(1);
        expect((await c.running()).map((i) => i._id)).toEqual([catcher]);
        await c.assertEnded(thrower);
        expect(await c.jobs(catcher)).toHaveLength(1);
        await c.advance(1000);
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(0);
        expect(await c.running()).toHaveLength(0);
      },
    },
    {
      junit: 'SignalEventTest.testSignalCatchDifferentSignals',
      resources: R(
        'SignalEventTests.catchMultipleSignals',
        'SignalEventTests.throwAlertSignal',
        'SignalEventTests.throwAbortSignal',
      ),
      async run(c) {
        await c.deploy();
        const id = await c.start('catchSignal');
        const waiting = async () =>
          (await c.subscriptions('signal', 'alert')).length + (await c.subscriptions('signal', 'abort')).length;
        expect(await waiting()).toBe(2);
        await c.start('throwAbort');
        expect(await waiting()).toBe(1);
        const [gonzo] = (await c.tasks(id)).filter((t) => t.assignee === 'gonzo');
        await c.completeTask(gonzo);
        await c.start('throwSignal');
        expect(await waiting()).toBe(0);
        expect(await c.running()).toHaveLength(0);
      },
    },
    {
      junit: 'SignalEventTest.testSignalBoundaryOnSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('signalEventOnSubprocess');
        expect((await c.signal('stopSignal')).status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'SignalEventTest.testNonInterruptingSignal',
      async run(c) {
        await c.deploy();
        const id = await c.start('nonInterruptingSignalEvent');
        expect(await c.taskNames(id)).toEqual(['My User Task']);
        await c.signal('alert');
        expect(await c.taskNames(id)).toEqual(['My Second User Task', 'My User Task']);
        await c.complete('My User Task');
        expect(await c.taskNames(id)).toEqual(['My Second User Task']);
      },
    },
    {
      junit: 'SignalEventTest.testNonInterruptingSignalWithSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('nonInterruptingSignalWithSubProcess');
        expect(await c.taskNames(id)).toEqual(['Approve']);
        await c.signal('alert');
        expect(await c.taskNames(id)).toEqual(['Approve', 'Review']);
        await c.complete('Approve');
        expect(await c.taskNames(id)).toEqual(['Review']);
        await c.complete('Review');
        expect(await c.tasks(id)).toHaveLength(1);
      },
    },
    {
      junit: 'SignalEventExpressionNameTest.testSignalCatchIntermediate',
      resources: R('SignalEventExpressionNameTest.testSignalCatchIntermediate'),
      async run(c) {
        await c.deploy();
        await c.start('catchSignal', { var: 'TestVar' });
        expect(await c.subscriptions('signal', 'alert-TestVar')).toHaveLength(1);
      },
    },
    {
      junit: 'SignalEventExpressionNameTest.testSignalCatchIntermediateActsOnEventReceive',
      resources: R('SignalEventExpressionNameTest.testSignalCatchIntermediate'),
      async run(c) {
        await c.deploy();
        await c.start('catchSignal', { var: 'TestVar' });
        await c.signal('alert-TestVar');
        expect(await c.subscriptions('signal', 'alert-TestVar')).toHaveLength(0);
      },
    },
    {
      junit: 'SignalEventExpressionNameTest.testSignalThrowCatchIntermediate',
      resources: R(
        'SignalEventExpressionNameTest.testSignalCatchIntermediate',
        'SignalEventExpressionNameTest.testSignalThrowIntermediate',
      ),
      run: catchThenThrow('catchSignal', 'throwSignal', 'alert-TestVar', { var: 'TestVar' }),
    },
    {
      junit: 'SignalEventExpressionNameTest.testSignalThrowEndCatchIntermediate',
      resources: R(
        'SignalEventExpressionNameTest.testSignalCatchIntermediate',
        'SignalEventExpressionNameTest.testSignalThrowEnd',
      ),
      run: catchThenThrow('catchSignal', 'throwEndSignal', 'alert-TestVar', { var: 'TestVar' }),
    },
    {
      junit: 'SignalEventExpressionNameTest.testSignalCatchBoundary',
      resources: R(
        'SignalEventExpressionNameTest.testSignalCatchBoundary',
        'SignalEventExpressionNameTest.testSignalThrowIntermediate',
      ),
      run: catchThenThrow('catchSignal', 'throwSignal', 'alert-TestVar', { var: 'TestVar' }),
    },
    {
      junit: 'SignalEventExpressionNameTest.testSignalExpressionErrorHandling',
      resources: R('SignalEventExpressionNameTest.testSignalCatchIntermediate'),
      async run(c) {
        await c.deploy();
        const r = await c.tryStart('catchSignal', {});
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(await c.running()).toHaveLength(0);
      },
    },
  ],
};

/** Signal start events get their own app: a deployed signal start answers every later signal of that name. */
export const signalStart: Area = {
  name: 'signal start events',
  dir: 'event/signal',
  cases: [
    {
      junit: 'SignalEventTest.testSignalStartEvent',
      resources: R('SignalEventTest.signalStartEvent'),
      async run(c) {
        await c.deploy();
        await c.signal('alert');
        expect(await c.tasks()).toHaveLength(1);
      },
    },
    {
      junit: 'SignalEventTest.testMultipleProcessesWithSameSignalStartEvent',
      resources: R('SignalEventTest.signalStartEvent', 'SignalEventTest.testOtherSignalStartEvent'),
      async run(c) {
        await c.deploy();
        await c.signal('alert');
        expect(await c.tasks()).toHaveLength(2);
      },
    },
    {
      junit: 'SignalEventTest.testStartProcessInstanceBySignalFromIntermediateThrowingSignalEvent',
      resources: R('SignalEventTest.signalStartEvent', 'SignalEventTests.throwAlertSignal'),
      async run(c) {
        const ids = await c.deploy();
        await c.start('throwSignal');
        expect((await c.tasks()).filter((t) => t.processDefinitionId === ids[0])).toHaveLength(1);
      },
    },
    {
      junit: 'SignalEventTest.testProcessesWithMultipleSignalStartEvents',
      async run(c) {
        const ids = await c.deploy();
        await c.signal('alert');
        expect((await c.tasks()).filter((t) => t.processDefinitionId === ids[0])).toHaveLength(1);
      },
    },
    {
      junit: 'SignalEventExpressionNameTest.testSignalStartEvent',
      resources: R('SignalEventExpressionNameTest.testSignalStartEvent'),
      async run(c) {
        const ids = await c.deploy();
        const mine = async () => (await c.tasks()).filter((t) => t.processDefinitionId === ids[0]);
        expect(await mine()).toHaveLength(0);
        await c.signal('alert-foo');
        expect(await mine()).toHaveLength(1);
      },
    },
    {
      junit: 'SignalEventExpressionNameTest.testAsyncSignalStartEvent',
      resources: R(
        'SignalEventExpressionNameTest.testSignalStartEvent',
        'SignalEventExpressionNameTest.throwAlertSignalAsync',
      ),
      async run(c) {
        const ids = await c.deploy();
        const thrower = await c.start('throwSignalAsync');
        await c.assertEnded(thrower);
        // one job, for the signal start event (it belongs to no instance)
        const jobs = await c.jobs();
        expect(jobs).toHaveLength(1);
        expect((await c.executeJob(jobs[0]._id)).status).toBe(200);
        expect((await c.running()).filter((i) => i.processDefinitionId === ids[0])).toHaveLength(1);
        expect((await c.tasks()).filter((t) => t.processDefinitionId === ids[0])).toHaveLength(1);
      },
    },
  ],
};

/**
 * SignalEventPayloadTest (a throw passes the variables its `in` mappings name, and `in businessKey`, to the
 * instances it reaches or starts) and throws that must reach nothing else. One app per case: the signal start event
 * of one case would answer the next's throw.
 */
export const signalOwnApp: Area = {
  name: 'signals, an app per case',
  dir: 'event/signal',
  app: 'per-case',
  cases: [
    {
      junit: 'SignalEventTest.testNoContinuationWhenSignalInterruptsThrowingActivity',
      async run(c) {
        await c.deploy();
        const id = await c.start('signalEventSubProcess');
        await c.complete('subProcessTask');
        // the signal end event's own event sub-process interrupted the sub-process: nothing continues after it
        expect((await c.tasks(id)).map((t) => t.taskDefinitionKey)).toEqual(['eventSubProcessTask']);
      },
    },
    {
      junit: 'SignalEventTest.testAsyncSignalStartEvent',
      resources: R('SignalEventTest.signalStartEvent', 'SignalEventTests.throwAlertSignalAsync'),
      async run(c) {
        const ids = await c.deploy();
        const thrower = await c.start('throwSignalAsync');
        await c.assertEnded(thrower);
        const jobs = await c.jobs();
        expect(jobs).toHaveLength(1);
        expect((await c.executeJob(jobs[0]._id)).status).toBe(200);
        const running = await c.running();
        expect(running.map((i) => i.processDefinitionId)).toEqual([ids[0]]);
        expect(await c.tasks()).toHaveLength(1);
      },
    },
    {
      junit: 'SignalEventPayloadTest.testSignalPayloadStart',
      resources: R(
        'SignalEventPayloadTests.throwSignalWithPayload',
        'SignalEventPayloadTests.catchSignalWithPayloadStart',
      ),
      async run(c) {
        await c.deploy();
        await c.start('throwPayloadSignal', { payloadVar1: 'payloadVal1', payloadVar2: 'payloadVal2' });
        const [task] = await c.tasks();
        expect(await c.vars(task.processInstanceId)).toEqual({
          payloadVar1Target: 'payloadVal1',
          payloadVar2Target: 'payloadVal2',
        });
      },
    },
    {
      junit: 'SignalEventPayloadTest.testSignalPayloadIntermediate',
      resources: R(
        'SignalEventPayloadTests.throwSignalWithPayload',
        'SignalEventPayloadTests.catchSignalWithPayloadIntermediate',
      ),
      async run(c) {
        await c.deploy();
        const catcher = await c.start('catchIntermediatePayloadSignal');
        await c.start('throwPayloadSignal', { payloadVar1: 'payloadVal1', payloadVar2: 'payloadVal2' });
        expect(await c.vars(catcher)).toEqual({ payloadVar1Target: 'payloadVal1', payloadVar2Target: 'payloadVal2' });
      },
    },
    {
      junit: 'SignalEventPayloadTest.testSignalSourceExpressionPayload',
      resources: R(
        'SignalEventPayloadTests.throwSignalWithExpressionPayload',
        'SignalEventPayloadTests.catchSignalWithPayloadIntermediate',
      ),
      async run(c) {
        await c.deploy();
        const catcher = await c.start('catchIntermediatePayloadSignal');
        await c.start('throwExpressionPayloadSignal', { payloadVar: 'Val' });
        expect(await c.vars(catcher)).toEqual({ srcExpressionResVal: 'sourceVal' });
      },
    },
    {
      junit: 'SignalEventPayloadTest.testSignalAllSourceVariablesPayload',
      resources: R(
        'SignalEventPayloadTests.throwSignalWithAllVariablesPayload',
        'SignalEventPayloadTests.catchSignalWithPayloadIntermediate',
      ),
      async run(c) {
        await c.deploy();
        const catcher = await c.start('catchIntermediatePayloadSignal');
        await c.start('throwPayloadSignal', { payloadVar1: 'payloadVal1', payloadVar2: 'payloadVal2' });
        expect(await c.vars(catcher)).toEqual({ payloadVar1: 'payloadVal1', payloadVar2: 'payloadVal2' });
      },
    },
    {
      junit: 'SignalEventPayloadTest.testSignalAllLocalSourceVariablesPayload',
      resources: R(
        'SignalEventPayloadTests.throwEndSignalEventWithAllLocalVariablesPayload',
        'SignalEventPayloadTests.catchSignalWithPayloadIntermediate',
      ),
      async run(c) {
        await c.deploy();
        const catcher = await c.start('catchIntermediatePayloadSignal');
        await c.start('throwPayloadSignal', { payloadVar1: 'payloadVal1' });
        expect(await c.vars(catcher)).toEqual({ localVar1: 'localVal1', localVar2: 'localVal2' });
      },
    },
    {
      junit: 'SignalEventPayloadTest.testSignalBusinessKeyPayload',
      resources: R(
        'SignalEventPayloadTests.throwSignalWithBusinessKeyPayload',
        'SignalEventPayloadTests.catchSignalWithPayloadStart',
      ),
      async run(c) {
        await c.deploy();
        await c.start('throwBusinessKeyPayloadSignal', {}, 'aBusinessKey');
        const running = await c.running();
        expect(running).toHaveLength(1);
        expect(running[0].businessKey).toBe('aBusinessKey');
      },
    },
    {
      junit: 'SignalEventPayloadTest.testSignalPayloadWithAllOptions',
      resources: R(
        'SignalEventPayloadTests.throwSignalWithAllOptions',
        'SignalEventPayloadTests.catchSignalWithPayloadStart',
      ),
      async run(c) {
        await c.deploy();
        await c.start(
          'throwCompletePayloadSignal',
          { payloadVar1: 'payloadVar1', payloadVar2: 'payloadVal2' },
          'aBusinessKey',
        );
        const [task] = await c.tasks();
        expect((await c.history(task.processInstanceId)).businessKey).toBe('aBusinessKey');
        expect(await c.vars(task.processInstanceId)).toEqual({
          payloadVar1Target: 'payloadVar1',
          payloadVar2Target: 'payloadVal2Source',
          localVar1: 'localVal1',
          localVar2: 'localVal2',
        });
      },
    },
  ],
};
