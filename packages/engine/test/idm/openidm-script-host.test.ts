/**
 * What PingIDM's sample workflows need of the `openidm` script host besides managed objects: service tasks whose
 * expression calls `openidm` (`${openidm.query('managed/user', params)}`), `external/email` and `external/rest`
 * recorded in IDM's repository (never sent), `identityServer.getProperty`. Runs without the samples' cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdmApiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

const ADMIN = {
  'X-OpenIDM-Username': 'openidm-admin',
  'X-OpenIDM-Password': 'openidm-admin',
  'Content-Type': 'application/json',
};

const definitions = (id: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:activiti="http://activiti.org/bpmn" targetNamespace="Examples">
  <process id="${id}" isExecutable="true">
    <startEvent id="start" activiti:initiator="startUserId"/>
    ${body}
    <userTask id="wait" name="Wait" activiti:assignee="\${startUserId}"/>
    <sequenceFlow id="fw" sourceRef="wait" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

// As the contractor onboarding sample reads its new user back: a service task's expression calls openidm.
const READ_BACK = definitions(
  'readBack',
  `<sequenceFlow id="f1" sourceRef="start" targetRef="prep"/>
    <scriptTask id="prep" scriptFormat="groovy" activiti:autoStoreVariables="false"><script>
      execution.setVariable("params", [_queryId:'for-userName', uid:'jroe'])
    </script></scriptTask>
    <sequenceFlow id="f2" sourceRef="prep" targetRef="read"/>
    <serviceTask id="read" name="Read User" activiti:expression="\${openidm.query('managed/user', params)}" activiti:resultVariableName="found"/>
    <sequenceFlow id="f3" sourceRef="read" targetRef="notify"/>
    <scriptTask id="notify" scriptFormat="groovy" activiti:autoStoreVariables="false"><script>
      def path = identityServer.getProperty('openidm.context.path', '/openidm')
      def port = identityServer.getProperty('openidm.port.https')
      def missing = identityServer.getProperty('no.such.property', 'fallback')
      openidm.action("external/rest", "call", [url: "https://localhost:" + port + path + "/selfservice/reset", method: "POST", body: '{}'])
      def answer = openidm.action("external/email", 'sendEmail', [from: 'wf@example.com', to: 'jroe@example.com', subject: 'Hi', type: 'text/plain', body: 'Welcome ' + found.result[0].givenName])
      execution.setVariable("emailAnswer", answer)
      execution.setVariable("missing", missing)
    </script></scriptTask>
    <sequenceFlow id="f4" sourceRef="notify" targetRef="wait"/>`,
);

// A scripted endpoint in the style of the usecase sample's getUserManager.js: IDM's `request`, the caller's `openidm`.
const apiModule = createIdmApiModule({
  endpoints: {
    managerof: {
      type: 'text/javascript',
      source: `(function () {
        if (request.method !== 'query') throw 'Unsupported operation: ' + request.method;
        var user = openidm.read('managed/user/' + request.additionalParameters.userId, null, ['*', 'manager']);
        return user.manager ? [{ userName: openidm.read(user.manager._ref).userName }] : [];
      }());`,
    },
  },
});

// As the usecase samples prepare their tasks: autoStoreVariables="true", GPath over a query's results, Java's
// Boolean, SimpleDateFormat.parse, and an endpoint query.
const AUTO_STORE = definitions(
  'autoStore',
  `<sequenceFlow id="f1" sourceRef="start" targetRef="prep"/>
    <scriptTask id="prep" scriptFormat="groovy" activiti:autoStoreVariables="true"><script>
      found = openidm.query('managed/user', [_queryFilter: '/department eq "Sales" and /title eq "manager"'])
      ids = []
      for (m in found.result._id) { ids.add(m) }
      managers = openidm.query('endpoint/managerof', [_queryId: 'getManager', userId: 'sam']).result.collect { it.userName }
      flag = new Boolean("false") ? 'yes' : 'no'
      java.text.SimpleDateFormat day = new java.text.SimpleDateFormat("yyyy-MM-dd")
      java.text.SimpleDateFormat iso = new java.text.SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.S'Z'")
      startISO = iso.format(day.parse('2027-03-01'))
      quoted = 'say "hi" "there"'.replace('"', "'")
      last = 'managed/user/sam'.split('/')[-1]
      slashy = 'a"b"c'.replace(/"/, '-') + '/' + (6 / 2 / 3)
      out:println "labelled " + last
    </script></scriptTask>
    <sequenceFlow id="f2" sourceRef="prep" targetRef="wait"/>`,
);

describe.each(testStores())('the openidm script host of IDM workflows on $name', (factory) => {
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
  const deploy = async (bpmnXML: string) => {
    const model = await call('POST', '/openidm/workflow/model?_action=create', { name: 'm', bpmnXML });
    expect(model.status, JSON.stringify(model.json)).toBe(201);
    return call('POST', `/openidm/workflow/model/${model.json._id}?_action=deploy`);
  };
  const documents = async (collection: string) =>
    (
      await store.db.query<{ body: unknown }>('SELECT body FROM idm_repo_object WHERE collection = $1', [collection])
    ).rows.map((r) => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as Record<string, unknown>);

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({
      store: store.db,
      apis: [apiModule],
      config: parseConfig({}),
      jobs: { start: false },
      // An endpoint call runs a script inside a script: on a busy machine its worker may first have to load QuickJS.
      runtime: { scriptLimits: { timeoutMs: 15_000 } },
      docs: false,
    });
    await app.ready;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('runs a service task whose expression calls openidm, and records external email and REST calls', async () => {
    const user = await call('POST', '/openidm/managed/user?_action=create', {
      userName: 'jroe',
      givenName: 'Jane',
      sn: 'Roe',
      mail: 'jroe@example.com',
    });
    expect(user.status).toBe(201);
    expect((await deploy(READ_BACK)).status).toBe(200);
    const started = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'readBack' });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const vars = (await call('GET', `/openidm/workflow/processinstance/${started.json._id}`)).json.processVariables;
    expect(vars.found.result).toEqual([expect.objectContaining({ _id: user.json._id, userName: 'jroe' })]);
    expect(vars.emailAnswer).toEqual({ status: 'OK' });
    expect(vars.missing).toBe('fallback');
    expect(await documents('external/email')).toEqual([
      expect.objectContaining({ to: 'jroe@example.com', subject: 'Hi', body: 'Welcome Jane', action: 'sendEmail' }),
    ]);
    expect(await documents('external/rest')).toEqual([
      expect.objectContaining({
        url: 'https://localhost:8443/openidm/selfservice/reset',
        method: 'POST',
        status: 'recorded',
        calledBy: 'openidm-admin',
      }),
    ]);
  });

  it('refuses at deploy an expression that uses openidm other than as one whole call', async () => {
    const bad = definitions(
      'badCall',
      `<sequenceFlow id="f1" sourceRef="start" targetRef="read"/>
      <serviceTask id="read" activiti:expression="\${openidm.read('managed/user/x') == null}"/>
      <sequenceFlow id="f2" sourceRef="read" targetRef="wait"/>`,
    );
    const d = await deploy(bad);
    expect(d.status).toBe(400);
    expect(JSON.stringify(d.json)).toContain('openidm may only be called as the whole expression');
  });

  it('refuses an external REST call without a url, as IDM does; the command leaves nothing behind', async () => {
    const noUrl = definitions(
      'noUrl',
      `<sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
      <scriptTask id="call" scriptFormat="groovy"><script>
        openidm.action("external/email", 'send', [to: 'a@example.com', body: 'first'])
        openidm.action("external/rest", "call", [method: "GET"])
      </script></scriptTask>
      <sequenceFlow id="f2" sourceRef="call" targetRef="wait"/>`,
    );
    expect((await deploy(noUrl)).status).toBe(200);
    const before = (await documents('external/email')).length;
    const started = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'noUrl' });
    expect(started.status).toBeGreaterThanOrEqual(400);
    expect(started.json.message).toContain('missing url');
    expect(await documents('external/email')).toHaveLength(before);
  });

  it('stores what an autoStoreVariables script sets; GPath, Boolean, date parsing and an endpoint as the samples use them', async () => {
    for (const [id, body] of [
      [
        'mgr',
        { userName: 'mgr', givenName: 'M', sn: 'G', mail: 'mgr@example.com', department: 'Sales', title: 'manager' },
      ],
      [
        'sam',
        { userName: 'sam', givenName: 'S', sn: 'M', mail: 'sam@example.com', manager: { _ref: 'managed/user/mgr' } },
      ],
    ] as const)
      expect((await call('POST', '/openidm/managed/user?_action=create', { _id: id, ...body })).status).toBe(201);
    expect((await deploy(AUTO_STORE)).status).toBe(200);
    const started = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'autoStore' });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const vars = (await call('GET', `/openidm/workflow/processinstance/${started.json._id}`)).json.processVariables;
    expect(vars).toMatchObject({
      ids: ['mgr'],
      managers: ['mgr'],
      flag: 'no',
      startISO: '2027-03-01T00:00:00.0Z',
      quoted: "say 'hi' 'there'",
      last: 'sam',
      slashy: 'a-b-c/1',
    });
    expect(vars.found.result).toHaveLength(1);
    // Globals the script did not set (the process's own variables, the host objects) are not stored again.
    expect(Object.keys(vars)).not.toContain('openidm');
    expect(Object.keys(vars)).not.toContain('SimpleDateFormat');
  });
});
