import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

const ADMIN = {
  'X-OpenIDM-Username': 'openidm-admin',
  'X-OpenIDM-Password': 'openidm-admin',
  'Content-Type': 'application/json',
};

// A process in the style of PingIDM's samples: Groovy with a map literal, a typed declaration, SimpleDateFormat, a
// GString and a closure, with `autoStoreVariables=false` and execution.setVariable.
const GROOVY = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:activiti="http://activiti.org/bpmn" targetNamespace="Examples">
  <process id="groovyPrep" name="Groovy preparation" isExecutable="true">
    <startEvent id="start" activiti:initiator="startUserId"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <scriptTask id="prepare" name="Prepare Task" scriptFormat="groovy" activiti:autoStoreVariables="false">
      <script>
        decisionOptions = [ 'accept' : 'common.form.accept' , 'reject' : 'common.form.reject', '__null' : '  ']
        java.text.SimpleDateFormat formatUTC = new java.text.SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.S'Z'");
        formatUTC.setTimeZone(TimeZone.getTimeZone("UTC"));
        requestDate = formatUTC.format(new Date())
        def starter = execution.getVariable('startUserId')
        def labels = decisionOptions.keySet().findAll { it != '__null' }.collect { "\${it}:\${starter}" }
        execution.setVariable("decisionOptions", decisionOptions)
        execution.setVariable("labels", labels)
        execution.setVariable("requestDate", requestDate)
      </script>
    </scriptTask>
    <sequenceFlow id="f2" sourceRef="prepare" targetRef="review"/>
    <userTask id="review" name="Review" activiti:assignee="\${startUserId}"/>
    <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

const process = (id: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn" targetNamespace="Examples">
  <process id="${id}" isExecutable="true">
    <startEvent id="start" flowable:initiator="startUserId"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    ${body}
    <sequenceFlow id="f2" sourceRef="work" targetRef="wait"/>
    <userTask id="wait" name="Wait" flowable:assignee="\${startUserId}"/>
    <sequenceFlow id="f3" sourceRef="wait" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

// Seed 002's script extract: a script starts another workflow with openidm.create('workflow/processinstance', ...).
const CALLER = process(
  'caller',
  `<scriptTask id="work" scriptFormat="javascript"><script>
    var params = { "_key": "myWorkflow", "requestedBy": execution.getVariable("startUserId") };
    var started = openidm.create('workflow/processinstance', null, params);
    var role = openidm.create('managed/role', null, { "name": "Started by a script" });
    execution.setVariable("childId", started._id);
    execution.setVariable("roleId", role._id);
  </script></scriptTask>`,
);
const MY_WORKFLOW = process(
  'myWorkflow',
  '<scriptTask id="work" scriptFormat="javascript"><script>execution.setVariable("seen", requestedBy)</script></scriptTask>',
);
// A script that writes a managed object, then fails: the command rolls back, so the object must not exist.
const FAILING = process(
  'failing',
  `<scriptTask id="work" scriptFormat="groovy"><script>
    openidm.create('managed/role', 'ghost-role', [name: 'Ghost'])
    throw new Error('after the create')
  </script></scriptTask>`,
);

describe.each(testStores())('Groovy script tasks on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.fetch(
      new Request(`http://localhost:8080${path}`, {
        method,
        headers: ADMIN,
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
    );
    return { status: res.status, json: await res.json() };
  };

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({
      store: store.db,
      apis: [apiModule],
      config: parseConfig({}),
      jobs: { start: false },
      docs: false,
      // Seed 002's script starts a workflow whose own script may need a fresh worker (QuickJS loading), and that wait
      // counts against the outer script's limit: 1 s is too tight for it on a loaded CI machine.
      runtime: { scriptLimits: { timeoutMs: 15_000 } },
    });
    await app.ready;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const deploy = async (name: string, bpmnXML: string) => {
    const model = await call('POST', '/openidm/workflow/model?_action=create', { name, bpmnXML });
    expect(model.status, JSON.stringify(model.json)).toBe(201);
    const d = await call('POST', `/openidm/workflow/model/${model.json._id}?_action=deploy`);
    expect(d.status, JSON.stringify(d.json)).toBe(200);
  };

  it('starts another workflow and writes managed objects from a script through openidm (seed 002)', async () => {
    await deploy('My workflow', MY_WORKFLOW);
    await deploy('Caller', CALLER);
    const started = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'caller' });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const vars = (await call('GET', `/openidm/workflow/processinstance/${started.json._id}`)).json.processVariables;
    const child = await call('GET', `/openidm/workflow/processinstance/${vars.childId}`);
    expect(child.status).toBe(200);
    expect(child.json.processDefinitionId).toMatch(/^myWorkflow:/);
    expect(child.json.processVariables).toMatchObject({ requestedBy: 'openidm-admin', seen: 'openidm-admin' });
    expect(child.json.startUserId).toBe('openidm-admin');
    const role = await call('GET', `/openidm/managed/role/${vars.roleId}`);
    expect(role.json.name).toBe('Started by a script');
  });

  it('rolls back what a failing script wrote through openidm: no managed object is left behind', async () => {
    await deploy('Failing', FAILING);
    const started = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'failing' });
    expect(started.status).toBeGreaterThanOrEqual(400);
    expect(started.json.message).toContain('after the create');
    expect((await call('GET', '/openidm/managed/role/ghost-role')).status).toBe(404);
  });

  it('runs an IDM-style Groovy script task and keeps the variables it sets', async () => {
    const model = await call('POST', '/openidm/workflow/model?_action=create', {
      name: 'Groovy prep',
      bpmnXML: GROOVY,
    });
    expect(model.status).toBe(201);
    const deployed = await call('POST', `/openidm/workflow/model/${model.json._id}?_action=deploy`);
    expect(deployed.status, JSON.stringify(deployed.json)).toBe(200);
    const started = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'groovyPrep' });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const inst = await call('GET', `/openidm/workflow/processinstance/${started.json._id}`);
    const vars = inst.json.processVariables as Record<string, unknown>;
    expect(vars.decisionOptions).toEqual({ accept: 'common.form.accept', reject: 'common.form.reject', __null: '  ' });
    expect(vars.labels).toEqual(['accept:openidm-admin', 'reject:openidm-admin']);
    expect(vars.requestDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,3}Z$/);
    // autoStoreVariables=false: the script's own globals are not stored.
    expect(vars).not.toHaveProperty('formatUTC');
  });
});
