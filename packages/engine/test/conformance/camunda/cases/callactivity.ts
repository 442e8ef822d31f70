/** callactivity/CallActivityTest. */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const R = (...names: string[]) => names.map((n) => `callactivity/${n}.bpmn20.xml`);
/** Callees first: a called process must exist when the caller reaches the call activity. */
const SIMPLE = 'simpleSubProcess';

const only = async (c: CaseContext, name: string, variables?: Record<string, unknown>) => {
  const tasks = await c.tasks();
  expect(tasks.map((t) => t.name)).toEqual([name]);
  await c.completeTask(tasks[0], variables);
  return tasks[0];
};

export const callactivity: Area = {
  name: 'call activities',
  dir: 'callactivity',
  cases: [
    {
      junit: 'CallActivityTest.testCallSimpleSubProcess',
      resources: R(SIMPLE, 'CallActivity.testCallSimpleSubProcess'),
      async run(c) {
        await c.deploy();
        const id = await c.start('callSimpleSubProcess');
        await only(c, 'Task before subprocess');
        await only(c, 'Task in subprocess');
        await only(c, 'Task after subprocess');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testAccessSuperInstanceVariables',
      resources: R('simpleSubProcessParentVariableAccess', 'CallActivity.testCallSimpleSubProcess'),
      async run(c) {
        await c.deploy();
        const id = await c.start('callSimpleSubProcess');
        expect((await c.vars(id)).greeting).toBeUndefined();
        await only(c, 'Task before subprocess');
        expect((await c.vars(id)).greeting).toBe('hello');
      },
    },
    {
      junit: 'CallActivityTest.testAccessSuperInstanceVariablesFromConcurrentExecution',
      resources: R('concurrentSubProcessParentVariableAccess', 'CallActivity.testCallSimpleSubProcess'),
      async run(c) {
        await c.deploy();
        const id = await c.start('callSimpleSubProcess');
        expect((await c.vars(id)).greeting).toBeUndefined();
        await only(c, 'Task before subprocess');
        expect((await c.vars(id)).greeting).toBe('hello');
      },
    },
    {
      junit: 'CallActivityTest.testCallSimpleSubProcessWithExpressions',
      resources: R(SIMPLE, 'CallActivity.testCallSimpleSubProcessWithExpressions'),
      async run(c) {
        await c.deploy();
        const id = await c.start('callSimpleSubProcess');
        await only(c, 'Task before subprocess', { simpleSubProcessExpression: 'simpleSubProcess' });
        await only(c, 'Task in subprocess');
        await only(c, 'Task after subprocess');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessEndsSuperProcess',
      resources: R(SIMPLE, 'CallActivity.testSubProcessEndsSuperProcess'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessEndsSuperProcess');
        await only(c, 'Task in subprocess');
        await c.assertEnded(id);
        expect(await c.executions(id)).toHaveLength(0);
      },
    },
    {
      junit: 'CallActivityTest.testCallParallelSubProcess',
      resources: R('simpleParallelSubProcess', 'CallActivity.testCallParallelSubProcess'),
      async run(c) {
        await c.deploy();
        const id = await c.start('callParallelSubProcess');
        expect(await c.taskNames()).toEqual(['Task A', 'Task B']);
        await c.complete('Task A');
        expect(await c.tasks()).toHaveLength(1);
        await c.complete('Task B');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testCallSequentialSubProcessWithExpressions',
      resources: R(
        SIMPLE,
        'simpleSubProcess2',
        'CallActivity.testCallSimpleSubProcessWithExpressions',
        'CallActivity.testCallSequentialSubProcess',
      ),
      async run(c) {
        await c.deploy();
        const id = await c.start('callSequentialSubProcess');
        await only(c, 'Task before subprocess', { simpleSubProcessExpression: 'simpleSubProcess' });
        await only(c, 'Task in subprocess');
        await only(c, 'Task after subprocess');
        await only(c, 'Task before subprocess', { simpleSubProcessExpression: 'simpleSubProcess2' });
        await only(c, 'Task in subprocess 2');
        await only(c, 'Task after subprocess');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testTimerOnCallActivity',
      resources: R(SIMPLE, 'CallActivity.testTimerOnCallActivity'),
      async run(c) {
        await c.deploy();
        const id = await c.start('timerOnCallActivity');
        expect(await c.taskNames()).toEqual(['Task in subprocess']);
        const jobs = await c.jobs(id);
        expect(jobs).toHaveLength(1);
        expect((await c.executeJob(jobs[0]._id)).status).toBe(200);
        await only(c, 'Escalated Task');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessWithDataInputOutput',
      resources: R(SIMPLE, 'CallActivity.testSubProcessDataInputOutput'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessDataInputOutput', { superVariable: 'Hello from the super process.' });
        const [sub] = await c.tasks();
        expect(sub.name).toBe('Task in subprocess');
        expect(sub.processInstanceId).not.toBe(id);
        expect((await c.vars(sub.processInstanceId)).subVariable).toBe('Hello from the super process.');
        await c.completeTask(sub, { subVariable: 'Hello from sub process.' });
        const [after] = await c.tasks();
        expect(after.name).toBe('Task in super process');
        expect((await c.vars(id)).superVariable).toBe('Hello from sub process.');
        await c.completeTask(after, { x: 5 });
        const [second] = await c.tasks();
        expect(second.name).toBe('Task in subprocess');
        expect((await c.vars(second.processInstanceId)).y).toBe(10);
        await c.completeTask(second);
        const [last] = await c.tasks();
        expect(last.name).toBe('Task in super process');
        expect((await c.vars(id)).z).toBe(15);
        await c.completeTask(last);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessWithNullDataInput',
      resources: R('dataSubProcess', 'CallActivity.testSubProcessDataInputOutput'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessDataInputOutput');
        const v = await c.vars(id);
        expect('subVariable' in v).toBe(false);
        expect('superVariable' in v).toBe(false);
        const [t] = await c.tasks();
        expect(t.name).toBe('Task in subprocess');
        expect(t.processInstanceId).not.toBe(id);
        const sv = await c.vars(t.processInstanceId);
        expect('subVariable' in sv).toBe(true);
        expect(sv.subVariable).toBeNull();
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessWithNullDataOutput',
      resources: R('dataSubProcess', 'CallActivity.testSubProcessDataInputOutput'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessDataInputOutput');
        await only(c, 'Task in subprocess');
        const v = await c.vars(id);
        expect('subVariable' in v).toBe(false);
        expect(v.superVariable).toBeNull();
        expect('superVariable' in v).toBe(true);
        expect(v.hisLocalVariable).toBeNull();
        expect('hisLocalVariable' in v).toBe(true);
      },
    },
    {
      junit: 'CallActivityTest.testTwoSubProcesses',
      resources: R(SIMPLE, 'CallActivity.testTwoSubProcesses'),
      async run(c) {
        await c.deploy();
        const id = await c.start('callTwoSubProcesses');
        expect((await c.instances()).filter((i) => i.endTime == null)).toHaveLength(3);
        expect(await c.tasks()).toHaveLength(2);
        const d = await c.h.call('DELETE', `/openidm/workflow/processinstance/${id}`);
        expect(d.status).toBe(200);
        expect((await c.instances()).filter((i) => i.endTime == null)).toHaveLength(0);
        expect(await c.tasks()).toHaveLength(0);
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessAllDataInputOutput',
      resources: R(SIMPLE, 'CallActivity.testSubProcessAllDataInputOutput'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessAllDataInputOutput', {
          superVariable: 'Hello from the super process.',
          testVariable: 'Only a test.',
        });
        await only(c, 'Task before subprocess');
        const [sub] = await c.tasks();
        expect(sub.name).toBe('Task in subprocess');
        const sv = await c.vars(sub.processInstanceId);
        expect(sv.superVariable).toBe('Hello from the super process.');
        expect(sv.testVariable).toBe('Only a test.');
        await c.completeTask(sub, {
          superVariable: 'Hello from sub process.',
          testVariable: 'Variable changed in sub process.',
        });
        const [after] = await c.tasks();
        expect(after.name).toBe('Task after subprocess');
        const v = await c.vars(id);
        expect(v.superVariable).toBe('Hello from sub process.');
        expect(v.testVariable).toBe('Variable changed in sub process.');
        await c.completeTask(after);
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessBusinessKeyInput',
      resources: R(SIMPLE, 'CallActivity.testSubProcessBusinessKeyInput'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessBusinessKeyInput', {}, 'myBusinessKey');
        expect((await c.history(id)).businessKey).toBe('myBusinessKey');
        await only(c, 'Task before subprocess');
        const [sub] = await c.tasks();
        expect(sub.name).toBe('Task in subprocess');
        expect((await c.history(sub.processInstanceId)).businessKey).toBe('myBusinessKey');
        expect((await c.instances()).filter((i) => i.businessKey === 'myBusinessKey')).toHaveLength(2);
        await c.completeTask(sub);
        await only(c, 'Task after subprocess');
        await c.assertEnded(id);
        await c.assertEnded(sub.processInstanceId);
      },
    },
    {
      junit: 'CallActivityTest.testCallSimpleSubProcessWithHashExpressions',
      resources: R(SIMPLE, 'CallActivity.testCallSimpleSubProcessWithHashExpressions'),
      async run(c) {
        await c.deploy();
        const id = await c.start('callSimpleSubProcess');
        await only(c, 'Task before subprocess', { simpleSubProcessExpression: 'simpleSubProcess' });
        await only(c, 'Task in subprocess');
        await only(c, 'Task after subprocess');
        await c.assertEnded(id);
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessDataOutputOnError',
      resources: [
        'callactivity/subProcessWithError.bpmn',
        'callactivity/CallActivity.testSubProcessDataOutputOnError.bpmn',
      ],
      async run(c) {
        await c.deploy();
        await c.start('Process_1');
        await only(c, 'SubTask', { subVariable: 'Hello from Subprocess' });
        const [t] = await c.tasks();
        expect(t.name).toBe('Task after error');
        expect((await c.vars(t.processInstanceId)).subVariable).toBe('Hello from Subprocess');
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessLocalInputSingleVariable',
      resources: R(SIMPLE, 'CallActivity.testSubProcessLocalInputSingleVariable'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessLocalInputSingleVariable');
        await only(c, 'Task before subprocess', { callingProcessVar1: 'val1' });
        const [sub] = await c.tasks();
        expect(await c.vars(sub.processInstanceId)).toEqual({ mappedInputParameter: 'val2' });
        await c.completeTask(sub, { calledProcessVar1: 42 });
        expect(await c.vars(id)).toEqual({
          callingProcessVar1: 'val1',
          mappedInputParameter: 'val2',
          calledProcessVar1: 42,
          outputParameter: 43,
        });
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessLocalOutputAllVariables',
      resources: R(SIMPLE, 'CallActivity.testSubProcessLocalOutputAllVariables'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessLocalOutputAllVariables');
        await only(c, 'Task before subprocess', { callingProcessVar1: 'val1' });
        const [sub] = await c.tasks();
        expect(await c.vars(sub.processInstanceId)).toEqual({ callingProcessVar1: 'val1', inputParameter: 'val2' });
        await c.completeTask(sub, { calledProcessVar1: 42 });
        expect(await c.vars(id)).toEqual({ callingProcessVar1: 'val1', outputParameter: 43 });
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessLocalInputAllVariables',
      resources: R(SIMPLE, 'CallActivity.testSubProcessLocalInputAllVariables'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessLocalInputAllVariables');
        await only(c, 'Task before subprocess', { callingProcessVar1: 'val1' });
        const [sub] = await c.tasks();
        // in variables="all" local="true": only the call activity's own (input parameter) variables
        expect(await c.vars(sub.processInstanceId)).toEqual({ inputParameter: 'val2' });
        await c.completeTask(sub, { calledProcessVar1: 42 });
        expect(await c.vars(id)).toEqual({ callingProcessVar1: 'val1', calledProcessVar1: 42, outputParameter: 43 });
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessLocalInputSingleVariableExpression',
      resources: R(SIMPLE, 'CallActivity.testSubProcessLocalInputSingleVariableExpression'),
      async run(c) {
        await c.deploy();
        await c.start('subProcessLocalInputSingleVariableExpression');
        await only(c, 'Task before subprocess');
        const [sub] = await c.tasks();
        expect(await c.vars(sub.processInstanceId)).toEqual({ mappedInputParameter: 43 });
        await c.completeTask(sub);
        // a local mapping's expression sees the activity's local variables only, not the process's
        const [after] = await c.tasks();
        expect(after.name).toBe('Task after subprocess');
        const r = await c.h.complete(after._id, { globalVariable: '42' });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(JSON.stringify(r.json)).toContain('globalVariable');
      },
    },
    {
      junit: 'CallActivityTest.testSubProcessLocalOutputSingleVariable',
      resources: R(SIMPLE, 'CallActivity.testSubProcessLocalOutputSingleVariable'),
      async run(c) {
        await c.deploy();
        const id = await c.start('subProcessLocalOutputSingleVariable');
        await only(c, 'Task before subprocess', { callingProcessVar1: 'val1' });
        const [sub] = await c.tasks();
        expect(await c.vars(sub.processInstanceId)).toEqual({ callingProcessVar1: 'val1', inputParameter: 'val2' });
        await c.completeTask(sub, { calledProcessVar1: 42 });
        // out local="true" stays on the call activity, where the output parameter reads it
        expect(await c.vars(id)).toEqual({ callingProcessVar1: 'val1', outputParameter: 43 });
      },
    },
    {
      junit: 'CallActivityTest.testTwoSubProcessesDataOutputOnError',
      resources: [
        'callactivity/subProcessWithError.bpmn',
        'callactivity/subProcessCallErrorSubProcess.bpmn',
        'callactivity/CallActivity.testTwoSubProcessesDataOutputOnError.bpmn',
      ],
      async run(c) {
        await c.deploy();
        await c.start('Process_1');
        await only(c, 'SubTask', { subVariable: 'Hello from Subprocess' });
        const [t] = await c.tasks();
        expect(t.name).toBe('Task after error');
        expect((await c.vars(t.processInstanceId)).subVariable).toBe('Hello from Subprocess');
      },
    },
    {
      junit: 'CallActivityTest.testTwoSubProcessesLimitedDataOutputOnError',
      resources: [
        'callactivity/subProcessWithError.bpmn',
        'callactivity/subProcessCallErrorSubProcessWithLimitedOutMapping.bpmn',
        'callactivity/CallActivity.testTwoSubProcessesLimitedDataOutputOnError.bpmn',
      ],
      async run(c) {
        await c.deploy();
        await c.start('Process_1');
        await only(c, 'Task', { subVariable: 'Hello from Subprocess' });
        await only(c, 'SubTask', { subSubVariable1: 'foo', subSubVariable2: 'Hello from Subsubprocess' });
        const [t] = await c.tasks();
        expect(t.name).toBe('Task after error');
        const vars = await c.vars(t.processInstanceId);
        expect(vars.subSubVariable2).toBe('Hello from Subsubprocess');
        expect(vars.subVariable).toBe('Hello from Subprocess');
        expect(vars.subSubVariable1).toBeUndefined();
      },
    },
    {
      junit: 'CallActivityTest.testInputParameterLiteralSourceExpression',
      resources: R(SIMPLE, 'CallActivity.testLiteralSourceExpression'),
      async run(c) {
        await c.deploy();
        await c.start('process');
        const [sub] = await c.tasks();
        expect((await c.vars(sub.processInstanceId)).inLiteralVariable).toBe('inLiteralValue');
      },
    },
    {
      junit: 'CallActivityTest.testOutputParameterLiteralSourceExpression',
      resources: R(SIMPLE, 'CallActivity.testLiteralSourceExpression'),
      async run(c) {
        await c.deploy();
        const id = await c.start('process');
        await c.completeTask((await c.tasks())[0]);
        expect((await c.vars(id)).outLiteralVariable).toBe('outLiteralValue');
      },
    },
  ],
};
