import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

const ROOTS = '<escalation id="esc" escalationCode="LATE"/>';

/** A sub-process that throws an escalation (intermediate or end event), with a boundary event catching it. */
const subProcess = (id: string, thrower: string, boundary: string) =>
  bpmn(
    `<startEvent id="start"/>${flow('f1', 'start', 'sub')}
     <subProcess id="sub"><startEvent id="ss"/>${flow('s1', 'ss', 'throw')}${thrower}</subProcess>
     ${flow('f2', 'sub', 'after')}<userTask id="after" name="After sub-process"/>
     ${boundary ? `${boundary}${flow('f3', 'b', 'handle')}<userTask id="handle" name="Handle escalation"/>` : ''}`,
    { id, roots: ROOTS },
  );

const INTERMEDIATE = `<intermediateThrowEvent id="throw"><escalationEventDefinition escalationRef="esc"/></intermediateThrowEvent>
  ${flow('s2', 'throw', 'inner')}<userTask id="inner" name="Inner task"/>${flow('s3', 'inner', 'se')}<endEvent id="se"/>`;

/**
 * Escalation events (after Camunda 7's EscalationEventTest): thrown by intermediate and end events, caught by
 * interrupting and non-interrupting boundary events and by event sub-processes; an uncaught escalation is no error.
 */
describe.each(testStores())('BPMN escalation events on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
  });
  afterAll(() => h.close());

  const names = async (id: string) => (await h.tasks(id)).map((t) => t.name).sort();

  it('interrupts the sub-process with an interrupting boundary event (testThrowEscalationEventFromEmbeddedSubprocess)', async () => {
    await h.deployOk(
      subProcess(
        'interrupting',
        INTERMEDIATE,
        '<boundaryEvent id="b" attachedToRef="sub"><escalationEventDefinition escalationRef="esc"/></boundaryEvent>',
      ),
    );
    const s = await h.start('interrupting');
    expect(await names(s.json._id)).toEqual(['Handle escalation']);
  });

  it('lets the sub-process go on beside a non-interrupting boundary event (testNonInterruptingEscalationBoundaryEvent)', async () => {
    await h.deployOk(
      subProcess(
        'nonInterrupting',
        INTERMEDIATE,
        '<boundaryEvent id="b" attachedToRef="sub" cancelActivity="false"><escalationEventDefinition/></boundaryEvent>',
      ),
    );
    const s = await h.start('nonInterrupting');
    expect(await names(s.json._id)).toEqual(['Handle escalation', 'Inner task']);
  });

  it('catches an escalation end event in an event sub-process', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'task')}<userTask id="task" name="Task"/>
         ${flow('f2', 'task', 'ee')}<endEvent id="ee"><escalationEventDefinition escalationRef="esc"/></endEvent>
         <subProcess id="esp" triggeredByEvent="true"><startEvent id="es" isInterrupting="true"><escalationEventDefinition escalationRef="esc"/></startEvent>
           ${flow('e1', 'es', 'handle')}<userTask id="handle" name="Handle escalation"/></subProcess>`,
        { id: 'escalationEsp', roots: ROOTS },
      ),
    );
    const s = await h.start('escalationEsp');
    const [t] = await h.tasks(s.json._id);
    await h.complete(t._id);
    expect(await names(s.json._id)).toEqual(['Handle escalation']);
  });

  it('goes on when nothing catches the escalation (testThrowUncaughtEscalationEvent)', async () => {
    await h.deployOk(subProcess('uncaught', INTERMEDIATE, ''));
    const s = await h.start('uncaught');
    expect(s.status).toBe(201);
    expect(await names(s.json._id)).toEqual(['Inner task']);
  });
});
