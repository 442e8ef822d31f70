import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiModule, createIdmApiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { Runtime } from '../../src/runtime/commands.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

const BASE = 'http://localhost:8080';
const config = parseConfig({
  WFKIT_IDM_USERS: 'openidm-admin:openidm-admin:openidm-admin,bob:bobpw,emp:emppw:employee',
});
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const BOB = { 'X-OpenIDM-Username': 'bob', 'X-OpenIDM-Password': 'bobpw' };
const EMP = { 'X-OpenIDM-Username': 'emp', 'X-OpenIDM-Password': 'emppw' };

const CONTRACTOR = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:flowable="http://flowable.org/bpmn" targetNamespace="Examples">
  <process id="contractorOnboarding" name="Contractor onboarding process" isExecutable="true">
    <documentation>Onboards a contractor after a manager's approval.</documentation>
    <startEvent id="start" flowable:initiator="startUserId" flowable:formKey="contractorForm.xhtml">
      <extensionElements>
        <flowable:formProperty id="userName" name="User name" type="string" required="true"/>
        <flowable:formProperty id="startDate" name="Start date" type="date" datePattern="dd-MM-yyyy"/>
        <flowable:formProperty id="provisionToXML" name="Create in CSV file" type="boolean" default="false"/>
      </extensionElements>
    </startEvent>
    <sequenceFlow id="toApproval" sourceRef="start" targetRef="decideApprovalTask"/>
    <userTask id="decideApprovalTask" name="Approve Contractor" flowable:candidateGroups="manager" flowable:formKey="decide.xhtml">
      <extensionElements>
        <flowable:formProperty id="decision" name="Decision" type="enum" required="true">
          <flowable:value id="accept" name="Accept"/>
          <flowable:value id="reject" name="Reject"/>
        </flowable:formProperty>
      </extensionElements>
    </userTask>
    <sequenceFlow id="toDecision" sourceRef="decideApprovalTask" targetRef="decision"/>
    <exclusiveGateway id="decision"/>
    <sequenceFlow id="accepted" sourceRef="decision" targetRef="approved">
      <conditionExpression xsi:type="tFormalExpression">\${decision=='accept'}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="rejected" sourceRef="decision" targetRef="rejectedEnd">
      <conditionExpression xsi:type="tFormalExpression">\${decision=='reject'}</conditionExpression>
    </sequenceFlow>
    <endEvent id="approved"/>
    <endEvent id="rejectedEnd"/>
  </process>
</definitions>
`;

const SEND_TASK = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="Examples">
  <process id="badgeRequest" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
    <sendTask id="notify" name="Notify security"/>
    <sequenceFlow id="f2" sourceRef="notify" targetRef="end"/>
  </process>
</definitions>
`;

describe.each(testStores())('IDM models and process definitions on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;

  async function call(
    method: string,
    path: string,
    opts: {
      body?: unknown;
      headers?: Record<string, string>;
      user?: Record<string, string> | null;
      module?: typeof apiModule;
    } = {},
  ) {
    const headers: Record<string, string> = { ...(opts.user === null ? {} : (opts.user ?? ADMIN)), ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const req = new Request(`${BASE}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(opts.module ?? apiModule, req, res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  }

  async function createModel(body: Record<string, unknown>) {
    const r = await call('POST', '/openidm/workflow/model', { body });
    expect(r.status).toBe(201);
    return r.json as { _id: string; _rev: string; key: string };
  }
  async function deploy(id: string) {
    return call('POST', `/openidm/workflow/model/${id}?_action=deploy`);
  }

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({ store: store.db, apis: [apiModule], config, jobs: { start: false }, docs: false });
    await app.ready;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('refuses requests without or with wrong credentials (401 CREST body)', async () => {
    const none = await call('GET', '/openidm/workflow/model?_queryFilter=true', { user: null });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ code: 401, reason: 'Unauthorized', message: 'Access Denied' });
    const wrong = await call('GET', '/openidm/workflow/processdefinition?_queryFilter=true', {
      user: { 'X-OpenIDM-Username': 'bob', 'X-OpenIDM-Password': 'nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('validates a create without _action as create: a model needs a name (400, nothing stored)', async () => {
    const before = await call('GET', '/openidm/workflow/model?_queryFilter=true');
    const r = await call('POST', '/openidm/workflow/model', { body: { bpmnXML: '<definitions/>' } });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 400, reason: 'Bad Request' });
    expect(r.json.message).toContain('name');
    const after = await call('GET', '/openidm/workflow/model?_queryFilter=true');
    expect(after.json.resultCount).toBe(before.json.resultCount);
  });

  it('creates a template model when bpmnXML is absent, and deploys it', async () => {
    const r = await call('POST', '/openidm/workflow/model', { body: { name: 'Badge request' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/openidm/workflow/model/${r.json._id}`);
    expect(r.json).toMatchObject({
      _rev: '1',
      key: 'badgeRequest',
      name: 'Badge request',
      category: 'Examples',
      version: 1,
      deploymentId: null,
      description: null,
      resourceMap: {},
    });
    expect(Object.keys(r.json).slice(0, 2)).toEqual(['_id', '_rev']);
    expect(r.json.bpmnXML).toContain(`<userTask id="task" name="Badge request" flowable:assignee="\${startUserId}"/>`);
    const d = await deploy(r.json._id);
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({
      _id: r.json._id,
      duplicate: false,
      processDefinitionIds: [expect.stringMatching(/^badgeRequest:1:/)],
    });
  });

  it('validates BPMN with every problem: element id, line and message', async () => {
    const r = await call('POST', '/openidm/workflow/model?_action=validate_bpmn', { body: { bpmnXML: SEND_TASK } });
    expect(r.status).toBe(200);
    expect(r.json.valid).toBe(false);
    const notify = r.json.problems.find((p: { elementId: string }) => p.elementId === 'notify');
    expect(notify).toMatchObject({ severity: 'error', line: 6, rule: 'unsupported-element' });
    expect(notify.message).toMatch(/sendTask/i);
    const ok = await call('POST', '/openidm/workflow/model?_action=validate_bpmn', { body: { bpmnXML: CONTRACTOR } });
    expect(ok.json.valid).toBe(true);
    const broken = await call('POST', '/openidm/workflow/model?_action=validate_bpmn', {
      body: { bpmnXML: '<definitions' },
    });
    expect(broken.json.valid).toBe(false);
    expect(broken.json.problems.length).toBeGreaterThan(0);
    expect(broken.json.problems[0].rule).toBe('xml');
    const badCondition = await call('POST', '/openidm/workflow/model?_action=validate_bpmn', {
      body: { bpmnXML: CONTRACTOR.replace("=='accept'}", "=='accept' &&}") },
    });
    expect(badCondition.json.valid).toBe(false);
    expect(badCondition.json.problems).toContainEqual(
      expect.objectContaining({ elementId: 'accepted', rule: 'expression', line: expect.any(Number) }),
    );
  });

  it('refuses to deploy a model whose BPMN has errors, listing them in detail.problems', async () => {
    const m = await createModel({ name: 'Broken', bpmnXML: SEND_TASK });
    const r = await deploy(m._id);
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/^The model's BPMN has \d+ errors?\.$/);
    expect(r.json.detail.problems.some((p: { elementId: string }) => p.elementId === 'notify')).toBe(true);
  });

  let contractorModel: { _id: string; _rev: string };
  let v1: string;

  it('deploys a model; deploying it unchanged returns the existing definition ids', async () => {
    contractorModel = await createModel({
      name: 'Contractor onboarding',
      description: 'Contractor onboarding with manager approval.',
      bpmnXML: CONTRACTOR,
      resourceMap: { 'contractorForm.xhtml': '<div>form</div>', 'decide.xhtml': '<div>decide</div>' },
    });
    const first = await deploy(contractorModel._id);
    expect(first.json.duplicate).toBe(false);
    [v1] = first.json.processDefinitionIds;
    expect(v1).toMatch(/^contractorOnboarding:1:/);
    const again = await deploy(contractorModel._id);
    expect(again.json).toEqual({ ...first.json, duplicate: true });
    const read = await call('GET', `/openidm/workflow/model/${contractorModel._id}`);
    expect(read.json.deploymentId).toBe(first.json.deploymentId);
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it('answers the seed-001 curl call listing the defined workflows', async () => {
    // curl --header "X-OpenIDM-Username: openidm-admin" --header "X-OpenIDM-Password: openidm-admin"
    //   --header "Accept-API-Version: resource=1.0" --request GET
    //   "http://localhost:8080/openidm/workflow/processdefinition?_queryId=query-all-ids"
    const r = await call('GET', '/openidm/workflow/processdefinition?_queryId=query-all-ids', {
      headers: { 'Accept-API-Version': 'resource=1.0' },
    });
    expect(r.status).toBe(200);
    expect(r.json.result.map((d: { _id: string }) => d._id)).toContain(v1);
    expect(r.json).toMatchObject({
      pagedResultsCookie: null,
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
      remainingPagedResults: -1,
    });
    expect(r.json.resultCount).toBe(r.json.result.length);
  });

  it('updates a model with If-Match (412 on a stale revision), and deploys the change as version 2', async () => {
    const id = contractorModel._id;
    const body = {
      name: 'Contractor onboarding (v2)',
      bpmnXML: CONTRACTOR.replace('Approve Contractor', 'Approve the contractor'),
      resourceMap: { 'contractorForm.xhtml': '<div>form v2</div>' },
    };
    const stale = await call('PUT', `/openidm/workflow/model/${id}`, { body, headers: { 'If-Match': '"7"' } });
    expect(stale.status).toBe(412);
    expect(stale.json).toEqual({
      code: 412,
      reason: 'Precondition Failed',
      message: "Resource version '1' does not match the requested version '7'.",
    });
    const wrongId = await call('PUT', `/openidm/workflow/model/${id}`, { body: { ...body, _id: 'other' } });
    expect(wrongId.status).toBe(400);
    const ok = await call('PUT', `/openidm/workflow/model/${id}`, {
      body: { ...body, _id: id, _rev: '1' },
      headers: { 'If-Match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ _rev: '2', version: 2, name: 'Contractor onboarding (v2)', description: null });
    expect(ok.headers.get('etag')).toBe('"2"');
    const d = await deploy(id);
    expect(d.json.duplicate).toBe(false);
    expect(d.json.processDefinitionIds[0]).toMatch(/^contractorOnboarding:2:/);
    const list = await call('POST', `/openidm/workflow/model/${id}?_action=list_deployments`);
    expect(list.json._id).toBe(id);
    expect(list.json.deployments.map((x: { processDefinitionIds: string[] }) => x.processDefinitionIds[0])).toEqual([
      d.json.processDefinitionIds[0],
      v1,
    ]);
  });

  it('queries models with _queryFilter, _sortKeys, paging and _fields', async () => {
    const all = await call(
      'GET',
      '/openidm/workflow/model?_queryFilter=true&_sortKeys=name&_totalPagedResultsPolicy=EXACT',
    );
    expect(all.json.result.map((m: { name: string }) => m.name)).toEqual([
      'Badge request',
      'Broken',
      'Contractor onboarding (v2)',
    ]);
    expect(all.json.result[0].bpmnXML).toBeUndefined();
    expect(all.json).toMatchObject({ totalPagedResultsPolicy: 'EXACT', totalPagedResults: 3 });
    const byKey = await call(
      'GET',
      `/openidm/workflow/model?_queryFilter=${encodeURIComponent('key eq "contractorOnboarding"')}&_fields=name,bpmnXML`,
    );
    expect(byKey.json.result).toEqual([
      { _id: contractorModel._id, name: 'Contractor onboarding (v2)', bpmnXML: expect.stringContaining('<process') },
    ]);
    const page = await call('GET', '/openidm/workflow/model?_queryFilter=true&_sortKeys=-name&_pageSize=2');
    expect(page.json.resultCount).toBe(2);
    expect(page.json.pagedResultsCookie).toBe('2');
    const next = await call(
      'GET',
      `/openidm/workflow/model?_queryFilter=true&_sortKeys=-name&_pageSize=2&_pagedResultsCookie=${page.json.pagedResultsCookie}`,
    );
    expect(next.json.result.map((m: { name: string }) => m.name)).toEqual(['Badge request']);
    expect(next.json.pagedResultsCookie).toBeNull();
    const versions = await call(
      'GET',
      `/openidm/workflow/model?_queryFilter=${encodeURIComponent('version gt 1 or !(deploymentId pr)')}`,
    );
    expect(versions.json.result.map((m: { name: string }) => m.name).sort()).toEqual([
      'Broken',
      'Contractor onboarding (v2)',
    ]);
  });

  it('answers malformed queries with a 400 naming the problem', async () => {
    const bad = await call('GET', `/openidm/workflow/model?_queryFilter=${encodeURIComponent('name eq')}`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 400, reason: 'Bad Request' });
    expect(bad.json.message).toContain("Invalid _queryFilter 'name eq'");
    const sort = await call('GET', '/openidm/workflow/model?_queryFilter=true&_sortKeys=bpmnXML');
    expect(sort.status).toBe(400);
    expect(sort.json.message).toContain("Unsupported sort key 'bpmnXML'");
    const both = await call('GET', '/openidm/workflow/processdefinition?_queryFilter=true&_queryId=query-all-ids');
    expect(both.status).toBe(400);
    const neither = await call('GET', '/openidm/workflow/processdefinition');
    expect(neither.status).toBe(400);
  });

  it('queries process definitions with filtered-query parameters, _queryFilter, sort and count', async () => {
    const byKey = await call(
      'GET',
      '/openidm/workflow/processdefinition?_queryId=filtered-query&key=contractorOnboarding&_sortKeys=-version&_totalPagedResultsPolicy=EXACT',
    );
    expect(byKey.json.result.map((d: { version: number }) => d.version)).toEqual([2, 1]);
    expect(byKey.json).toMatchObject({ totalPagedResultsPolicy: 'EXACT', totalPagedResults: 2 });
    expect(byKey.json.result[1]).toMatchObject({
      _id: v1,
      _rev: '1',
      key: 'contractorOnboarding',
      name: 'Contractor onboarding process',
      category: 'Examples',
      description: "Onboards a contractor after a manager's approval.",
      resourceName: 'contractorOnboarding.bpmn20.xml',
      suspended: false,
      deleted: false,
      updated: false,
      tenantId: '',
    });
    const like = await call(
      'GET',
      '/openidm/workflow/processdefinition?_queryId=filtered-query&keyLike=contr%25&version=1',
    );
    expect(like.json.result.map((d: { _id: string }) => d._id)).toEqual([v1]);
    const others = await call(
      'GET',
      '/openidm/workflow/processdefinition?_queryId=filtered-query&nameLike=Contractor%25&category=Examples&processDefinitionResourceNameLike=%25.bpmn20.xml',
    );
    expect(others.json.resultCount).toBe(2);
    const none = await call('GET', '/openidm/workflow/processdefinition?_queryId=filtered-query&deploymentId=nope');
    expect(none.json.resultCount).toBe(0);
    const filter = await call(
      'GET',
      `/openidm/workflow/processdefinition?_queryFilter=${encodeURIComponent('key sw "badge" or (key eq "contractorOnboarding" and version ge 2)')}&_sortKeys=key&_fields=key,version`,
    );
    expect(filter.json.result.map((d: { key: string; version: number }) => `${d.key}:${d.version}`)).toEqual([
      'badgeRequest:1',
      'contractorOnboarding:2',
    ]);
    expect(Object.keys(filter.json.result[0])).toEqual(['_id', 'key', 'version']);
  });

  it('reads a process definition with its start form, and the form template from the deployment', async () => {
    const r = await call('GET', `/openidm/workflow/processdefinition/${v1}`);
    expect(r.status).toBe(200);
    expect(r.json.formResourceKey).toBe('contractorForm.xhtml');
    expect(r.json.formGenerationTemplate).toBe('<div>form</div>');
    expect(r.json.formProperties).toEqual([
      {
        _id: 'userName',
        defaultExpression: null,
        name: 'User name',
        readable: true,
        required: true,
        type: { name: 'string', values: null, datePattern: null },
        variableExpression: null,
        variableName: null,
        writable: true,
      },
      {
        _id: 'startDate',
        defaultExpression: null,
        name: 'Start date',
        readable: true,
        required: false,
        type: { name: 'date', values: null, datePattern: 'dd-MM-yyyy' },
        variableExpression: null,
        variableName: null,
        writable: true,
      },
      {
        _id: 'provisionToXML',
        defaultExpression: 'false',
        name: 'Create in CSV file',
        readable: true,
        required: false,
        type: { name: 'boolean', values: null, datePattern: null },
        variableExpression: null,
        variableName: null,
        writable: true,
      },
    ]);
    const withDiagram = await call('GET', `/openidm/workflow/processdefinition/${v1}?_fields=,diagram`);
    expect(withDiagram.json.formProperties).toHaveLength(3);
    // The fixture has no BPMNDI: the diagram is laid out automatically (a PNG, base64).
    expect(Buffer.from(withDiagram.json.diagram, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const missing = await call('GET', '/openidm/workflow/processdefinition/nope:1:1');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ code: 404, reason: 'Not Found', message: 'Not Found' });
  });

  it('lists and reads the user task definitions of a process definition', async () => {
    const q = await call('GET', `/openidm/workflow/processdefinition/${v1}/taskdefinition?_queryId=query-all-ids`);
    expect(q.json.result).toEqual([
      {
        _id: 'decideApprovalTask',
        assignee: null,
        category: null,
        dueDate: null,
        exclusive: true,
        formProperties: {
          deploymentId: expect.any(String),
          formKey: 'decide.xhtml',
          formPropertyHandlers: [
            {
              _id: 'decision',
              defaultExpression: null,
              name: 'Decision',
              readable: true,
              required: true,
              type: { name: 'enum', values: { accept: 'Accept', reject: 'Reject' }, datePattern: null },
              variableExpression: null,
              variableName: null,
              writable: true,
            },
          ],
        },
        formResourceKey: 'decide.xhtml',
        name: 'Approve Contractor',
        priority: null,
        taskCandidateGroup: ['manager'],
        taskCandidateUser: [],
      },
    ]);
    const f = await call(
      'GET',
      `/openidm/workflow/processdefinition/${v1}/taskdefinition?_queryFilter=${encodeURIComponent('taskCandidateGroup eq "manager"')}`,
    );
    expect(f.json.resultCount).toBe(1);
    const read = await call('GET', `/openidm/workflow/processdefinition/${v1}/taskdefinition/decideApprovalTask`);
    expect(read.json.formGenerationTemplate).toBe('<div>decide</div>');
    expect((await call('GET', `/openidm/workflow/processdefinition/${v1}/taskdefinition/start`)).status).toBe(404);
    expect(
      (await call('GET', '/openidm/workflow/processdefinition/nope:1:1/taskdefinition?_queryFilter=true')).status,
    ).toBe(404);
  });

  it('refuses to delete a definition with running instances (409), then deletes it with its deployment', async () => {
    const runtime = new Runtime({ db: store.db });
    const inst = await runtime.startInstance({ definitionId: v1, startUserId: 'openidm-admin' });
    expect(inst.ended).toBe(false);
    const busy = await call('DELETE', `/openidm/workflow/processdefinition/${v1}`);
    expect(busy.status).toBe(409);
    expect(busy.json).toEqual({
      code: 409,
      reason: 'Conflict',
      message: 'Cannot delete process definition with the running instances.',
    });
    await runtime.deleteInstance(inst.id);
    const ifMatch = await call('DELETE', `/openidm/workflow/processdefinition/${v1}`, {
      headers: { 'If-Match': '"3"' },
    });
    expect(ifMatch.status).toBe(412);
    const del = await call('DELETE', `/openidm/workflow/processdefinition/${v1}`, { headers: { 'If-Match': '*' } });
    expect(del.status).toBe(200);
    expect(del.json).toMatchObject({ _id: v1, deleted: true });
    expect((await call('GET', `/openidm/workflow/processdefinition/${v1}`)).status).toBe(404);
    const list = await call('POST', `/openidm/workflow/model/${contractorModel._id}?_action=list_deployments`);
    expect(list.json.deployments).toHaveLength(1);
  });

  it('deletes a model with If-Match; its process definitions stay', async () => {
    const m = await createModel({ name: 'Short lived' });
    const d = await deploy(m._id);
    expect((await call('DELETE', `/openidm/workflow/model/${m._id}`, { headers: { 'If-Match': '2' } })).status).toBe(
      412,
    );
    const del = await call('DELETE', `/openidm/workflow/model/${m._id}`, { headers: { 'If-Match': '1' } });
    expect(del.status).toBe(200);
    expect(del.json.name).toBe('Short lived');
    expect((await call('GET', `/openidm/workflow/model/${m._id}`)).status).toBe(404);
    expect((await call('GET', `/openidm/workflow/processdefinition/${d.json.processDefinitionIds[0]}`)).status).toBe(
      200,
    );
    expect(
      (await call('PUT', '/openidm/workflow/model/nope', { body: { name: 'x', bpmnXML: CONTRACTOR } })).status,
    ).toBe(404);
  });

  it('lets only the admin manage models and delete definitions; others see the definitions they may start', async () => {
    const models = await call('GET', '/openidm/workflow/model?_queryFilter=true', { user: BOB });
    expect(models.status).toBe(403);
    expect(models.json).toEqual({ code: 403, reason: 'Forbidden', message: 'Access denied' });
    const defs = await call('GET', '/openidm/workflow/processdefinition?_queryFilter=true', { user: BOB });
    expect(defs.status).toBe(200);
    expect(defs.json.resultCount).toBeGreaterThan(0);
    const empDefs = await call('GET', '/openidm/workflow/processdefinition?_queryFilter=true', { user: EMP });
    expect(empDefs.json.resultCount).toBe(0);
    const someId = defs.json.result[0]._id;
    expect((await call('GET', `/openidm/workflow/processdefinition/${someId}`, { user: EMP })).status).toBe(403);
    expect((await call('DELETE', `/openidm/workflow/processdefinition/${someId}`, { user: BOB })).status).toBe(403);
  });

  it('applies configured process-access rules', async () => {
    const restricted = createIdmApiModule({
      processAccess: [{ property: 'name', matches: 'Contractor onboarding process', requiresRole: 'employee' }],
    });
    const other = createApp({ store: store.db, apis: [restricted], config, jobs: { start: false }, docs: false });
    await other.ready;
    const res = await other.fetch(
      new Request(`${BASE}/openidm/workflow/processdefinition?_queryFilter=true`, { headers: EMP }),
    );
    const body = await res.json();
    expect(body.result.map((d: { key: string }) => d.key)).toEqual(['contractorOnboarding']);
    const bob = await other.fetch(
      new Request(`${BASE}/openidm/workflow/processdefinition?_queryFilter=true&_totalPagedResultsPolicy=EXACT`, {
        headers: BOB,
      }),
    );
    expect(await bob.json()).toMatchObject({ resultCount: 0, totalPagedResults: 0 });
    await other.close();
  });
});
