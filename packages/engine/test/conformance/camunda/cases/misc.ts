/**
 * scripttask/ScriptTaskTest, sequenceflow/*Test, el/ExpressionManagerTest, event/end/TerminateEndEventTest and
 * SignalEndEventTest, event/link/LinkEventTest.
 */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const TERMINATE = (name: string) => `event/end/TerminateEndEventTest.${name}.bpmn`;

/** Completes every task of the instance until none is left. */
const drain = async (c: CaseContext, id: string) => {
  for (let i = 0; i < 20; i++) {
    const tasks = await c.tasks(id);
    if (!tasks.length) return;
    for (const t of tasks) await c.completeTask(t);
  }
};

export const misc: Area = {
  name: 'scripts, sequence flows, expressions, end and link events',
  dir: 'scripttask',
  cases: [
    {
      junit: 'ScriptTaskTest.testSetScriptResultToProcessVariable',
      async run(c) {
        await c.deploy();
        const id = await c.start('setScriptResultToProcessVariable', {
          echo: 'hello',
          existingProcessVariableName: 'one',
        });
        const v = await c.vars(id);
        expect(v.existingProcessVariableName).toBe('hello');
        expect(v.newProcessVariableName).toBeTruthy();
      },
    },
    {
      junit: 'ScriptTaskTest.testGroovyScriptExecution',
      async run(c) {
        await c.deploy();
        const id = await c.start('scriptExecution', { inputArray: [1, 2, 3, 4, 5] });
        expect((await c.vars(id)).sum).toBe(15);
      },
    },
    {
      junit: 'ScriptTaskTest.testGroovySetVariableThroughExecutionInScript',
      async run(c) {
        await c.deploy();
        const id = await c.start('setScriptVariableThroughExecution');
        const v = await c.vars(id);
        expect(v.scriptVar).toBeUndefined();
        expect(v.myVar).toBe('test123');
      },
    },
    {
      junit: 'ConditionalScriptSequenceFlowTest.testScriptExpression',
      resources: ['sequenceflow/ConditionalScriptSequenceFlowTest.testScriptExpression.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        for (const direction of ['left', 'right']) {
          const id = await c.start('process', { foo: direction });
          const tasks = await c.tasks(id);
          expect(tasks.map((t) => t.taskDefinitionKey)).toEqual([direction]);
          await c.completeTask(tasks[0]);
        }
      },
    },
    {
      junit: 'ConditionalScriptSequenceFlowTest.testScriptExpressionWithNonBooleanResult',
      resources: ['sequenceflow/ConditionalScriptSequenceFlowTest.testScriptExpressionWithNonBooleanResult.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const r = await c.tryStart('process');
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(JSON.stringify(r.json)).toContain('condition script returns non-Boolean');
      },
    },
    {
      junit: 'ConditionalSequenceFlowTest.testUelExpression',
      resources: ['sequenceflow/ConditionalSequenceFlowTest.testUelExpression.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        expect(await c.taskNames(await c.start('condSeqFlowUelExpr', { input: 'right' }))).toEqual(['task right']);
      },
    },
    {
      junit: 'ConditionalSequenceFlowTest.testNoExpressionTrueThrowsException',
      resources: ['sequenceflow/ConditionalSequenceFlowTest.testNoExpressionTrueThrowsException.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const r = await c.tryStart('condSeqFlowUelExpr', { input: 'non-existing-value' });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(JSON.stringify(r.json)).toContain('theStart');
      },
    },
    {
      junit: 'DefaultSequenceFlowTest.testDefaultSequenceFlowOnTask',
      resources: ['sequenceflow/DefaultSequenceFlowTest.testDefaultSequenceFlowOnTask.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        for (const input of [2, 3, 123]) await c.start('defaultSeqFlow', { input });
      },
    },
    ...(['testTakeAllOutgoingFlowsFromNonScopeTask', 'testTakeAllOutgoingFlowsFromScopeTask'] as const).map((m) => ({
      junit: `SequenceFlowTest.${m}`,
      resources: [`sequenceflow/SequenceFlowTest.${m}.bpmn20.xml`],
      async run(c: CaseContext) {
        await c.deploy();
        const id = await c.start('testProcess');
        await c.completeTask((await c.tasks(id))[0]);
        expect((await c.tasks(id)).map((t) => t.taskDefinitionKey).sort()).toEqual(['task2', 'task3']);
        await drain(c, id);
        await c.assertEnded(id);
      },
    })),
    {
      junit: 'ExpressionManagerTest.testMethodExpressions',
      resources: ['el/ExpressionManagerTest.testMethodExpressions.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        await c.assertEnded(await c.start('methodExpressionProcess', { aString: 'abcdefgh' }));
      },
    },
    {
      junit: 'ExpressionManagerTest.testAuthenticatedUserIdAvailable',
      resources: ['el/ExpressionManagerTest.testAuthenticatedUserIdAvailable.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        // Camunda authenticates "frederik"; through IDM the authenticated user is the caller
        const id = await c.start('testAuthenticatedUserIdAvailableProcess');
        expect((await c.vars(id)).theUser).toBe('openidm-admin');
      },
    },
    {
      junit: 'ExpressionManagerTest.testResolvesVariablesFromDifferentScopes',
      resources: ['el/ExpressionManagerTest.testResolvesVariablesFromDifferentScopes.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        for (const assignee of ['michael', 'johnny']) {
          const [t] = await c.tasks(await c.start('oneTaskProcess', { assignee }));
          expect(t.assignee).toBe(assignee);
        }
      },
    },
    {
      junit: 'TerminateEndEventTest.testProcessTerminate',
      resources: [TERMINATE('testProcessTerminate')],
      async run(c) {
        await c.deploy();
        const id = await c.start('terminateEndEventExample');
        await c.complete('preTerminateTask');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'TerminateEndEventTest.testTerminateWithSubProcess',
      resources: [TERMINATE('testTerminateWithSubProcess')],
      async run(c) {
        await c.deploy();
        const id = await c.start('terminateEndEventExample');
        await c.complete('preTerminateEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'TerminateEndEventTest.testTerminateWithCallActivity',
      resources: [TERMINATE('subProcessNoTerminate'), TERMINATE('testTerminateWithCallActivity')],
      async run(c) {
        await c.deploy();
        const id = await c.start('terminateEndEventExample');
        await c.complete('preTerminateEnd');
        await c.assertEnded(id);
      },
    },
    ...(
      [
        'testTerminateInSubProcess',
        'testTerminateInSubProcessConcurrent',
        'testTerminateInSubProcessMultiInstance',
      ] as const
    ).map((m) => ({
      junit: `TerminateEndEventTest.${m}`,
      resources: [TERMINATE(m)],
      async run(c: CaseContext) {
        await c.deploy();
        const id = await c.start('terminateEndEventExample');
        expect(await c.active(id)).toEqual(['preNormalEnd']);
        await c.complete('preNormalEnd');
        await c.assertEnded(id);
      },
    })),
    {
      junit: 'TerminateEndEventTest.testTerminateInSubProcessShouldNotEndProcessInstanceInHistory',
      resources: [TERMINATE('testTerminateInSubProcess')],
      async run(c) {
        await c.deploy();
        const id = await c.start('terminateEndEventExample');
        expect(await c.ended(id)).toBe(false);
        expect((await c.history(id)).endTime).toBeNull();
      },
    },
    {
      junit: 'TerminateEndEventTest.testTerminateInCallActivity',
      resources: [TERMINATE('subProcessTerminate'), TERMINATE('testTerminateInCallActivity')],
      async run(c) {
        await c.deploy();
        const id = await c.start('terminateEndEventExample');
        expect(await c.running()).toHaveLength(1);
        await c.complete('preNormalEnd');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'SignalEndEventTest.testCatchSignalEndEventInEmbeddedSubprocess',
      resources: ['event/end/SignalEndEventTest.testCatchSignalEndEventInEmbeddedSubprocess.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('catchSignalEndEventInEmbeddedSubprocess');
        expect(await c.taskNames(id)).toEqual(['subprocessTask']);
        await c.complete('subprocessTask');
        expect(await c.taskNames(id)).toEqual(['task after catching the signal']);
        await c.complete('task after catching the signal');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'SignalEndEventTest.testCatchSignalEndEventInCallActivity',
      resources: [
        'event/end/SignalEndEventTest.catchSignalEndEvent.bpmn20.xml',
        'event/end/SignalEndEventTest.processWithSignalEndEvent.bpmn20.xml',
      ],
      async run(c) {
        await c.deploy();
        const catcher = await c.start('catchSignalEndEvent');
        expect(await c.subscriptions('signal', 'alert')).toHaveLength(1);
        const thrower = await c.start('processWithSignalEndEvent');
        await c.assertEnded(thrower);
        const tasks = await c.tasks();
        expect(tasks.map((t) => t.taskDefinitionKey)).toEqual(['taskAfterSignalCatch']);
        await c.completeTask(tasks[0]);
        await c.assertEnded(catcher);
      },
    },
    {
      junit: 'LinkEventTest.testValidEventLink',
      resources: ['event/link/LinkEventTest.testValidEventLink.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('linkEventValid');
        expect(await c.active(id)).toEqual(['waitAfterLink1']);
        await c.trigger(id, 'waitAfterLink1');
        expect(await c.active(id)).toEqual(['waitAfterLink2']);
        await c.trigger(id, 'waitAfterLink2');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'LinkEventTest.testEventLinkMultipleSources',
      resources: ['event/link/LinkEventTest.testEventLinkMultipleSources.bpmn20.xml'],
      async run(c) {
        await c.deploy();
        const id = await c.start('linkEventValid');
        expect(await c.active(id)).toEqual(['WaitAfterLink', 'WaitAfterLink']);
      },
    },
    {
      junit: 'LinkEventTest.testInvalidEventLinkMultipleTargets',
      resources: ['event/link/LinkEventTest.testInvalidEventLinkMultipleTargets.bpmn20.xml'],
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "Multiple Intermediate Catch Events with the same link event name ('LinkA') are not allowed: 'IntermediateCatchEvent_2'",
        );
      },
    },
    {
      junit: 'LinkEventTest.testCatchLinkEventAfterEventBasedGatewayNotAllowed',
      resources: ['event/link/LinkEventTest.testCatchLinkEventAfterEventBasedGatewayNotAllowed.bpmn20.xml'],
      async run(c) {
        const r = await c.tryDeploy();
        expect(r.status).toBe(400);
        expect(JSON.stringify(r.json)).toContain(
          "IntermediateCatchLinkEvent is not allowed after an EventBasedGateway: 'IntermediateCatchEvent_2'",
        );
      },
    },
  ],
};
