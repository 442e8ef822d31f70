import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdmApiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { TestClock } from '../../src/runtime/clock.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { fixture } from '../helpers/bpmn.js';

const BASE = 'http://localhost:8080';
const config = parseConfig({
  WFKIT_IDM_USERS:
    'openidm-admin:openidm-admin:openidm-admin,manager1:m1pw:manager|openidm-authorized,manager2:m2pw:manager|openidm-authorized,emp:emppw:employee,bob:bobpw',
});
/** The curl examples' headers, verbatim. */
const CURL = {
  'X-OpenIDM-Username': 'openidm-admin',
  'X-OpenIDM-Password': 'openidm-admin',
  'Accept-API-Version': 'resource=1.0',
};
const M1 = { 'X-OpenIDM-Username': 'manager1', 'X-OpenIDM-Password': 'm1pw' };
const M2 = { 'X-OpenIDM-Username': 'manager2', 'X-OpenIDM-Password': 'm2pw' };
const EMP = { 'X-OpenIDM-Username': 'emp', 'X-OpenIDM-Password': 'emppw' };
const BOB = { 'X-OpenIDM-Username': 'bob', 'X-OpenIDM-Password': 'bobpw' };

const MY_WORKFLOW = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn" targetNamespace="Examples">
  <process id="myWorkflow" name="My workflow" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <serviceTask id="work" flowable:expression="\${'done'}" flowable:resultVariable="result"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

const idmModule = createIdmApiModule({
  processAccess: [
    { property: 'name', matches: 'Contractor onboarding process', requiresRole: 'employee' },
    { property: '_id', matches: '.*', requiresRole: 'openidm-admin' },
  ],
});

describe.each(testStores())('IDM process instances and tasks on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;

  async function call(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; user?: Record<string, string>; raw?: string } = {},
  ) {
    const headers: Record<string, string> = { ...(opts.user ?? CURL), ...opts.headers };
    const body = opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const req = new Request(`${BASE}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const res = await app.fetch(req);
    await expectMatchesSpec(idmModule, req, res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  }

  async function deploy(xml: string, name?: string) {
    const m = await call('POST', '/openidm/workflow/model', { body: { name: name ?? 'model', bpmnXML: xml } });
    expect(m.status).toBe(201);
    const d = await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
    expect(d.status).toBe(200);
    return d.json.processDefinitionIds as string[];
  }

  async function startContractor(extra: Record<string, unknown> = {}, user: Record<string, string> = CURL) {
    return call('POST', '/openidm/workflow/processinstance?_action=create', {
      user,
      body: { _key: 'contractorOnboarding', givenName: 'Barbara', sn: 'Jensen', userName: 'bjensen', ...extra },
    });
  }

  async function openTask(instanceId: string) {
    const q = await call(
      'GET',
      `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${instanceId}`,
    );
    expect(q.status).toBe(200);
    return q.json.result[0] as { _id: string; assignee: string | null; name: string };
  }

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({ store: store.db, apis: [idmModule], config, jobs: { start: false }, docs: false });
    await app.ready;
    await deploy(fixture('contractorOnboarding.bpmn20.xml'));
    await deploy(MY_WORKFLOW);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('replays seed 001: lists definitions with query-all-ids and starts contractorOnboarding with foo=bar', async () => {
    const list = await call('GET', '/openidm/workflow/processdefinition?_queryId=query-all-ids');
    expect(list.status).toBe(200);
    expect(list.json.result.map((d: { _id: string }) => d._id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^contractorOnboarding:1:/),
        expect.stringMatching(/^myWorkflow:1:/),
      ]),
    );
    expect(list.json).toMatchObject({
      pagedResultsCookie: null,
      totalPagedResultsPolicy: 'NONE',
      totalPagedResults: -1,
    });
    const r = await call('POST', '/openidm/workflow/processinstance?_action=create', {
      raw: '{\n  "_key":"contractorOnboarding",\n  "foo":"bar"\n}',
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      _id: r.json._id,
      businessKey: null,
      processDefinitionId: expect.stringMatching(/^contractorOnboarding:1:/),
      processInstanceId: r.json._id,
      status: 'suspended',
    });
    expect(r.headers.get('location')).toBe(`/openidm/workflow/processinstance/${r.json._id}`);
    const read = await call('GET', `/openidm/workflow/processinstance/${r.json._id}`);
    expect(read.json.processVariables).toMatchObject({ foo: 'bar', startUserId: 'openidm-admin' });
    expect(read.json.tasks).toHaveLength(1);
  });

  it('replays seed 002: starts myWorkflow by _key, and with _businessKey newOrder', async () => {
    const a = await call('POST', '/openidm/workflow/processinstance?_action=create', { raw: '{"_key":"myWorkflow"}' });
    expect(a.status).toBe(201);
    expect(a.json.status).toBe('ended');
    const b = await call('POST', '/openidm/workflow/processinstance?_action=create', {
      raw: '{"_key":"myWorkflow", "_businessKey":"newOrder"}',
    });
    expect(b.status).toBe(201);
    expect(b.json).toMatchObject({ businessKey: 'newOrder', status: 'ended' });
    const q = await call(
      'GET',
      '/openidm/workflow/processinstance/history?_queryId=filtered-query&processInstanceBusinessKey=newOrder',
    );
    expect(q.json.result.map((x: { _id: string }) => x._id)).toEqual([b.json._id]);
    expect(q.json.result[0].processVariables).toEqual({ result: 'done' });
  });

  it('prefers _processDefinitionId over _key and answers 404 for an unknown key', async () => {
    const defs = await call('GET', '/openidm/workflow/processdefinition?_queryId=filtered-query&key=myWorkflow');
    const r = await call('POST', '/openidm/workflow/processinstance?_action=create', {
      body: { _key: 'contractorOnboarding', _processDefinitionId: defs.json.result[0]._id },
    });
    expect(r.json.processDefinitionId).toBe(defs.json.result[0]._id);
    const missing = await call('POST', '/openidm/workflow/processinstance?_action=create', { body: { _key: 'nope' } });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 404, reason: 'Not Found' });
  });

  it('stores ISO date strings of the create body as dates', async () => {
    const r = await startContractor({ startDate: '2025-06-16T00:00:00.000Z' });
    const { rows } = await store.db.query("SELECT type FROM wf_variable WHERE scope_id = $1 AND name = 'startDate'", [
      r.json._id,
    ]);
    expect(rows[0]!.type).toBe('date');
  });

  it('runs contractor onboarding end to end as a manager: candidate query, claim, complete, history', async () => {
    const r = await startContractor({}, EMP);
    expect(r.status).toBe(201);
    const mine = await call('GET', '/openidm/workflow/taskinstance?_queryId=unassignedTaskQuery', { user: M1 });
    const task = mine.json.result.find((t: { processInstanceId: string }) => t.processInstanceId === r.json._id);
    expect(task).toMatchObject({ name: 'Approve Contractor', assignee: null, taskDefinitionKey: 'decideApprovalTask' });
    const read = await call('GET', `/openidm/workflow/taskinstance/${task._id}`, { user: M1 });
    expect(read.json.candidates).toEqual({ candidateUsers: [], candidateGroups: ['manager'] });
    expect(read.json.formProperties).toEqual([{ displayName: 'Barbara Jensen' }, { decision: null }]);
    expect(read.json.variables).toMatchObject({
      givenName: 'Barbara',
      displayName: 'Barbara Jensen',
      startUserId: 'emp',
    });
    const early = await call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=complete`, {
      user: M1,
      body: { decision: 'accept' },
    });
    expect(early.status).toBe(403);
    expect(early.json).toEqual({ code: 403, reason: 'Forbidden', message: 'Access denied' });
    const claim = await call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=claim`, {
      user: M1,
      body: { userId: 'manager1' },
    });
    expect(claim.json).toEqual({ 'Task action performed': 'claim' });
    const steal = await call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=claim`, {
      body: { userId: 'manager2' },
    });
    expect(steal.status).toBe(409);
    const done = await call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=complete`, {
      user: M1,
      body: { decision: 'accept' },
    });
    expect(done.json).toEqual({ 'Task action performed': 'complete' });
    expect((await call('GET', `/openidm/workflow/processinstance/${r.json._id}`)).status).toBe(404);
    const hi = await call('GET', `/openidm/workflow/processinstance/history/${r.json._id}`);
    expect(hi.json).toMatchObject({
      processDefinitionKey: 'contractorOnboarding',
      startUserId: 'emp',
      endActivityId: 'end',
      deleteReason: null,
      processVariables: { decision: 'accept', outcome: 'created bjensen', notice: 'BARBARA JENSEN' },
    });
    expect(typeof hi.json.durationInMillis).toBe('number');
    expect(hi.json.tasks[0]).toMatchObject({ assignee: 'manager1', taskDefinitionKey: 'decideApprovalTask' });
    const th = await call(
      'GET',
      `/openidm/workflow/taskinstance/history?_queryId=filtered-query&processInstanceId=${r.json._id}&finished=true`,
    );
    expect(th.json.result).toHaveLength(1);
    expect(th.json.result[0].endTime).not.toBeNull();
  });

  it('binds authenticatedUserId in expressions to the caller of each command, as Flowable does', async () => {
    await deploy(`<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn" targetNamespace="Examples">
  <process id="whoCalls" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="atStart"/>
    <serviceTask id="atStart" flowable:expression="\${execution.setVariable('starter', authenticatedUserId)}"/>
    <sequenceFlow id="f2" sourceRef="atStart" targetRef="work"/>
    <userTask id="work" flowable:assignee="manager1"/><sequenceFlow id="f3" sourceRef="work" targetRef="afterTask"/>
    <serviceTask id="afterTask" flowable:expression="\${authenticatedUserId}" flowable:resultVariable="completer"/>
    <sequenceFlow id="f4" sourceRef="afterTask" targetRef="wait"/><receiveTask id="wait"/>
    <sequenceFlow id="f5" sourceRef="wait" targetRef="end"/><endEvent id="end"/>
  </process>
</definitions>`);
    const r = await call('POST', '/openidm/workflow/processinstance?_action=create', { body: { _key: 'whoCalls' } });
    expect(r.status).toBe(201);
    const task = await openTask(r.json._id);
    const done = await call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=complete`, {
      user: M1,
      body: {},
    });
    expect(done.status).toBe(200);
    const history = await call('GET', `/openidm/workflow/processinstance/history/${r.json._id}`);
    expect(history.json.processVariables).toMatchObject({ starter: 'openidm-admin', completer: 'manager1' });
  });

  it('lets a non-candidate neither see nor claim a task, and a user not allowed by process-access not start', async () => {
    const r = await startContractor();
    const task = await openTask(r.json._id);
    expect((await call('GET', `/openidm/workflow/taskinstance/${task._id}`, { user: BOB })).status).toBe(403);
    const claim = await call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=claim`, {
      user: BOB,
      body: { userId: 'bob' },
    });
    expect(claim.status).toBe(403);
    const start = await startContractor({}, BOB);
    expect(start.status).toBe(403);
    expect(start.json.message).toBe('Access denied');
    const list = await call('GET', '/openidm/workflow/taskinstance?_queryFilter=true', { user: BOB });
    expect(list.json.result).toEqual([]);
  });

  it('completes a task once when two completes race: the other gets a 404', async () => {
    const r = await startContractor();
    const task = await openTask(r.json._id);
    const [a, b] = await Promise.all([
      call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=complete`, { body: { decision: 'reject' } }),
      call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=complete`, { body: { decision: 'accept' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 404]);
    const hi = await call('GET', `/openidm/workflow/processinstance/history/${r.json._id}`);
    expect(hi.json.tasks).toHaveLength(1);
    expect(['rejected', 'created bjensen']).toContain(hi.json.processVariables.outcome);
  });

  it('filters, sorts, pages and projects task and instance queries', async () => {
    const a = await startContractor({ tag: 'q1' });
    const b = await startContractor({ tag: 'q2' });
    const byVar = await call('GET', '/openidm/workflow/processinstance?_queryId=filtered-query&var-tag=q2');
    expect(byVar.json.result.map((x: { _id: string }) => x._id)).toEqual([b.json._id]);
    const page = await call(
      'GET',
      '/openidm/workflow/taskinstance?_queryFilter=processVariables/tag sw "q"&_sortKeys=-createTime&_pageSize=1&_totalPagedResultsPolicy=EXACT&_fields=processInstanceId',
    );
    expect(page.json.result).toEqual([{ _id: expect.any(String), processInstanceId: b.json._id }]);
    expect(page.json).toMatchObject({ resultCount: 1, pagedResultsCookie: '1', totalPagedResults: 2 });
    const next = await call(
      'GET',
      '/openidm/workflow/taskinstance?_queryFilter=processVariables/tag sw "q"&_sortKeys=-createTime&_pageSize=1&_pagedResultsOffset=1&_fields=processInstanceId',
    );
    expect(next.json.result[0].processInstanceId).toBe(a.json._id);
    const groups = await call(
      'GET',
      '/openidm/workflow/taskinstance?_queryId=filtered-query&taskCandidateGroup=hr,manager',
    );
    expect(groups.json.resultCount).toBeGreaterThanOrEqual(2);
    const bad = await call('GET', '/openidm/workflow/taskinstance?_queryId=nope');
    expect(bad.status).toBe(400);
    const badSort = await call('GET', '/openidm/workflow/processinstance?_queryFilter=true&_sortKeys=foo');
    expect(badSort.status).toBe(400);
  });

  it('updates a task with PUT and If-Match, refuses deleting a process task', async () => {
    const r = await startContractor();
    const task = await openTask(r.json._id);
    const put = await call('PUT', `/openidm/workflow/taskinstance/${task._id}`, {
      headers: { 'If-Match': '*' },
      body: { assignee: 'manager2', description: 'Please check' },
    });
    expect(put.json).toEqual({ 'Task updated': task._id });
    const read = await call('GET', `/openidm/workflow/taskinstance/${task._id}`, { user: M2 });
    expect(read.json).toMatchObject({ assignee: 'manager2', description: 'Please check', _rev: '2' });
    const stale = await call('PUT', `/openidm/workflow/taskinstance/${task._id}`, {
      headers: { 'If-Match': '"1"' },
      body: { name: 'x' },
    });
    expect(stale.status).toBe(412);
    const del = await call('DELETE', `/openidm/workflow/taskinstance/${task._id}`);
    expect(del.status).toBe(409);
  });

  it('validates and migrates a running instance to a new version, mapping a renamed task', async () => {
    const r = await startContractor({ tag: 'mig' });
    const v2 = fixture('contractorOnboarding.bpmn20.xml').split('decideApprovalTask').join('approveContractor');
    const [v2id] = await deploy(v2, 'v2');
    const check = await call('POST', `/openidm/workflow/processinstance/${r.json._id}?_action=validateMigration`, {
      body: { processDefinitionId: v2id },
    });
    expect(check.json.migrationValid).toBe(false);
    expect(check.json.validationMessages[0]).toMatch(/Activity 'decideApprovalTask' does not exist in the new model/);
    const refused = await call('POST', `/openidm/workflow/processinstance/${r.json._id}?_action=migrate`, {
      body: { processDefinitionId: v2id },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.detail.validationMessages).toHaveLength(1);
    const body = {
      processDefinitionId: v2id,
      variables: { migratedBy: 'openidm-admin' },
      fromActivityIdMap: { decideApprovalTask: { toActivityId: 'approveContractor', localVariables: {} } },
    };
    const ok = await call('POST', `/openidm/workflow/processinstance/${r.json._id}?_action=validateMigration`, {
      body,
    });
    expect(ok.json).toEqual({ migrationValid: true, validationMessages: [] });
    const mig = await call('POST', `/openidm/workflow/processinstance/${r.json._id}?_action=migrate`, { body });
    expect(mig.json).toEqual({ 'Successfully migrated process instance': r.json._id });
    const task = await openTask(r.json._id);
    const read = await call('GET', `/openidm/workflow/taskinstance/${task._id}`);
    expect(read.json).toMatchObject({ taskDefinitionKey: 'approveContractor', processDefinitionId: v2id });
    await call('POST', `/openidm/workflow/taskinstance/${task._id}?_action=complete`, { body: { decision: 'reject' } });
    const hi = await call('GET', `/openidm/workflow/processinstance/history/${r.json._id}`);
    expect(hi.json).toMatchObject({
      processDefinitionId: v2id,
      processVariables: { migratedBy: 'openidm-admin', outcome: 'rejected' },
    });
    const again = await call('POST', `/openidm/workflow/processinstance/${r.json._id}?_action=migrate`, { body: {} });
    expect(again.status).toBe(404);
  });

  it('deletes a running process instance with the IDM delete reason', async () => {
    const r = await startContractor();
    const del = await call('DELETE', `/openidm/workflow/processinstance/${r.json._id}`);
    expect(del.status).toBe(200);
    expect(del.json).toMatchObject({ _id: r.json._id, deleteReason: 'Deleted by IDM.', deleted: true });
    expect((await call('DELETE', `/openidm/workflow/processinstance/${r.json._id}`)).status).toBe(404);
    const asManager = await call('DELETE', `/openidm/workflow/processinstance/${r.json._id}`, { user: M1 });
    expect(asManager.status).toBe(403);
  });
});

describe.each(testStores())('IDM executions and timers on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;
  const clock = new TestClock(new Date('2026-03-01T08:00:00Z'));
  const WAITS = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="x">
  <message id="m" name="paid"/><signal id="s" name="go"/>
  <process id="waits" name="Waits" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="recv"/>
    <receiveTask id="recv"/><sequenceFlow id="f2" sourceRef="recv" targetRef="msg"/>
    <intermediateCatchEvent id="msg"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="msg" targetRef="sig"/>
    <intermediateCatchEvent id="sig"><signalEventDefinition signalRef="s"/></intermediateCatchEvent>
    <sequenceFlow id="f4" sourceRef="sig" targetRef="timer"/>
    <intermediateCatchEvent id="timer"><timerEventDefinition><timeDuration>PT5M</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f5" sourceRef="timer" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

  async function call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { ...CURL };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const req = new Request(`${BASE}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(idmModule, req, res);
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }
  const activityOf = async (id: string) =>
    (await call('GET', `/openidm/workflow/execution?_queryId=filtered-query&processInstanceId=${id}`)).json.result
      .map((e: { activityId: string | null }) => e.activityId)
      .filter(Boolean);

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({ store: store.db, apis: [idmModule], config, clock, jobs: { start: false }, docs: false });
    await app.ready;
    const m = await call('POST', '/openidm/workflow/model', { name: 'Waits', bpmnXML: WAITS });
    await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('triggers a receive task, delivers a message (sync) and a signal (queued), then fires the timer job', async () => {
    const r = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'waits' });
    const id = r.json._id as string;
    const execs = await call(
      'GET',
      `/openidm/workflow/execution?_queryId=filtered-query&processInstanceId=${id}&activityId=recv`,
    );
    const recv = execs.json.result[0]._id;
    const t = await call('POST', '/openidm/workflow/execution?_action=trigger', {
      executionId: recv,
      transientVariables: { x: 1 },
    });
    expect(t.json).toEqual({ 'Execution action performed': 'trigger', synchronous: true });
    expect(await activityOf(id)).toEqual(['msg']);
    const wrong = await call('POST', '/openidm/workflow/execution?_action=message', {
      messageName: 'nope',
      executionId: recv,
    });
    expect(wrong.status).toBe(404);
    const msgExec = (await call('GET', `/openidm/workflow/execution?_queryId=filtered-query&messageName=paid`)).json
      .result[0]._id;
    const m = await call('POST', '/openidm/workflow/execution?_action=message', {
      messageName: 'paid',
      executionId: msgExec,
      processVariables: { amount: 10 },
    });
    expect(m.json).toEqual({ 'Execution action performed': 'message', synchronous: true });
    expect(await activityOf(id)).toEqual(['sig']);
    const s = await call('POST', '/openidm/workflow/execution?_action=signal', { signalName: 'go' });
    expect(s.json).toEqual({ 'Execution action performed': 'signal', synchronous: false });
    await app.runDueJobs();
    expect(await activityOf(id)).toEqual(['timer']);
    await app.runDueJobs();
    expect(await activityOf(id)).toEqual(['timer']);
    clock.advance(5 * 60 * 1000 + 1);
    await app.runDueJobs();
    const hi = await call('GET', `/openidm/workflow/processinstance/history/${id}`);
    expect(hi.json.endTime).not.toBeNull();
    expect(hi.json.processVariables).toEqual({ amount: 10 });
  });

  it('lists a failing async job, retries it into the dead letters and executes it again', async () => {
    const FAILS = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn" targetNamespace="x">
  <process id="fails" name="Fails" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="s"/>
    <scriptTask id="s" scriptFormat="javascript" flowable:async="true" flowable:failedJobRetryTimeCycle="R2/PT1M"><script>if (!execution.getVariable('ok')) throw new Error('boom'); execution.setVariable('done', true);</script></scriptTask>
    <sequenceFlow id="f2" sourceRef="s" targetRef="end"/><endEvent id="end"/>
  </process>
</definitions>`;
    const m = await call('POST', '/openidm/workflow/model', { name: 'Fails', bpmnXML: FAILS });
    await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
    const r = await call('POST', '/openidm/workflow/processinstance?_action=create', { _key: 'fails' });
    expect(r.json.status).toBe('suspended');
    const jobs = await call('GET', `/openidm/workflow/job?_queryId=filtered-query&processInstanceId=${r.json._id}`);
    expect(jobs.json.result).toHaveLength(1);
    const job = jobs.json.result[0];
    expect(job).toMatchObject({ jobType: 'message', elementId: 's', retries: 2, exceptionMessage: null });
    const ex = await call('POST', `/openidm/workflow/job/${job._id}?_action=execute`);
    expect(ex.status).toBe(500);
    expect(ex.json.message).toMatch(/boom/);
    const st = await call('POST', `/openidm/workflow/job/${job._id}?_action=stacktrace`);
    expect(st.json.stacktrace).toMatch(
      /^Script task 's' failed at line 1: Error: boom\n {4}at script \(line 1\)\n {4}at scriptTask 's'/,
    );
    expect((await call('POST', `/openidm/workflow/job/${job._id}?_action=execute`)).status).toBe(500);
    expect((await call('GET', `/openidm/workflow/job/${job._id}`)).status).toBe(404);
    const dead = await call('GET', '/openidm/workflow/job/deadletter?_queryFilter=true');
    expect(dead.json.result.map((d: { _id: string }) => d._id)).toContain(job._id);
    const pi = await call(
      'GET',
      `/openidm/workflow/execution?_queryId=filtered-query&processInstanceId=${r.json._id}&activityId=s`,
    );
    expect(pi.json.resultCount).toBe(1);
    expect((await call('GET', `/openidm/workflow/job/deadletter/${job._id}`)).json.exceptionMessage).toMatch(/boom/);
    // fix the cause (the script reads `ok`), then run the dead letter again: it succeeds and the process ends
    await store.db.query(
      "INSERT INTO wf_variable (instance_id, scope_id, name, type, value) VALUES ($1, $1, 'ok', 'boolean', 'true'::jsonb)",
      [r.json._id],
    );
    const again = await call('POST', `/openidm/workflow/job/deadletter/${job._id}?_action=execute`);
    expect(again.json).toEqual({ 'Successfully executed dead letter job': job._id });
    const hi = await call('GET', `/openidm/workflow/processinstance/history/${r.json._id}`);
    expect(hi.json.endTime).not.toBeNull();
    expect(hi.json.processVariables).toMatchObject({ done: true });
    expect((await call('GET', `/openidm/workflow/job/deadletter/${job._id}`)).status).toBe(404);
  });
});
