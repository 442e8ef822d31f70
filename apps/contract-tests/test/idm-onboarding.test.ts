import { createApp, parseConfig, silentLogger, type WfkitApp } from '@wfkit/engine';
import { createIdmClient, PermissionDeniedError } from '@wfkit/idm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 8's end-to-end check: a contractor-onboarding process (start form properties, a JavaScript script task, a
// manager user task with a candidate group, an exclusive gateway on ${decision=='accept'}) worked through the SDK by
// an administrator and by a manager, with the history read right afterwards. The engine runs in-process.
const ONBOARDING = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:activiti="http://activiti.org/bpmn"
             targetNamespace="wfkit-contract-tests">
  <process id="contractorOnboardingE2E" name="Contractor onboarding" isExecutable="true">
    <startEvent id="start" activiti:initiator="startUserId">
      <extensionElements>
        <activiti:formProperty id="firstName" name="First name" type="string" required="true"/>
        <activiti:formProperty id="days" name="Contract days" type="long"/>
      </extensionElements>
    </startEvent>
    <sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <scriptTask id="prepare" name="Prepare" scriptFormat="javascript" activiti:autoStoreVariables="false">
      <script>execution.setVariable('greeting', 'Welcome ' + execution.getVariable('firstName'));
execution.setVariable('longContract', execution.getVariable('days') > 90);</script>
    </scriptTask>
    <sequenceFlow id="f2" sourceRef="prepare" targetRef="approve"/>
    <userTask id="approve" name="Approve contractor" activiti:candidateGroups="manager">
      <extensionElements>
        <activiti:formProperty id="decision" name="Decision" type="enum" required="true">
          <activiti:value id="accept" name="Accept"/>
          <activiti:value id="reject" name="Reject"/>
        </activiti:formProperty>
      </extensionElements>
    </userTask>
    <sequenceFlow id="f3" sourceRef="approve" targetRef="decide"/>
    <exclusiveGateway id="decide" default="toRejected"/>
    <sequenceFlow id="toAccepted" sourceRef="decide" targetRef="accepted">
      <conditionExpression>\${decision=='accept'}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toRejected" sourceRef="decide" targetRef="rejected"/>
    <endEvent id="accepted" name="Accepted"/>
    <endEvent id="rejected" name="Rejected"/>
  </process>
</definitions>`;

let app: WfkitApp;
const clientFor = (username: string, password: string) =>
  createIdmClient({
    baseUrl: 'http://wfkit.test',
    username,
    password,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init)),
  });

beforeAll(async () => {
  const config = parseConfig({
    WFKIT_IDM_USERS: 'openidm-admin:openidm-admin:openidm-admin,mia:mia-pw:openidm-authorized|manager,sam:sam-pw',
  });
  app = createApp({ store: { memory: true }, config, logger: silentLogger, jobs: { start: false }, docs: false });
  await app.ready;
});

afterAll(async () => {
  await app?.close();
});

describe('IDM contractor onboarding through the SDK', () => {
  it('deploys, starts with form properties, lets a manager claim and accept, and records the history', async () => {
    const admin = clientFor('openidm-admin', 'openidm-admin');
    const mia = clientFor('mia', 'mia-pw');
    const sam = clientFor('sam', 'sam-pw');

    const validation = await admin.models.validateBpmn({ bpmnXML: ONBOARDING });
    expect(validation.valid).toBe(true);
    const model = await admin.models.create({ name: 'Contractor onboarding', bpmnXML: ONBOARDING });
    const deployed = await admin.models.deploy(model._id);
    expect(deployed.processDefinitionIds).toEqual([expect.stringMatching(/^contractorOnboardingE2E:1:/)]);

    const definition = await admin.processDefinitions.get(deployed.processDefinitionIds[0]!);
    expect(definition.formProperties?.map((p) => p._id)).toEqual(['firstName', 'days']);

    const started = await admin.processInstances.create({
      _key: 'contractorOnboardingE2E',
      _businessKey: 'contractor-ada',
      firstName: 'Ada',
      days: 120,
    });
    expect(started.status).toBe('suspended');

    // The manager sees the task as a candidate (group `manager`), sam does not.
    const candidates = await mia.tasks.list({ _queryId: 'filtered-query', taskCandidateGroup: 'manager' }).toArray();
    const task = candidates.find((t) => t.processInstanceId === started._id);
    expect(task?.name).toBe('Approve contractor');
    const samTasks = await sam.tasks.list({ _queryId: 'filtered-query', taskCandidateUser: 'sam' }).toArray();
    expect(samTasks.find((t) => t.processInstanceId === started._id)).toBeUndefined();

    // Only the assignee may complete: before the claim, a 403 `Access denied`.
    await expect(mia.tasks.complete(task!._id, { decision: 'accept' })).rejects.toBeInstanceOf(PermissionDeniedError);
    await mia.tasks.claim(task!._id, 'mia');
    await mia.tasks.complete(task!._id, { decision: 'accept' });

    const history = await admin.processInstanceHistory.get(started._id);
    expect(history).toMatchObject({ _id: started._id, businessKey: 'contractor-ada', endActivityId: 'accepted' });
    expect(history.endTime).toBeTruthy();
    expect(history.processVariables).toMatchObject({ greeting: 'Welcome Ada', longContract: true, decision: 'accept' });
    const taskHistory = await admin.taskHistory
      .list({ _queryId: 'filtered-query', processInstanceId: started._id })
      .toArray();
    expect(taskHistory).toEqual([expect.objectContaining({ name: 'Approve contractor', assignee: 'mia' })]);
  });
});
