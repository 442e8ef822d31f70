/** event/compensate/CompensateEventTest (the cases without Java compensation handlers). */
import { expect } from 'vitest';
import type { Area } from '../harness.js';

type C = import('../harness.js').CaseContext;

const keys = async (c: C, id: string) => (await c.tasks(id)).map((t) => t.taskDefinitionKey);
const R = (name: string) => `event/compensate/${name}`;

/** Camunda's completeTasks(name, times): at least `times` open tasks with that name, `times` of them completed. */
async function completeTasks(c: C, name: string, times: number, variables?: Record<string, unknown>) {
  const open = (await c.tasks()).filter((t) => t.name === name);
  expect(open.length, `open tasks named '${name}'`).toBeGreaterThanOrEqual(times);
  for (const t of open.slice(0, times)) await c.completeTask(t, variables);
}

/** CompensationEventParseInvalidProcessTest: the deploy is refused with an error on the element Camunda names. */
function invalid(file: string, elementId: string, message: RegExp) {
  return {
    junit: `CompensationEventParseInvalidProcessTest.testParseInvalidProcessDefinition[${file}]`,
    resources: [R(`CompensationEventParseInvalidProcessTest.${file}.bpmn20.xml`)],
    async run(c: C) {
      const r = await c.tryDeploy();
      expect(r.status).toBe(400);
      const errors = (r.json.detail?.problems ?? []).filter((p: any) => p.severity === 'error');
      expect(
        errors.some((p: any) => p.elementId === elementId && message.test(p.message)),
        JSON.stringify(errors),
      ).toBe(true);
    },
  };
}

export const compensation: Area = {
  name: 'compensation',
  dir: 'event/compensate',
  cases: [
    {
      junit: 'CompensateEventTest.testCompensateSubprocessInsideSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        for (const name of ['Book Hotel', 'Book Flight', 'throw compensation', 'Cancel Hotel', 'Cancel Flight'])
          await c.complete(name);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateParallelSubprocessCompHandlerWaitstate',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        const handlers = (await c.tasks(id)).filter((t) => t.taskDefinitionKey === 'undoBookHotel');
        expect(handlers).toHaveLength(5);
        expect((await c.active(id)).filter((a) => a === 'undoBookHotel')).toHaveLength(5);
        for (const t of handlers) await c.completeTask(t);
        const rest = await c.tasks(id);
        expect(rest).toHaveLength(1);
        await c.completeTask(rest[0]);
        // runtimeService.signal(processInstanceId): the receive task the instance waits in
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateSubprocessWithBoundaryEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        expect(await keys(c, id)).toEqual(['undoSubprocess']);
        await c.complete('undoSubprocess');
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateActivityInSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.completeTask((await c.tasks(id))[0]);
        await c.trigger(id, 'beforeCompensate');
        expect(await keys(c, id)).toEqual(['undoScopeTask']);
        await c.complete('undoScopeTask');
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateActivityInConcurrentSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.complete('scopeTask');
        await c.complete('outerTask');
        await c.trigger(id, 'beforeCompensate');
        expect(await keys(c, id)).toEqual(['undoScopeTask']);
        await c.complete('undoScopeTask');
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateOrder',
      resources: [R('compensation_reference-before.bpmn'), R('compensation_reference-after.bpmn')],
      async run(c) {
        // a compensation boundary event with no handler, the throw's activityRef before or after the activity
        await c.deploy(R('compensation_reference-before.bpmn'));
        await c.deploy(R('compensation_reference-after.bpmn'));
      },
    },
    {
      junit: 'CompensateEventTest.testDeleteParallelSubprocessCompHandlerWaitstate',
      resources: [R('CompensateEventTest.testCompensateParallelSubprocessCompHandlerWaitstate.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        expect((await c.tasks(id)).filter((t) => t.taskDefinitionKey === 'undoBookHotel')).toHaveLength(5);
        const del = await c.h.call('DELETE', `/openidm/workflow/processinstance/${id}`);
        expect(del.status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateConcurrentMiActivity',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await completeTasks(c, 'Book Hotel', 4);
        // throw compensation event
        await completeTasks(c, 'Request Vacation', 1, { accept: false });
        // should not compensate activity before multi instance activity is completed
        expect((await c.tasks(id)).filter((t) => t.name === 'Cancel Hotel')).toHaveLength(0);
        await completeTasks(c, 'Book Hotel', 1);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateConcurrentMiSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await completeTasks(c, 'Book Hotel', 4);
        await completeTasks(c, 'Request Vacation', 1, { accept: false });
        expect((await c.tasks(id)).filter((t) => t.name === 'Cancel Hotel')).toHaveLength(0);
        await completeTasks(c, 'Book Hotel', 1);
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateActivityRefMiActivity',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await completeTasks(c, 'Book Hotel', 5);
        await completeTasks(c, 'Request Vacation', 1, { accept: false });
        // a compensation handler for each instance of the activity
        expect(await c.tasks(id)).toHaveLength(5);
        await completeTasks(c, 'Cancel Hotel', 5);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateActivityRefMiSubprocess',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await completeTasks(c, 'Book Hotel', 5);
        await completeTasks(c, 'Request Vacation', 1, { accept: false });
        expect(await c.tasks(id)).toHaveLength(5);
        await completeTasks(c, 'Cancel Hotel', 5);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCallActivityCompensationHandler',
      resources: [
        R('CompensateEventTest.testCallActivityCompensationHandler.bpmn20.xml'),
        R('CompensationHandler.bpmn20.xml'),
      ],
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.trigger(id, 'beforeEnd');
        await c.assertEnded(id);
        expect(await c.running()).toHaveLength(0);
        // the process and the five called compensation handlers (one per undoBookHotel)
        expect(await c.instances()).toHaveLength(6);
      },
    },
    {
      junit: 'CompensateEventTest.testActivityInstanceTreeWithoutEventScope',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        await c.completeTask((await c.tasks(id))[0]);
        expect(await c.active(id)).toEqual(['task']);
      },
    },
    {
      junit: 'CompensateEventTest.testConcurrentExecutionsAndPendingCompensation',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        await c.complete('innerTask');
        expect(await c.active(id)).toEqual(['task1', 'task2']);
        await c.complete('task1');
        expect(await c.active(id)).toEqual(['task2']);
        await c.complete('task2');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testActivityInstanceTreeForCompensationEndEvent',
      resources: [R('CompensateEventTest.activityWithCompensationEndEvent.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        expect(await c.active(id)).toEqual(['end', 'undoBookHotel']);
      },
    },
    {
      junit: 'CompensateEventTest.testActivityInstanceTreeForMiActivity',
      resources: [R('CompensateEventTest.compensationMiActivity.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        expect(await c.active(id)).toEqual(['end', ...Array(5).fill('undoBookHotel')]);
      },
    },
    {
      junit: 'CompensateEventTest.testActivityInstanceTreeForParallelMiActivityInSubprocess',
      resources: [R('CompensateEventTest.testCompensateParallelSubprocessCompHandlerWaitstate.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        expect(await c.active(id)).toEqual(['parallelTask', 'throwCompensate', ...Array(5).fill('undoBookHotel')]);
      },
    },
    {
      junit: 'CompensateEventTest.testActivityInstanceTreeForMiSubprocess',
      resources: [R('CompensateEventTest.compensationMiSubprocess.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await completeTasks(c, 'Book Hotel', 5);
        await completeTasks(c, 'throwCompensation', 1);
        expect(await c.active(id)).toEqual(['throwingCompensation', ...Array(5).fill('undoBookHotel')]);
      },
    },
    {
      junit: 'CompensateEventTest.testCancelProcessInstanceWithActiveCompensation',
      resources: [R('CompensateEventTest.activityWithCompensationEndEvent.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        const del = await c.h.call('DELETE', `/openidm/workflow/processinstance/${id}`);
        expect(del.status).toBe(200);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensationEventSubProcessWithScope',
      resources: [R('CompensateEventTest.testCompensationEventSubProcess.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('bookingProcess');
        await c.complete('Book Flight');
        await c.complete('Book Hotel');
        // throw compensation event for current scope (without activityRef)
        await completeTasks(c, 'Validate Booking', 1, { valid: false });
        // first - compensate book flight
        expect(await c.tasks(id)).toHaveLength(1);
        await c.complete('Cancel Flight');
        // second - compensate book hotel
        expect(await c.tasks(id)).toHaveLength(1);
        await c.complete('Cancel Hotel');
        // third - additional compensation handler
        await c.complete('Update Customer Record');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensationEventSubProcessWithActivityRef',
      async run(c) {
        await c.deploy();
        const id = await c.start('bookingProcess');
        await c.complete('Book Hotel');
        await c.complete('Book Flight');
        // throw compensation event for specific scope (with activityRef = subprocess)
        await completeTasks(c, 'Validate Booking', 1, { valid: false });
        // compensate the activity within this scope
        expect(await c.tasks(id)).toHaveLength(1);
        await c.complete('Cancel Hotel');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testActivityInstanceTreeForCompensationEventSubProcess',
      resources: [R('CompensateEventTest.testCompensationEventSubProcess.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('bookingProcess');
        await c.complete('Book Flight');
        await c.complete('Book Hotel');
        await completeTasks(c, 'Validate Booking', 1, { valid: false });
        expect(await c.active(id)).toEqual(['cancelFlight', 'compensateFlight', 'throwCompensation']);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateMiSubprocessWithCompensationEventSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('bookingProcess', { flights: ['STS-14', 'STS-28'] });
        await c.complete('Book Flight');
        await c.complete('Book Hotel');
        await c.complete('Book Flight');
        await c.complete('Book Hotel');
        await completeTasks(c, 'Validate Booking', 1, { valid: false });
        // compensation handlers for each instance of the sub-process
        await completeTasks(c, 'Cancel Flight', 2);
        await completeTasks(c, 'Cancel Hotel', 2);
        await completeTasks(c, 'Update Customer Record', 2);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensateParallelMiSubprocessWithCompensationEventSubProcess',
      async run(c) {
        await c.deploy();
        const id = await c.start('bookingProcess', { flights: ['STS-14', 'STS-28'] });
        await completeTasks(c, 'Book Flight', 2);
        await completeTasks(c, 'Book Hotel', 2);
        await completeTasks(c, 'Validate Booking', 1, { valid: false });
        await completeTasks(c, 'Cancel Flight', 2);
        await completeTasks(c, 'Cancel Hotel', 2);
        await completeTasks(c, 'Update Customer Record', 2);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensationEventSubprocessWithoutBoundaryEvents',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.complete('Book Hotel');
        await c.complete('Book Flight');
        await c.complete('throw compensation');
        await c.complete('Cancel Flight');
        await c.complete('Cancel Hotel');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensationEventSubprocessReThrowCompensationEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.complete('Book Hotel');
        await c.complete('Book Flight');
        await c.complete('throw compensation');
        // the handler re-throws compensation: the sub-process's own handler runs
        await c.complete('Cancel Hotel');
        await c.complete('Cancel Flight');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testCompensationEventSubprocessConsumeCompensationEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('compensateProcess');
        await c.complete('Book Hotel');
        await c.complete('Book Flight');
        await c.complete('throw compensation');
        // the handler consumes the compensation: Cancel Flight never runs
        await c.complete('Cancel Hotel');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testSubprocessCompensationHandler',
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessCompensationHandler');
        await c.completeTask((await c.tasks(id))[0]);
        expect(await keys(c, id)).toEqual(['subProcessTask']);
        await c.complete('subProcessTask');
        expect(await keys(c, id)).toEqual(['beforeEnd']);
        await c.complete('beforeEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CompensateEventTest.testSubprocessCompensationHandlerActivityInstanceTree',
      resources: [R('CompensateEventTest.testSubprocessCompensationHandler.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessCompensationHandler');
        await c.completeTask((await c.tasks(id))[0]);
        expect(await c.active(id)).toEqual(['subProcessTask', 'throwCompensate']);
      },
    },
    {
      junit: 'CompensateEventTest.testSubprocessCompensationHandlerDeleteProcessInstance',
      resources: [R('CompensateEventTest.testSubprocessCompensationHandler.bpmn20.xml')],
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessCompensationHandler');
        await c.completeTask((await c.tasks(id))[0]);
        const del = await c.h.call('DELETE', `/openidm/workflow/processinstance/${id}`);
        expect(del.status).toBe(200);
        await c.assertEnded(id);
      },
    },
    invalid(
      'illegalCompensateActivityRefParentScope',
      'throwCompensate',
      /no activity with id 'someServiceInMainProcess' in scope 'subProcess'/,
    ),
    invalid(
      'illegalCompensateActivityRefNestedScope',
      'throwCompensate',
      /no activity with id 'someServiceInNestedScope' in scope 'subProcess'/,
    ),
    invalid('invalidActivityRefFails', 'throwCompensate', /Invalid attribute value for 'activityRef'/),
    invalid(
      'multipleCompensationCatchEventsCompensationAttributeMissingFails',
      'compensateBookHotelEvt',
      /isForCompensation="true"/,
    ),
    invalid(
      'multipleCompensationCatchEventsFails',
      'compensateBookHotelEvt2',
      /more than one compensation boundary event/,
    ),
    invalid(
      'multipleCompensationEventSubProcesses',
      'startInCompensationScope2',
      /more than one event sub-process with a compensation start event/,
    ),
    invalid(
      'compensationEventSubProcessesAtProcessLevel',
      'startInCompensationScope',
      /compensation start event is only supported inside an embedded sub-process/,
    ),
    invalid(
      'compensationEventSubprocessAndBoundaryEvent',
      'compensateSubProcess',
      /both a compensation boundary event and an event sub-process with a compensation start event/,
    ),
    invalid(
      'invalidOutgoingSequenceflow',
      'undoTask',
      /Compensation activity 'undoTask' cannot have an incoming or outgoing/,
    ),
    invalid('invalidIncomingSequenceflow', 'task', /Compensation activity 'task' cannot have an incoming or outgoing/),
    // Cases whose handlers or listeners are Java (NOT_APPLICABLE in harness.ts).
    ...[
      'testCompensateSubprocess',
      'testCompensateParallelSubprocess',
      'testCompensateMiSubprocess',
      'testCompensateScope',
      'testCompensateActivityRef',
      'testCompensateMiSubprocessVariableSnapshots',
      'testCompensateMiSubprocessWithCompensationEventSubprocessVariableSnapshots',
      'testCompensationEndEventWithScope',
      'testCompensationEndEventWithActivityRef',
      'testConcurrentScopeCompensation',
      'testExecutionListeners',
      'testLocalVariablesInEndExecutionListener',
    ].map((m) => ({
      junit: `CompensateEventTest.${m}`,
      async run(c: C) {
        await c.deploy(); // refused: the handlers are Java classes
      },
    })),
    ...[
      ['testCompensateActivityRefTriggeredByEventSubprocess', 'testCompensationTriggeredByEventSubProcessActivityRef'],
      [
        'testCompensateActivityRefTriggeredByEventSubprocessInSubProcess',
        'testCompensationTriggeredByEventSubProcessInSubProcessActivityRef',
      ],
      ['testCompensateActivityRefInEventSubprocess', 'testCompensationInEventSubProcessActivityRef'],
      ['testCompensateInEventSubprocess', 'testCompensationInEventSubProcess'],
    ].map(([m, file]) => ({
      junit: `CompensateEventTest.${m}`,
      resources: [R(`CompensateEventTest.${file}.bpmn20.xml`)],
      async run(c: C) {
        await c.deploy(); // refused: the handlers are Java classes
      },
    })),
  ],
};
