/**
 * Ownership (runtime/owner.ts, migration 060): with all four APIs on one server, each sees and changes only its own
 * processes; another API's id is a 404 in the asking API's own error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type WfkitApp } from '../src/app.js';
import { TestClock } from '../src/runtime/clock.js';
import { RuntimeError } from '../src/runtime/errors.js';
import { defaultIds } from '../src/runtime/ids.js';
import { type TestStore, testStores } from '../src/store/test-stores.js';

const IDM = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const IGA = { authorization: 'Bearer wfkit-dev-iga-token' };
const FLOW = { api_key: 'wfkit-dev-flow-api-key', 'X-Frankie-CustomerID': '5a1f6c2e-3b4d-4e8f-9a0b-7c6d5e4f3a21' };
const WF = '/openidm/workflow';

const IDM_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="idmOwned" name="IDM owned" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <userTask id="review" name="Review"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

describe.each(testStores())('ownership across the four APIs on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;
  let clock: TestClock;

  async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await app.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: h,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const idm = (method: string, path: string, body?: unknown) => call(method, `${WF}${path}`, IDM, body);

  let igaRequest: any;
  let igaInstanceId: string;
  let flowExecutionId: string;
  let idmInstanceId: string;

  beforeAll(async () => {
    store = await factory.create();
    clock = new TestClock('2025-03-01T10:00:00.000Z');
    app = createApp({ store: store.db, clock, ids: defaultIds(clock), jobs: { start: false }, docs: false });
    await app.ready;
    // IGA: a request of a built-in type waits at its approval phase (its user and application are in IDM, as the
    // built-in's validation wants).
    for (const [path, body] of [
      ['managed/user/u-1', { userName: 'u-1', givenName: 'U', sn: 'One', mail: 'u-1@example.com' }],
      ['managed/application/app-1', { name: 'App 1' }],
    ] as const)
      expect((await call('PUT', `/openidm/${path}`, IDM, body)).status).toBe(201);
    const r = await call('POST', '/iga/governance/requests?_action=create', IGA, {
      users: ['u-1'],
      catalogs: [{ type: 'application', id: 'app-1' }],
      accessModifier: 'add',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    igaRequest = r.body.result[0];
    igaInstanceId = igaRequest.workflow.instanceId;
    // FLOW: an execution waiting ten minutes (a timer job).
    const put = await call('PUT', '/v2/workflowDefinitions/waits', FLOW, {
      name: 'waits',
      isDraft: false,
      tasks: [
        { id: 'pause', configuration: { type: 'WAIT', durationMs: 600_000 } },
        { id: 'after', dependsOn: ['pause'], configuration: { type: 'SET_VARIABLES', values: { done: true } } },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const x = await call('POST', '/v2/workflowDefinitions/waits/execute', FLOW, {});
    expect(x.status, JSON.stringify(x.body)).toBe(200);
    flowExecutionId = x.body.workflowExecution.workflowExecutionId;
    // IDM: one process of its own.
    const m = await idm('POST', '/model', { name: 'm', bpmnXML: IDM_PROCESS });
    expect(m.status).toBe(201);
    expect((await idm('POST', `/model/${m.body._id}?_action=deploy`)).status).toBe(200);
    const s = await idm('POST', '/processinstance?_action=create', { _key: 'idmOwned' });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    idmInstanceId = s.body._id;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const ids = (r: { body: { result: { _id: string }[] } }) => r.body.result.map((x) => x._id);

  it('IDM lists only IDM definitions, instances, tasks, executions, jobs and history', async () => {
    const defs = await idm('GET', '/processdefinition?_queryFilter=true');
    expect(defs.body.result.map((d: { key: string }) => d.key)).toEqual(['idmOwned']);
    const instances = await idm('GET', '/processinstance?_queryFilter=true');
    expect(ids(instances)).toEqual([idmInstanceId]);
    const history = await idm('GET', '/processinstance/history?_queryFilter=true');
    expect(ids(history)).toEqual([idmInstanceId]);
    const tasks = await idm('GET', '/taskinstance?_queryFilter=true');
    expect(tasks.body.result.map((t: { processInstanceId: string }) => t.processInstanceId)).toEqual([idmInstanceId]);
    const hiTasks = await idm('GET', '/taskinstance/history?_queryFilter=true');
    expect(hiTasks.body.result.every((t: { processInstanceId: string }) => t.processInstanceId === idmInstanceId)).toBe(
      true,
    );
    const executions = await idm('GET', '/execution?_queryFilter=true');
    expect(
      executions.body.result.every((e: { processInstanceId: string }) => e.processInstanceId === idmInstanceId),
    ).toBe(true);
    const jobs = await idm('GET', '/job?_queryFilter=true');
    expect(jobs.body.result).toEqual([]);
  });

  it("IDM can neither read nor change IGA's and FLOW's processes: each is a 404 in CREST's shape", async () => {
    const runtime = app.runtime();
    const foreignDefs = (
      await app
        .db()
        .query<{ id: string; owner_api: string }>(
          "SELECT id, owner_api FROM wf_definition WHERE owner_api <> 'idm' ORDER BY owner_api",
        )
    ).rows;
    expect(foreignDefs.map((d) => d.owner_api)).toEqual(['flow', 'iga']);
    for (const d of foreignDefs) {
      const read = await idm('GET', `/processdefinition/${encodeURIComponent(d.id)}`);
      expect(read.status).toBe(404);
      expect(read.body).toMatchObject({ code: 404 });
      expect((await idm('DELETE', `/processdefinition/${encodeURIComponent(d.id)}`)).status).toBe(404);
    }
    const igaTask = (await runtime.in(app.db()).definition(app.db(), foreignDefs[1]!.id))!;
    expect(igaTask.owner_api).toBe('iga');
    const [task] = (
      await app.db().query<{ id: string }>('SELECT id FROM wf_task WHERE instance_id = $1', [igaInstanceId])
    ).rows;
    expect((await idm('GET', `/taskinstance/${task!.id}`)).status).toBe(404);
    expect((await idm('POST', `/taskinstance/${task!.id}?_action=complete`, {})).status).toBe(404);
    expect((await idm('PUT', `/taskinstance/${task!.id}`, { assignee: 'x' })).status).toBe(404);
    expect((await idm('GET', `/processinstance/${igaInstanceId}`)).status).toBe(404);
    expect((await idm('DELETE', `/processinstance/${igaInstanceId}`)).status).toBe(404);
    const key = foreignDefs[1]!.id.split(':')[0];
    expect((await idm('POST', '/processinstance?_action=create', { _key: key })).status).toBe(404);
    const [job] = (await app.db().query<{ id: string }>("SELECT id FROM jobs WHERE owner_api = 'flow'")).rows;
    expect(job).toBeDefined();
    expect((await idm('GET', `/job/${job!.id}`)).status).toBe(404);
    expect((await idm('POST', `/job/${job!.id}?_action=execute`)).status).toBe(404);
    expect((await idm('DELETE', `/job/${job!.id}`)).status).toBe(404);
  });

  it('IGA and FLOW keep working after the IDM calls', async () => {
    const approve = await call(
      'POST',
      `/iga/governance/requests/${igaRequest.id}?_action=approve&phaseName=${igaRequest.decision.phases[0].name}`,
      IGA,
      { justification: 'ok' },
    );
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    expect(approve.body.decision).toMatchObject({ status: 'complete', decision: 'approved' });
    const before = await call('GET', `/v2/executions/${flowExecutionId}`, FLOW);
    expect(before.body.workflowExecution.workflowExecutionState).toBe('INPROGRESS');
    clock.advance(600_000);
    await app.runDueJobs();
    const after = await call('GET', `/v2/executions/${flowExecutionId}`, FLOW);
    expect(after.body.workflowExecution).toMatchObject({ workflowExecutionState: 'COMPLETED', state: { done: true } });
  });

  it("the runtime refuses another owner's ids to a scoped view, as not found", async () => {
    const db = app.db();
    const [idmTask] = (await db.query<{ id: string }>('SELECT id FROM wf_task WHERE instance_id = $1', [idmInstanceId]))
      .rows;
    for (const api of ['iga', 'flow']) {
      const rt = app.runtime().scoped({ api });
      const notFound = expect.objectContaining({ kind: 'not-found' });
      await expect(rt.completeTask(idmTask!.id)).rejects.toEqual(notFound);
      await expect(rt.claimTask(idmTask!.id, 'x')).rejects.toEqual(notFound);
      await expect(rt.deleteInstance(idmInstanceId)).rejects.toEqual(notFound);
      await expect(rt.setVariables(idmInstanceId, { a: 1 })).rejects.toEqual(notFound);
      await expect(rt.getVariables(idmInstanceId)).rejects.toBeInstanceOf(RuntimeError);
      await expect(rt.startInstance({ key: 'idmOwned' })).rejects.toEqual(notFound);
      expect(await rt.signalReceived('any')).toBe(0);
    }
    // The IDM task is untouched.
    const t = await idm('GET', `/taskinstance/${idmTask!.id}`);
    expect(t.status).toBe(200);
    expect(t.body.assignee).toBeNull();
  });

  it('versions count per owner: a key IDM deploys is not a new version of another API’s key', async () => {
    const rt = app.runtime();
    const graph = (await rt.scoped({ api: 'idm', tenant: '' }).latestDefinition(app.db(), 'idmOwned'))!.graph;
    const mine = await rt.scoped({ api: 'iga', tenant: '' }).deploy({ graphs: [graph] });
    expect(mine.definitions[0]).toMatchObject({ key: 'idmOwned', version: 1, owner_api: 'iga' });
    const defs = await idm('GET', '/processdefinition?_queryFilter=true');
    expect(defs.body.result.map((d: { version: number }) => d.version)).toEqual([1]);
  });
});
