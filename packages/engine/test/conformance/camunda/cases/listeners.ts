/** executionlistener/ExecutionListenerTest, tasklistener/TaskListenerTest, TaskListenerErrorThrowTest, CustomTaskAssignmentTest. */
import { expect } from 'vitest';
import type { Area, Case, CaseContext } from '../harness.js';

/** A case whose JUnit test needs Java (listed in NOT_APPLICABLE): registered so that it is counted by name. */
const javaOnly = (junit: string, resource: string): Case => ({
  junit,
  resources: [resource],
  async run() {
    throw new Error(`${junit} needs Java`);
  },
});

const setAssignee = async (c: CaseContext, task: any, assignee: string | null) => {
  const r = await c.h.call('PUT', `/openidm/workflow/taskinstance/${task._id}`, { assignee });
  expect(r.status, JSON.stringify(r.json)).toBeLessThan(300);
};

export const executionListeners: Area = {
  name: 'execution listeners',
  dir: 'executionlistener',
  cases: [
    {
      junit: 'ExecutionListenerTest.testScriptListener',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        await c.assertEnded(id);
        const v = await c.vars(id);
        for (const name of ['start-start', 'start-end', 'start-take', 'end-start', 'end-end'])
          expect(v[name], name).toBe(true);
        expect(Object.keys(v).sort()).toEqual(['end-end', 'end-start', 'start-end', 'start-start', 'start-take']);
      },
    },
    {
      junit: 'ExecutionListenerTest.testScriptResourceListener',
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        await c.assertEnded(id);
        const v = await c.vars(id);
        for (const name of ['start-start', 'start-end', 'start-take', 'end-start', 'end-end'])
          expect(v[name], name).toBe(true);
      },
    },
    javaOnly(
      'ExecutionListenerTest.testExecutionListenersOnAllPossibleElements',
      'executionlistener/ExecutionListenersProcess.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testExecutionListenersOnStartEndEvents',
      'executionlistener/ExecutionListenersStartEndEvent.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testExecutionListenerFieldInjection',
      'executionlistener/ExecutionListenersFieldInjectionProcess.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testExecutionListenerCurrentActivity',
      'executionlistener/ExecutionListenersCurrentActivity.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testOnBoundaryEvents',
      'executionlistener/ExecutionListenerTest.testOnBoundaryEvents.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testExecutionListenerOnTerminateEndEvent',
      'executionlistener/ExecutionListenerTest.testExecutionListenerOnTerminateEndEvent.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testOnCancellingBoundaryEvents',
      'executionlistener/ExecutionListenerTest.testOnCancellingBoundaryEvent.bpmn',
    ),
    javaOnly(
      'ExecutionListenerTest.testMultiInstanceCancelationDoesNotAffectEndListener',
      'executionlistener/ExecutionListenerTest.testMultiInstanceCancelation.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testProcessInstanceCancelationNoticedInEndListener',
      'executionlistener/ExecutionListenerTest.testMultiInstanceCancelation.bpmn20.xml',
    ),
    javaOnly(
      'ExecutionListenerTest.testThrowBpmnErrorInEndScriptListenerAndSubprocessWithCatch',
      'executionlistener/ExecutionListenerTest.testThrowBpmnErrorInEndScriptListenerAndSubprocessWithCatch.bpmn20.xml',
    ),
  ],
};

/** TaskListenerTest.testScriptListener and testScriptResourceListener assert the same (inline or resource script). */
const scriptTaskListener = async (c: CaseContext) => {
  await c.deploy();
  const id = await c.start('process');
  const [task] = await c.tasks(id);
  expect(task).toBeDefined();
  expect((await c.vars(id)).create).toBe(true);
  await setAssignee(c, task, 'test');
  expect((await c.vars(id)).assignment).toBe(true);
  await c.completeTask(task);
  expect((await c.vars(id)).complete).toBe(true);
  expect(await c.tasks(id)).toHaveLength(1);
  const d = await c.h.call('DELETE', `/openidm/workflow/processinstance/${id}`);
  expect(d.status, JSON.stringify(d.json)).toBe(200);
  // the delete listener's variable is in the history (HISTORYLEVEL_AUDIT)
  expect((await c.vars(id)).delete).toBe(true);
};

export const taskListeners: Area = {
  name: 'task listeners',
  dir: 'tasklistener',
  cases: [
    { junit: 'TaskListenerTest.testScriptListener', run: scriptTaskListener },
    { junit: 'TaskListenerTest.testScriptResourceListener', run: scriptTaskListener },
    {
      junit: 'CustomTaskAssignmentTest.testReleaseTask',
      async run(c) {
        await c.deploy();
        const id = await c.start('releaseTaskProcess');
        const [task] = (await c.tasks(id)).filter((t) => t.assignee === 'fozzie');
        expect(task).toBeDefined();
        await setAssignee(c, task, null);
        const [after] = await c.tasks(id);
        expect(after._id).toBe(task._id);
        expect(after.assignee ?? null).toBeNull();
      },
    },
    ...[
      'testTaskCreateListener',
      'testTaskCompleteListener',
      'testTaskDeleteListenerByProcessDeletion',
      'testTaskDeleteListenerByBoundaryEvent',
      'testTaskListenerWithExpression',
    ].map((m) => javaOnly(`TaskListenerTest.${m}`, 'tasklistener/TaskListenerTest.bpmn20.xml')),
    ...[
      'testAssigneeAssignment',
      'testCandidateGroupAssignment',
      'testCandidateUserAssignment',
      'testOverwriteExistingAssignments',
      'testOverwriteExistingAssignmentsFromVariable',
    ].map((m) => javaOnly(`CustomTaskAssignmentTest.${m}`, `tasklistener/CustomTaskAssignmentTest.${m}.bpmn20.xml`)),
    ...[
      'testTimeoutTaskListenerDuration',
      'testTimeoutTaskListenerDate',
      'testTimeoutTaskListenerCycle',
      'testMultipleTimeoutTaskListeners',
    ].map((m) => javaOnly(`TaskListenerTest.${m}`, `tasklistener/TaskListenerTest.${m}.bpmn20.xml`)),
    javaOnly(
      'TaskListenerErrorThrowTest.testThrowErrorOnCreateScriptListenerAndCatchOnUserTask',
      'tasklistener/TaskListenerErrorThrowTest.testThrowErrorOnCreateScriptListenerAndCatchOnUserTask.bpmn20.xml',
    ),
  ],
};

/** A called process sets `cancelReason` in an end event's start listener; its out mappings bring it back. */
const outputCase = (
  junit: string,
  resources: string[],
  key: string,
  taskName: string,
  check: { afterTask: string; variable: string },
): Case => ({
  junit,
  resources,
  async run(c) {
    await c.deploy();
    const id = await c.start(key, { input: 42 });
    await c.complete(taskName);
    expect(await c.taskNames(id)).toEqual([check.afterTask]);
    const v = await c.vars(id);
    expect(v.cancelReason).toBeTruthy();
    expect(v[check.variable]).toBe(42);
  },
});

const signalOut = (name: string, taskName: string) =>
  outputCase(
    `SignalEndEventTest.${name}`,
    [`event/signal/${name}.bpmn20.xml`, 'event/signal/SignalEndEventTest.parent.bpmn20.xml'],
    'SignalParentProcess',
    taskName,
    { afterTask: 'task after catched signal', variable: 'input' },
  );

const escalationOut = (name: string, file: string, taskName = 'ut2') =>
  outputCase(
    `EscalationEventTest.${name}`,
    [`event/escalation/${file}.bpmn20.xml`, 'event/escalation/EscalationEventTest.escalationParent.bpmn20.xml'],
    'EscalationParentProcess',
    taskName,
    { afterTask: 'task after catched escalation', variable: 'output' },
  );

/** Event tests whose called processes set their output in an execution listener. */
export const listenersInEvents: Area = {
  name: 'execution listeners in called processes (signal and escalation ends)',
  dir: 'event',
  cases: [
    signalOut('testPropagateOutputVariablesWhileThrowSignal', 'ut2'),
    signalOut('testPropagateOutputVariablesWhileThrowSignal2', 'inside subprocess'),
    escalationOut('testPropagateOutputVariablesWhileThrowEscalation', 'testOutputVariablesWhileThrowEscalation'),
    escalationOut(
      'testPropagateOutputVariablesWhileThrowEscalationTwoLevels',
      'testOutputVariablesWhileThrowEscalationTwoLevels',
    ),
    escalationOut(
      'testPropagateOutputVariablesWhileThrowEscalationThreeLevels',
      'testOutputVariablesWhileThrowEscalationThreeLevels',
    ),
    escalationOut(
      'testPropagateOutputVariablesWhileThrowEscalationInSubProcess',
      'testOutputVariablesWhileThrowEscalationInSubProcess',
    ),
    escalationOut(
      'testPropagateOutputVariablesWhileThrowEscalationInSubProcessThreeLevels',
      'testOutputVariablesWhileThrowEscalationInSubProcessThreeLevels',
    ),
    escalationOut(
      'testPropagateOutputVariablesWhileThrowEscalation2',
      'testOutputVariablesWhileThrowEscalation2',
      'inside subprocess',
    ),
  ],
};
