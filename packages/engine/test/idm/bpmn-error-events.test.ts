import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

/** A user task then an error end event in a sub-process; an error boundary event on the sub-process. */
const subProcessError = (throwRef: string, catchRef: string | null, roots: string) =>
  bpmn(
    `<startEvent id="start"/>${flow('f1', 'start', 'sub')}
     <subProcess id="sub">
       <startEvent id="subStart"/>${flow('s1', 'subStart', 'work')}
       <userTask id="work" name="Task in subprocess"/>${flow('s2', 'work', 'gw')}
       <exclusiveGateway id="gw" default="s4"/>
       ${flow('s3', 'gw', 'errorEnd', '${fail}')}${flow('s4', 'gw', 'subEnd')}
       <endEvent id="errorEnd"><errorEventDefinition errorRef="${throwRef}"/></endEvent>
       <endEvent id="subEnd"/>
     </subProcess>
     ${flow('f2', 'sub', 'afterSub')}<userTask id="afterSub" name="Task after subprocess"/>${flow('f3', 'afterSub', 'end')}
     <boundaryEvent id="catchError" attachedToRef="sub"><errorEventDefinition${catchRef ? ` errorRef="${catchRef}"` : ''}/></boundaryEvent>
     ${flow('f4', 'catchError', 'escalated')}<userTask id="escalated" name="Escalated Task"/>${flow('f5', 'escalated', 'end2')}
     <endEvent id="end"/><endEvent id="end2"/>`,
    { id: 'subError', roots },
  );

/**
 * Error events as Flowable runs them (after Camunda 7's BoundaryErrorEventTest and ErrorEndEventTest): error end
 * events, interrupting error boundary events on sub-processes, multi-instance bodies and call activities, errorRef
 * to an <error> or to a raw code, catch-all boundaries, propagation out of called processes, uncaught errors.
 */
describe.each(testStores())('BPMN error events on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
  });
  afterAll(() => h.close());

  const names = async (id: string) => (await h.tasks(id)).map((t) => t.name).sort();
  const completeOnly = async (id: string, vars: Record<string, unknown> = {}) => {
    const [t] = await h.tasks(id);
    const r = await h.complete(t._id, vars);
    expect(r.status).toBe(200);
  };

  it('catches an error end event of a sub-process on its boundary (testCatchErrorOnEmbeddedSubprocess)', async () => {
    await h.deployOk(subProcessError('myError', 'myError', '<error id="myError" errorCode="123"/>'));
    const s = await h.start('subError', { fail: true });
    expect(s.status).toBe(201);
    expect(await names(s.json._id)).toEqual(['Task in subprocess']);
    await completeOnly(s.json._id);
    expect(await names(s.json._id)).toEqual(['Escalated Task']);
    await completeOnly(s.json._id);
    const hi = await h.instance(s.json._id);
    expect(hi.json.endTime).not.toBeNull();
    expect(hi.json.endActivityId).toBe('end2');
  });

  it('takes the normal path when no error is thrown', async () => {
    const s = await h.start('subError', { fail: false });
    await completeOnly(s.json._id);
    expect(await names(s.json._id)).toEqual(['Task after subprocess']);
  });

  it('matches an errorRef naming no <error> as the raw error code', async () => {
    // the thrower names the code directly; the catcher names an <error> whose errorCode is that code
    await h.deployOk(subProcessError('E42', 'known', '<error id="known" errorCode="E42"/>'));
    const s = await h.start('subError', { fail: true });
    await completeOnly(s.json._id);
    expect(await names(s.json._id)).toEqual(['Escalated Task']);
  });

  it('catches any error on a boundary without errorRef (catch-all)', async () => {
    await h.deployOk(subProcessError('myError', null, '<error id="myError" errorCode="whatever"/>'));
    const s = await h.start('subError', { fail: true });
    await completeOnly(s.json._id);
    expect(await names(s.json._id)).toEqual(['Escalated Task']);
  });

  it('prefers the boundary naming the code over a catch-all on the same activity', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'sub')}
         <subProcess id="sub"><startEvent id="ss"/>${flow('s1', 'ss', 'ee')}
           <endEvent id="ee"><errorEventDefinition errorRef="err"/></endEvent></subProcess>
         <boundaryEvent id="any" attachedToRef="sub"><errorEventDefinition/></boundaryEvent>
         <boundaryEvent id="specific" attachedToRef="sub"><errorEventDefinition errorRef="err"/></boundaryEvent>
         ${flow('f2', 'any', 'anyTask')}${flow('f3', 'specific', 'specificTask')}
         <userTask id="anyTask" name="Caught by catch-all"/><userTask id="specificTask" name="Caught by code"/>`,
        { id: 'preferSpecific', roots: '<error id="err" errorCode="code1"/>' },
      ),
    );
    const s = await h.start('preferSpecific');
    expect(await names(s.json._id)).toEqual(['Caught by code']);
  });

  it('propagates past a nested sub-process that does not catch the code (testCatchErrorThrownByErrorEndEventOnSubprocess)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'outer')}
         <subProcess id="outer"><startEvent id="os"/>${flow('o1', 'os', 'inner')}
           <subProcess id="inner"><startEvent id="is"/>${flow('i1', 'is', 'ee')}
             <endEvent id="ee"><errorEventDefinition errorRef="b"/></endEvent></subProcess>
           <boundaryEvent id="innerCatch" attachedToRef="inner"><errorEventDefinition errorRef="a"/></boundaryEvent>
           ${flow('o2', 'innerCatch', 'wrong')}<userTask id="wrong" name="Inner caught"/>
           ${flow('o3', 'inner', 'oe')}<endEvent id="oe"/></subProcess>
         <boundaryEvent id="outerCatch" attachedToRef="outer"><errorEventDefinition errorRef="b"/></boundaryEvent>
         ${flow('f2', 'outerCatch', 'right')}<userTask id="right" name="Outer caught"/>`,
        { id: 'nested', roots: '<error id="a" errorCode="A"/><error id="b" errorCode="B"/>' },
      ),
    );
    const s = await h.start('nested');
    expect(await names(s.json._id)).toEqual(['Outer caught']);
    const ex = await h.executions(s.json._id);
    expect(ex.map((e: any) => e.activityId).filter(Boolean)).toEqual(['right']);
  });

  it('cancels every instance of a multi-instance sub-process when one throws (testCatchErrorInConcurrentEmbeddedSubprocesses)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'sub')}
         <subProcess id="sub"><multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
           <startEvent id="ss"/>${flow('s1', 'ss', 'work')}<userTask id="work" name="Work"/>${flow('s2', 'work', 'ee')}
           <endEvent id="ee"><errorEventDefinition errorRef="err"/></endEvent></subProcess>
         ${flow('f2', 'sub', 'end')}<endEvent id="end"/>
         <boundaryEvent id="caught" attachedToRef="sub"><errorEventDefinition errorRef="err"/></boundaryEvent>
         ${flow('f3', 'caught', 'esc')}<userTask id="esc" name="Escalated Task"/>`,
        { id: 'miError', roots: '<error id="err" errorCode="123"/>' },
      ),
    );
    const s = await h.start('miError');
    expect(await names(s.json._id)).toEqual(['Work', 'Work', 'Work']);
    await completeOnly(s.json._id);
    expect(await names(s.json._id)).toEqual(['Escalated Task']);
  });

  it('propagates an error out of a called process into the call activity boundary, deleting the called instance', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="cs"/>${flow('c1', 'cs', 'childTask')}<userTask id="childTask" name="Child task"/>
         ${flow('c2', 'childTask', 'ce')}<endEvent id="ce"><errorEventDefinition errorRef="childError"/></endEvent>`,
        { id: 'child', roots: '<error id="childError" errorCode="CHILD_FAILED"/>' },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'call')}<callActivity id="call" calledElement="child"/>
         ${flow('f2', 'call', 'end')}<endEvent id="end"/>
         <boundaryEvent id="caught" attachedToRef="call"><errorEventDefinition errorRef="e"/></boundaryEvent>
         ${flow('f3', 'caught', 'handle')}<userTask id="handle" name="Handle child failure"/>`,
        { id: 'caller', roots: '<error id="e" errorCode="CHILD_FAILED"/>' },
      ),
    );
    const s = await h.start('caller');
    const q = await h.call(
      'GET',
      '/openidm/workflow/processinstance?_queryId=filtered-query&processDefinitionKey=child',
    );
    const childId =
      q.json.result.find((r: any) => r.superProcessInstanceId === s.json._id)?._id ?? q.json.result[0]._id;
    await completeOnly(childId);
    expect(await names(s.json._id)).toEqual(['Handle child failure']);
    const child = await h.instance(childId);
    expect(child.json.endTime).not.toBeNull();
    expect(child.json.deleteReason).toMatch(/caught/);
  });

  it('fails the command in CREST shape when nothing catches the error, storing nothing', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'ee')}<endEvent id="ee"><errorEventDefinition errorRef="e"/></endEvent>`,
        { id: 'uncaught', roots: '<error id="e" errorCode="NOBODY"/>' },
      ),
    );
    const r = await h.start('uncaught');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({
      code: 500,
      reason: 'Internal Server Error',
      message:
        "No catching boundary event found for error with errorCode 'NOBODY', neither in same process nor in parent process",
    });
    const hi = await h.call(
      'GET',
      '/openidm/workflow/processinstance/history?_queryId=filtered-query&processDefinitionKey=uncaught',
    );
    expect(hi.json.result).toEqual([]);
  });
});
