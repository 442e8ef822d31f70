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
    });
    await app.ready;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
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
