import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { flow } from '../helpers/bpmn.js';
import { type IdmHarness, idmHarness } from '../helpers/idm-app.js';

/** A process with a none start and a message start (`tns:`-prefixed messageRef), each leading to its own task. */
const process = (version: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tns="urn:hr" targetNamespace="urn:hr">
  <message id="newHireMessage" name="newHire"/>
  <process id="onboarding" name="Onboarding ${version}" isExecutable="true">
    <startEvent id="messageStart"><messageEventDefinition messageRef="tns:newHireMessage"/></startEvent>
    ${flow('f1', 'messageStart', 'byMessage')}<userTask id="byMessage" name="Onboard by message ${version}"/>
    <startEvent id="noneStart"/>${flow('f2', 'noneStart', 'byHand')}<userTask id="byHand" name="Onboard by hand"/>
  </process>
</definitions>`;

/**
 * Message start events as Flowable's startProcessInstanceByMessage runs them, reached through IDM's
 * `execution?_action=message` without an execution id (after Camunda 7's MessageStartEventTest).
 */
describe.each(testStores())('BPMN message start events on $name', (factory) => {
  let h: IdmHarness;
  beforeAll(async () => {
    h = await idmHarness(factory);
    await h.deployOk(process('v1'));
  });
  afterAll(() => h.close());

  const message = (body: Record<string, unknown>) =>
    h.call('POST', '/openidm/workflow/execution?_action=message', body);

  it('starts an instance at the message start event, with variables and business key (testSingleMessageStartEvent)', async () => {
    const r = await message({ messageName: 'newHire', businessKey: 'E-1', processVariables: { employeeId: 'E-1' } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      'Execution action performed': 'message',
      synchronous: true,
      processInstanceId: expect.any(String),
    });
    const id = r.json.processInstanceId;
    const hi = await h.instance(id);
    expect(hi.json.startActivityId).toBe('messageStart');
    expect(hi.json.businessKey).toBe('E-1');
    expect(hi.json.processVariables.employeeId).toBe('E-1');
    expect((await h.tasks(id)).map((t) => t.name)).toEqual(['Onboard by message v1']);
  });

  it('starts at the none start event when started by key (testMessageStartEventAndNoneStartEvent)', async () => {
    const s = await h.start('onboarding');
    expect(s.status).toBe(201);
    expect((await h.instance(s.json._id)).json.startActivityId).toBe('noneStart');
    expect((await h.tasks(s.json._id)).map((t) => t.name)).toEqual(['Onboard by hand']);
  });

  it('answers 404 for a message no definition starts on, storing nothing', async () => {
    const r = await message({ messageName: 'nobodyListens', processVariables: {} });
    expect(r.status).toBe(404);
    expect(r.json.message).toBe(
      "Cannot start process instance by message: no subscription to message with name 'nobodyListens' found.",
    );
    const a = await message({ messageName: 'nobodyListens', processVariables: null });
    expect(a.status).toBe(404);
  });

  it('starts asynchronously through a job when processVariables is null', async () => {
    const before = await h.call(
      'GET',
      '/openidm/workflow/processinstance?_queryId=filtered-query&processDefinitionKey=onboarding',
    );
    const r = await message({ messageName: 'newHire', processVariables: null });
    expect(r.json).toEqual({ 'Execution action performed': 'message', synchronous: false });
    await h.advance(1000);
    const after = await h.call(
      'GET',
      '/openidm/workflow/processinstance?_queryId=filtered-query&processDefinitionKey=onboarding',
    );
    expect(after.json.result.length).toBe(before.json.result.length + 1);
  });

  it('refuses a second key starting on the same message (testUsingMessageNameTwiceInOneDeploymentFails)', async () => {
    const r = await h.deploy(process('other').replace('id="onboarding"', 'id="otherOnboarding"'));
    expect(r.status).toBe(400);
    expect(r.json.message).toBe(
      "Cannot deploy process definition 'otherOnboarding': there already is a message event subscription for the message with name 'newHire'.",
    );
    const defs = await h.call('GET', '/openidm/workflow/processdefinition?_queryFilter=true');
    expect(defs.json.result.map((d: any) => d.key)).not.toContain('otherOnboarding');
  });

  it('starts the latest version after a redeploy (testDeployStartAndRedeploy)', async () => {
    await h.deployOk(process('v2'));
    const r = await message({ messageName: 'newHire', processVariables: {} });
    expect((await h.tasks(r.json.processInstanceId)).map((t) => t.name)).toEqual(['Onboard by message v2']);
  });
});
