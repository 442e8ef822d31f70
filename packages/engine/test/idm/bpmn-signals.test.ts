import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

const SIGNAL = '<signal id="alertSignal" name="alert"/>';
const SCOPED = '<signal id="alertSignal" name="alert" flowable:scope="processInstance"/>';

/** A parallel split: one branch waits for the signal, the other throws it once its user task is completed. */
const throwAndCatch = (id: string, roots: string) =>
  bpmn(
    `<startEvent id="start"/>${flow('f1', 'start', 'fork')}<parallelGateway id="fork"/>
     ${flow('f2', 'fork', 'catch')}<intermediateCatchEvent id="catch"><signalEventDefinition signalRef="alertSignal"/></intermediateCatchEvent>
     ${flow('f3', 'catch', 'caught')}<userTask id="caught" name="Signal caught"/>${flow('f4', 'caught', 'end1')}<endEvent id="end1"/>
     ${flow('f5', 'fork', 'go')}<userTask id="go" name="Throw now"/>${flow('f6', 'go', 'throw')}
     <intermediateThrowEvent id="throw"><signalEventDefinition signalRef="alertSignal"/></intermediateThrowEvent>
     ${flow('f7', 'throw', 'end2')}<endEvent id="end2"/>`,
    { id, roots, ns: 'flowable' },
  );

/**
 * Signals as Flowable delivers them (after Camunda 7's SignalEventTest and Flowable's signal scope): synchronously
 * inside the throwing command, limited to the thrower's instance with scope="processInstance", to boundary events,
 * to signal start events, with signalExpression.
 */
describe.each(testStores())('BPMN signals on $name', (factory) => {
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

  it('delivers a thrown signal to another instance inside the throwing command (testSignalCatchIntermediate)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'catch')}
         <intermediateCatchEvent id="catch"><signalEventDefinition signalRef="alertSignal"/></intermediateCatchEvent>
         ${flow('f2', 'catch', 'after')}<userTask id="after" name="After signal"/>`,
        { id: 'catcher', roots: SIGNAL },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'throw')}
         <intermediateThrowEvent id="throw"><signalEventDefinition signalRef="alertSignal"/></intermediateThrowEvent>
         ${flow('f2', 'throw', 'end')}<endEvent id="end"/>`,
        { id: 'thrower', roots: SIGNAL },
      ),
    );
    const c = await h.start('catcher');
    expect(await names(c.json._id)).toEqual([]);
    const waiting = await h.call('GET', '/openidm/workflow/execution?_queryId=filtered-query&signalName=alert');
    expect(waiting.json.result.length).toBeGreaterThan(0);
    const t = await h.start('thrower');
    expect(t.status).toBe(201);
    // no job and no clock: the catcher moved on in the thrower's command
    expect(await names(c.json._id)).toEqual(['After signal']);
    expect(await h.jobs()).toEqual([]);
  });

  it('delivers a global signal to every instance waiting for it', async () => {
    await h.deployOk(throwAndCatch('globalSignal', SIGNAL));
    const a = await h.start('globalSignal');
    const b = await h.start('globalSignal');
    await completeNamed(a.json._id, 'Throw now');
    expect(await names(a.json._id)).toEqual(['Signal caught']);
    expect(await names(b.json._id)).toEqual(['Signal caught', 'Throw now']);
  });

  it('limits a signal with flowable:scope="processInstance" to the throwing instance', async () => {
    await h.deployOk(throwAndCatch('scopedSignal', SCOPED));
    const a = await h.start('scopedSignal');
    const b = await h.start('scopedSignal');
    await completeNamed(a.json._id, 'Throw now');
    expect(await names(a.json._id)).toEqual(['Signal caught']);
    expect(await names(b.json._id)).toEqual(['Throw now']);
    await completeNamed(b.json._id, 'Throw now');
    expect(await names(b.json._id)).toEqual(['Signal caught']);
  });

  it('interrupts a user task with a signal boundary event (testSignalBoundaryOnUserTask)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'work')}<userTask id="work" name="Work"/>
         ${flow('f2', 'work', 'end')}<endEvent id="end"/>
         <boundaryEvent id="stop" attachedToRef="work"><signalEventDefinition signalRef="stopSignal"/></boundaryEvent>
         ${flow('f3', 'stop', 'stopped')}<userTask id="stopped" name="Stopped"/>`,
        { id: 'boundarySignal', roots: '<signal id="stopSignal" name="stop"/>' },
      ),
    );
    const s = await h.start('boundarySignal');
    expect(await names(s.json._id)).toEqual(['Work']);
    const r = await h.call('POST', '/openidm/workflow/execution?_action=signal', {
      signalName: 'stop',
      processVariables: { why: 'recall' },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ 'Execution action performed': 'signal', synchronous: true });
    expect(await names(s.json._id)).toEqual(['Stopped']);
    expect((await h.variables(s.json._id)).why).toBe('recall');
  });

  it('starts a process with a signal start event from a throw and from the API (testSignalStartEvent)', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="signalStart"><signalEventDefinition signalRef="s"/></startEvent>
         ${flow('f1', 'signalStart', 'task')}<userTask id="task" name="Started by signal"/>`,
        { id: 'signalStarted', roots: '<signal id="s" name="kickoff"/>' },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'throw')}
         <intermediateThrowEvent id="throw"><signalEventDefinition signalRef="s"/></intermediateThrowEvent>
         ${flow('f2', 'throw', 'end')}<endEvent id="end"/>`,
        { id: 'kicker', roots: '<signal id="s" name="kickoff"/>' },
      ),
    );
    const list = async () =>
      (
        await h.call(
          'GET',
          '/openidm/workflow/processinstance/history?_queryId=filtered-query&processDefinitionKey=signalStarted',
        )
      ).json.result;
    expect(await list()).toHaveLength(0);
    await h.start('kicker');
    expect(await list()).toHaveLength(1);
    expect((await list())[0].startActivityId).toBe('signalStart');
    const r = await h.call('POST', '/openidm/workflow/execution?_action=signal', {
      signalName: 'kickoff',
      processVariables: { from: 'api' },
    });
    expect(r.status).toBe(200);
    const started = await list();
    expect(started).toHaveLength(2);
    const vars = await Promise.all(started.map((i: any) => h.variables(i._id)));
    expect(vars.map((v) => v.from ?? null).sort()).toEqual(['api', null]);
  });

  it('evaluates signalExpression where the catch event is reached', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'catch')}
         <intermediateCatchEvent id="catch"><signalEventDefinition flowable:signalExpression="order-\${orderId}"/></intermediateCatchEvent>
         ${flow('f2', 'catch', 'after')}<userTask id="after" name="Order signalled"/>`,
        { id: 'exprSignal', ns: 'flowable' },
      ),
    );
    const a = await h.start('exprSignal', { orderId: 41 });
    expect(a.status).toBe(201);
    const b = await h.start('exprSignal', { orderId: 42 });
    const r = await h.call('POST', '/openidm/workflow/execution?_action=signal', {
      signalName: 'order-42',
      processVariables: {},
    });
    expect(r.status).toBe(200);
    expect(await names(a.json._id)).toEqual([]);
    expect(await names(b.json._id)).toEqual(['Order signalled']);
  });

  it('passes the variables of flowable:in on the throw; flowable:out on the catch picks what it keeps', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'catch')}
         <intermediateCatchEvent id="catch">
           <extensionElements><flowable:out source="amount" target="received"/></extensionElements>
           <signalEventDefinition flowable:signalExpression="pay-\${order}"/>
         </intermediateCatchEvent>
         ${flow('f2', 'catch', 'after')}<userTask id="after" name="Paid"/>`,
        { id: 'payloadCatcher', ns: 'flowable' },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'throw')}
         <intermediateThrowEvent id="throw">
           <extensionElements>
             <flowable:in source="total" target="amount"/>
             <flowable:in sourceExpression="\${total * 2}" target="doubled"/>
           </extensionElements>
           <signalEventDefinition flowable:signalExpression="pay-\${order}"/>
         </intermediateThrowEvent>
         ${flow('f2', 'throw', 'end')}<endEvent id="end"/>`,
        { id: 'payloadThrower', ns: 'flowable' },
      ),
    );
    const c = await h.start('payloadCatcher', { order: 'o-7' });
    const other = await h.start('payloadCatcher', { order: 'o-8' });
    await h.start('payloadThrower', { order: 'o-7', total: 21 });
    expect(await names(c.json._id)).toEqual(['Paid']);
    // only what the catch maps out: not `doubled`, not the thrower's own variables
    expect(await h.variables(c.json._id)).toEqual({ order: 'o-7', received: 21 });
    expect(await names(other.json._id)).toEqual([]);
    expect(await h.variables(other.json._id)).toEqual({ order: 'o-8' });
  });

  it('delivers a signal thrown with flowable:async in a job per receiver; the thrower goes on at once', async () => {
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'catch')}
         <intermediateCatchEvent id="catch"><signalEventDefinition signalRef="laterSignal"/></intermediateCatchEvent>
         ${flow('f2', 'catch', 'after')}<userTask id="after" name="Caught later"/>`,
        { id: 'asyncCatcher', roots: '<signal id="laterSignal" name="later"/>', ns: 'flowable' },
      ),
    );
    await h.deployOk(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'throw')}
         <intermediateThrowEvent id="throw">
           <extensionElements><flowable:in source="note" target="note"/></extensionElements>
           <signalEventDefinition signalRef="laterSignal" flowable:async="true"/>
         </intermediateThrowEvent>
         ${flow('f2', 'throw', 'end')}<endEvent id="end"/>`,
        { id: 'asyncThrower', roots: '<signal id="laterSignal" name="later"/>', ns: 'flowable' },
      ),
    );
    const a = await h.start('asyncCatcher');
    const b = await h.start('asyncCatcher');
    const t = await h.start('asyncThrower', { note: 'hello' });
    expect((await h.instance(t.json._id)).json.endTime).not.toBeNull();
    expect(await names(a.json._id)).toEqual([]);
    expect(await h.jobs(a.json._id)).toHaveLength(1);
    expect(await h.jobs(b.json._id)).toHaveLength(1);
    await h.advance(0);
    expect(await names(a.json._id)).toEqual(['Caught later']);
    expect(await names(b.json._id)).toEqual(['Caught later']);
    expect(await h.variables(b.json._id)).toEqual({ note: 'hello' });
  });
});
