import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { bpmn, flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

/** An event-based gateway before a timer (10 minutes), a signal and a message catch event. */
const GATEWAY = bpmn(
  `<startEvent id="start"/>${flow('f1', 'start', 'gw')}<eventBasedGateway id="gw"/>
   ${flow('f2', 'gw', 'timer')}<intermediateCatchEvent id="timer"><timerEventDefinition><timeDuration>PT10M</timeDuration></timerEventDefinition></intermediateCatchEvent>
   ${flow('f3', 'timer', 'afterTimer')}<userTask id="afterTimer" name="After timer"/>
   ${flow('f4', 'gw', 'signal')}<intermediateCatchEvent id="signal"><signalEventDefinition signalRef="alert"/></intermediateCatchEvent>
   ${flow('f5', 'signal', 'afterSignal')}<userTask id="afterSignal" name="After signal"/>
   ${flow('f6', 'gw', 'message')}<intermediateCatchEvent id="message"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent>
   ${flow('f7', 'message', 'afterMessage')}<userTask id="afterMessage" name="After message"/>`,
  { id: 'eventGateway', roots: '<signal id="alert" name="alert"/><message id="msg" name="newInvoice"/>' },
);

/** The event-based gateway (after Camunda 7's EventBasedGatewayTest): the first event wins, the others are cancelled. */
describe.each(testStores())('BPMN event-based gateway on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
    await h.deployOk(GATEWAY);
  });
  afterAll(() => h.close());

  const names = async (id: string) => (await h.tasks(id)).map((t) => t.name);
  const waitingAt = async (id: string) =>
    (await h.executions(id))
      .map((e: any) => e.activityId)
      .filter(Boolean)
      .sort();

  it('waits at every catch event after the gateway, with one timer job (testCatchAlertAndTimer)', async () => {
    const s = await h.start('eventGateway');
    expect(s.status).toBe(201);
    expect(await waitingAt(s.json._id)).toEqual(['message', 'signal', 'timer']);
    expect(await h.jobs(s.json._id)).toHaveLength(1);
  });

  it('follows the signal and cancels the timer and the message', async () => {
    const s = await h.start('eventGateway');
    const r = await h.call('POST', '/openidm/workflow/execution?_action=signal', {
      signalName: 'alert',
      processVariables: {},
    });
    expect(r.status).toBe(200);
    expect(await names(s.json._id)).toEqual(['After signal']);
    expect(await waitingAt(s.json._id)).toEqual(['afterSignal']);
    expect(await h.jobs(s.json._id)).toEqual([]);
  });

  it('follows the timer when it fires first and cancels the others', async () => {
    const s = await h.start('eventGateway');
    await h.advance(11 * 60_000);
    expect(await names(s.json._id)).toEqual(['After timer']);
    const sig = await h.call(
      'GET',
      `/openidm/workflow/execution?_queryId=filtered-query&processInstanceId=${s.json._id}&signalName=alert`,
    );
    expect(sig.json.result).toEqual([]);
  });

  it('follows a message sent to the waiting execution', async () => {
    const s = await h.start('eventGateway');
    const waiting = (await h.executions(s.json._id)).find((e: any) => e.activityId === 'message');
    const r = await h.call('POST', '/openidm/workflow/execution?_action=message', {
      messageName: 'newInvoice',
      executionId: waiting._id,
      processVariables: { invoice: 7 },
    });
    expect(r.status).toBe(200);
    expect(await names(s.json._id)).toEqual(['After message']);
    expect(await h.jobs(s.json._id)).toEqual([]);
  });

  it('refuses a gateway that leads to something other than an intermediate catch event', async () => {
    const r = await h.deploy(
      bpmn(
        `<startEvent id="start"/>${flow('f1', 'start', 'gw')}<eventBasedGateway id="gw"/>
         ${flow('f2', 'gw', 'task')}<userTask id="task"/>
         ${flow('f3', 'gw', 'timer')}<intermediateCatchEvent id="timer"><timerEventDefinition><timeDuration>PT1M</timeDuration></timerEventDefinition></intermediateCatchEvent>`,
        { id: 'badGateway' },
      ),
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(JSON.stringify(r.json)).toMatch(/Event-based gateway 'gw' must lead only to intermediate catch events/);
  });
});
