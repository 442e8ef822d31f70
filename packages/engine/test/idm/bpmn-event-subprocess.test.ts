import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

const HOUR = 60 * 60_000;

/** An event sub-process whose start event carries `definition`, then a user task named `task`. */
const esp = (id: string, definition: string, task: string, interrupting = true) =>
  `<subProcess id="${id}" triggeredByEvent="true">
     <startEvent id="${id}Start" isInterrupting="${interrupting}">${definition}</startEvent>
     ${flow(`${id}F1`, `${id}Start`, `${id}Task`)}<userTask id="${id}Task" name="${task}"/>
     ${flow(`${id}F2`, `${id}Task`, `${id}End`)}<endEvent id="${id}End"/>
   </subProcess>`;

/**
 * Event sub-processes (after Camunda 7's ErrorEventSubProcessTest, MessageEventSubprocessTest and
 * SignalEventSubprocessTest): error, message, signal and timer starts, interrupting and not, at process level and in
 * a sub-process.
 */
describe.each(testStores())('BPMN event sub-processes on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
  });
  afterAll(() => h.close());

  const names = async (id: string) => (await h.tasks(id)).map((t) => t.name).sort();
  const completeNamed = async (id: string, name: string) => {
    const t = (await h.tasks(id)).find((x) => x.name === name);
    expect(t, name).toBeDefined();
    expect((await h.complete(t._id)).status).toBe(200);
  };
  const ended = async (id: string) => (await h.instance(id)).json.endTime !== null;

  it('catches an error end event in an error event sub-process at process level (testEventSubprocessTakesPrecedence)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'task')}<userTask id="task" name="Task"/>
         ${flow('f2', 'task', 'ee')}<endEvent id="ee"><errorEventDefinition errorRef="err"/></endEvent>
         ${esp('onError', '<errorEventDefinition errorRef="err"/>', 'Handle error')}`,
        { id: 'errorEsp', roots: '<error id="err" errorCode="E1"/>' },
      ),
    );
    const s = await h.start('errorEsp');
    await completeNamed(s.json._id, 'Task');
    expect(await names(s.json._id)).toEqual(['Handle error']);
    await completeNamed(s.json._id, 'Handle error');
    expect(await ended(s.json._id)).toBe(true);
  });

  it('prefers the event sub-process inside a sub-process over the boundary event on it', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'sub')}
         <subProcess id="sub"><startEvent id="ss"/>${flow('s1', 'ss', 'ee')}
           <endEvent id="ee"><errorEventDefinition errorRef="err"/></endEvent>
           ${esp('inner', '<errorEventDefinition/>', 'Caught inside')}
         </subProcess>${flow('f2', 'sub', 'after')}<userTask id="after" name="After sub-process"/>
         <boundaryEvent id="b" attachedToRef="sub"><errorEventDefinition/></boundaryEvent>
         ${flow('f3', 'b', 'outside')}<userTask id="outside" name="Caught outside"/>`,
        { id: 'innerEsp', roots: '<error id="err" errorCode="E2"/>' },
      ),
    );
    const s = await h.start('innerEsp');
    expect(await names(s.json._id)).toEqual(['Caught inside']);
    // the event sub-process completes, and with it the sub-process, which leaves by its outgoing flow
    await completeNamed(s.json._id, 'Caught inside');
    expect(await names(s.json._id)).toEqual(['After sub-process']);
  });

  it('interrupts the process on a message (testInterruptingUnderProcessDefinition)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'task')}<userTask id="task" name="Task"/>
         ${flow('f2', 'task', 'end')}<endEvent id="end"/>
         ${esp('onCancel', '<messageEventDefinition messageRef="cancel"/>', 'Cancelled')}`,
        { id: 'messageEsp', roots: '<message id="cancel" name="cancelOrder"/>' },
      ),
    );
    const s = await h.start('messageEsp');
    const r = await h.call('POST', '/openidm/workflow/execution?_action=message', {
      messageName: 'cancelOrder',
      executionId: s.json._id,
      processVariables: { reason: 'customer' },
    });
    expect(r.status).toBe(200);
    expect(await names(s.json._id)).toEqual(['Cancelled']);
    await completeNamed(s.json._id, 'Cancelled');
    expect(await ended(s.json._id)).toBe(true);
  });

  it('runs a non-interrupting message event sub-process beside the process, each time (testNonInterruptingUnderProcessDefinition)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'task')}<userTask id="task" name="Task"/>
         ${flow('f2', 'task', 'end')}<endEvent id="end"/>
         ${esp('onNote', '<messageEventDefinition messageRef="note"/>', 'Read note', false)}`,
        { id: 'nonInterruptingEsp', roots: '<message id="note" name="note"/>' },
      ),
    );
    const s = await h.start('nonInterruptingEsp');
    for (let i = 0; i < 2; i++) {
      const r = await h.call('POST', '/openidm/workflow/execution?_action=message', {
        messageName: 'note',
        executionId: s.json._id,
        processVariables: {},
      });
      expect(r.status).toBe(200);
    }
    expect(await names(s.json._id)).toEqual(['Read note', 'Read note', 'Task']);
    await completeNamed(s.json._id, 'Task');
    expect(await ended(s.json._id)).toBe(false);
    await completeNamed(s.json._id, 'Read note');
    await completeNamed(s.json._id, 'Read note');
    expect(await ended(s.json._id)).toBe(true);
  });

  it('interrupts a sub-process on a timer, keeping the sub-process path (testTimerEventSubprocessInSubprocess)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'sub')}
         <subProcess id="sub"><startEvent id="ss"/>${flow('s1', 'ss', 'work')}<userTask id="work" name="Work"/>
           ${flow('s2', 'work', 'se')}<endEvent id="se"/>
           ${esp('late', '<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>', 'Too late')}
         </subProcess>${flow('f2', 'sub', 'after')}<userTask id="after" name="After sub-process"/>`,
        { id: 'timerEsp' },
      ),
    );
    const s = await h.start('timerEsp');
    expect(await h.jobs(s.json._id)).toHaveLength(1);
    await h.advance(HOUR + 1000);
    expect(await names(s.json._id)).toEqual(['Too late']);
    await completeNamed(s.json._id, 'Too late');
    expect(await names(s.json._id)).toEqual(['After sub-process']);
    expect(await h.jobs(s.json._id)).toEqual([]);
  });

  it('starts a non-interrupting signal event sub-process (testNonInterruptingSignal)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'task')}<userTask id="task" name="Task"/>
         ${esp('onAlert', '<signalEventDefinition signalRef="alert"/>', 'Alerted', false)}`,
        { id: 'signalEsp', roots: '<signal id="alert" name="espAlert"/>' },
      ),
    );
    const s = await h.start('signalEsp');
    const r = await h.call('POST', '/openidm/workflow/execution?_action=signal', {
      signalName: 'espAlert',
      processVariables: {},
    });
    expect(r.status).toBe(200);
    expect(await names(s.json._id)).toEqual(['Alerted', 'Task']);
  });
});
