/** event/escalation/EscalationEventTest. */
import { expect } from 'vitest';
import type { Area, CaseContext } from '../harness.js';

const R = (name: string) => `event/escalation/EscalationEventTest.${name}.bpmn20.xml`;
const THROW = R('throwEscalationEvent');

/** Starts the process and compares the names of all tasks of this case (the called processes' too). */
const startAndExpect = (key: string, names: string[]) => async (c: CaseContext) => {
  await c.deploy();
  await c.start(key, { input: 42 });
  expect(await c.taskNames()).toEqual([...names].sort());
};

/** The catching event stored the caught code in escalationCodeVar, seen from the task after it. */
const retrieveCode = (key: string, taskKey: string) => async (c: CaseContext) => {
  await c.deploy();
  await c.start(key);
  const after = (await c.tasks()).filter((t) => t.taskDefinitionKey === taskKey);
  expect(after).toHaveLength(1);
  expect((await c.vars(after[0].processInstanceId)).escalationCodeVar).toBe('escalationCode');
};

const inSub = 'task in subprocess';
const caught = 'task after catched escalation';

export const escalation: Area = {
  name: 'escalation',
  dir: 'event/escalation',
  cases: [
    {
      junit: 'EscalationEventTest.testThrowEscalationEventFromEmbeddedSubprocess',
      run: startAndExpect('escalationProcess', [caught, inSub]),
    },
    {
      junit: 'EscalationEventTest.testThrowEscalationEventHierarchical',
      run: startAndExpect('escalationProcess', ['task after catched escalation inside subprocess', inSub]),
    },
    {
      junit: 'EscalationEventTest.testThrowEscalationEventFromCallActivity',
      resources: [THROW, R('nonInterruptingEscalationBoundaryEventOnCallActivity')],
      run: startAndExpect('catchEscalationProcess', [caught, 'task after thrown escalation']),
    },
    {
      junit: 'EscalationEventTest.testThrowEscalationEventNotCaught',
      resources: [THROW],
      run: startAndExpect('throwEscalationProcess', ['task after thrown escalation']),
    },
    {
      junit: 'EscalationEventTest.testBoundaryEventWithEscalationCode',
      run: startAndExpect('escalationProcess', ['task after catched escalation 1', inSub]),
    },
    ...(
      [
        'testBoundaryEventWithoutEscalationCode',
        'testBoundaryEventWithEmptyEscalationCode',
        'testBoundaryEventWithoutEscalationRef',
        'testParallelEscalationEndEvent',
      ] as const
    ).map((m) => ({ junit: `EscalationEventTest.${m}`, run: startAndExpect('escalationProcess', [caught, inSub]) })),
    ...(
      [
        'testInterruptingEscalationBoundaryEventOnMultiInstanceSubprocess',
        'testInterruptingEscalationBoundaryEvent',
        'testEscalationEndEvent',
      ] as const
    ).map((m) => ({ junit: `EscalationEventTest.${m}`, run: startAndExpect('escalationProcess', [caught]) })),
    {
      junit: 'EscalationEventTest.testNonInterruptingEscalationBoundaryEventOnMultiInstanceSubprocess',
      run: startAndExpect('escalationProcess', [...Array(5).fill(caught), ...Array(5).fill(inSub)]),
    },
    {
      junit: 'EscalationEventTest.testInterruptingEscalationBoundaryEventOnCallActivity',
      resources: [THROW, R('interruptingEscalationBoundaryEventOnCallActivity')],
      run: startAndExpect('catchEscalationProcess', [caught]),
    },
    {
      junit: 'EscalationEventTest.testPropagateOutputVariablesWhileCatchEscalationOnCallActivity',
      resources: [THROW, R('testPropagateOutputVariablesWhileCatchEscalationOnCallActivity')],
      async run(c) {
        await c.deploy();
        const id = await c.start('catchEscalationProcess', { input: 42 });
        expect((await c.taskNames()).filter((n) => n === caught)).toHaveLength(1);
        expect((await c.vars(id)).output).toBe(42);
      },
    },
    {
      junit: 'EscalationEventTest.testPropagateOutputVariablesWhileCatchInterruptingEscalationOnCallActivity',
      resources: [THROW, R('testPropagateOutputVariablesWhileCatchInterruptingEscalationOnCallActivity')],
      async run(c) {
        await c.deploy();
        const id = await c.start('catchEscalationProcess', { input: 42 });
        expect((await c.taskNames()).filter((n) => n === caught)).toHaveLength(1);
        expect((await c.vars(id)).output).toBe(42);
      },
    },
    {
      junit: 'EscalationEventTest.testPropagateOutputVariablesWithoutCatchEscalation',
      resources: [THROW, R('testPropagateOutputVariablesWithoutCatchEscalation')],
      async run(c) {
        await c.deploy();
        const id = await c.start('catchEscalationProcess', { input: 42 });
        expect((await c.vars(id)).output).toBe(42);
      },
    },
    {
      junit: 'EscalationEventTest.testRetrieveEscalationCodeVariableOnBoundaryEvent',
      async run(c) {
        await c.deploy();
        const id = await c.start('escalationProcess');
        expect((await c.taskNames(id)).filter((n) => n === caught)).toHaveLength(1);
        expect((await c.vars(id)).escalationCodeVar).toBe('escalationCode');
      },
    },
    {
      junit: 'EscalationEventTest.testRetrieveEscalationCodeVariableOnBoundaryEventWithoutEscalationCode',
      run: retrieveCode('escalationProcess', 'taskAfterCatchedEscalation'),
    },
    ...(
      [
        'testInterruptingRetrieveEscalationCodeInSuperProcess',
        'testInterruptingRetrieveEscalationCodeInSuperProcessWithoutEscalationCode',
        'testNonInterruptingRetrieveEscalationCodeInSuperProcess',
        'testNonInterruptingRetrieveEscalationCodeInSuperProcessWithoutEscalationCode',
      ] as const
    ).map((m) => ({
      junit: `EscalationEventTest.${m}`,
      resources: [THROW, R(m)],
      run: retrieveCode('catchEscalationProcess', 'taskAfterCatchedEscalation'),
    })),
    {
      junit: 'EscalationEventTest.testPropagateOutputVariablesTwoTimes',
      resources: [THROW, R('testPropagateOutputVariablesWhileCatchEscalationOnCallActivity')],
      async run(c) {
        await c.deploy();
        const id = await c.start('catchEscalationProcess', { input: 42 });
        const tasks = await c.tasks();
        expect(tasks.filter((t) => t.taskDefinitionKey === 'taskAfterCatchedEscalation')).toHaveLength(1);
        // (1) passed out when the escalation passed the call activity
        expect((await c.vars(id)).output).toBe(42);
        const inSubProcess = tasks.find((t) => t.taskDefinitionKey === 'task');
        await c.completeTask(inSubProcess, { input: 999 });
        // (2) and again when the called process ended
        expect((await c.vars(id)).output).toBe(999);
      },
    },
  ],
};
