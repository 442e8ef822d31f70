/** IDM task security on `PUT taskinstance/{id}`: who may change a task's assignee and owner. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdmApiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { jsonLogger } from '../../src/logger.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { fixture } from '../helpers/bpmn.js';

const config = parseConfig({
  WFKIT_IDM_USERS:
    'openidm-admin:openidm-admin:openidm-admin,manager1:m1pw:manager|openidm-authorized,manager2:m2pw:manager|openidm-authorized,emp:emppw:employee',
});
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const M1 = { 'X-OpenIDM-Username': 'manager1', 'X-OpenIDM-Password': 'm1pw' };
const M2 = { 'X-OpenIDM-Username': 'manager2', 'X-OpenIDM-Password': 'm2pw' };
const idmModule = createIdmApiModule({
  processAccess: [{ property: '_id', matches: '.*', requiresRole: 'openidm-authorized' }],
});

describe.each(testStores())('PUT taskinstance security on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;

  async function call(method: string, path: string, user: Record<string, string>, body?: unknown) {
    const headers: Record<string, string> = { ...user };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  /** A fresh contractor-onboarding approval task (candidate group `manager`), optionally claimed. */
  async function task(claimedBy?: Record<string, string>) {
    const start = await call('POST', '/openidm/workflow/processinstance?_action=create', ADMIN, {
      _key: 'contractorOnboarding',
      givenName: 'Barbara',
      sn: 'Jensen',
      userName: 'bjensen',
    });
    expect(start.json).toMatchObject({ _id: expect.any(String) });
    const q = await call(
      'GET',
      `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${start.json._id}`,
      ADMIN,
    );
    const id = q.json.result[0]._id as string;
    if (claimedBy) {
      const c = await call('POST', `/openidm/workflow/taskinstance/${id}?_action=claim`, claimedBy, {
        userId: claimedBy['X-OpenIDM-Username'],
      });
      expect(c.status).toBe(200);
    }
    return id;
  }

  const assigneeOf = async (id: string) => (await call('GET', `/openidm/workflow/taskinstance/${id}`, ADMIN)).json;

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({
      store: store.db,
      apis: [idmModule],
      config,
      jobs: { start: false },
      docs: false,
      logger: jsonLogger({ level: 'error' }),
    });
    await app.ready;
    const m = await call('POST', '/openidm/workflow/model', ADMIN, {
      name: 'contractor',
      bpmnXML: fixture('contractorOnboarding.bpmn20.xml'),
    });
    expect((await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`, ADMIN)).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('refuses a candidate taking or releasing a task another user has claimed (403), and keeps the assignee', async () => {
    const id = await task(M1);
    const take = await call('PUT', `/openidm/workflow/taskinstance/${id}`, M2, { assignee: 'manager2' });
    expect(take.status).toBe(403);
    expect(take.json).toMatchObject({ code: 403, reason: 'Forbidden' });
    const release = await call('PUT', `/openidm/workflow/taskinstance/${id}`, M2, { assignee: null });
    expect(release.status).toBe(403);
    const owner = await call('PUT', `/openidm/workflow/taskinstance/${id}`, M2, { owner: 'manager2' });
    expect(owner.status).toBe(403);
    expect(await assigneeOf(id)).toMatchObject({ assignee: 'manager1' });
  });

  it('lets the assignee hand the task on or release it, and an admin reassign it', async () => {
    const id = await task(M1);
    expect((await call('PUT', `/openidm/workflow/taskinstance/${id}`, M1, { assignee: 'manager2' })).status).toBe(200);
    expect(await assigneeOf(id)).toMatchObject({ assignee: 'manager2' });
    expect((await call('PUT', `/openidm/workflow/taskinstance/${id}`, M2, { assignee: null })).status).toBe(200);
    expect(await assigneeOf(id)).toMatchObject({ assignee: null });
    expect((await call('PUT', `/openidm/workflow/taskinstance/${id}`, ADMIN, { assignee: 'manager1' })).status).toBe(
      200,
    );
    expect(await assigneeOf(id)).toMatchObject({ assignee: 'manager1' });
  });

  it('lets a candidate take an unassigned task for themselves only', async () => {
    const id = await task();
    expect((await call('PUT', `/openidm/workflow/taskinstance/${id}`, M2, { assignee: 'manager1' })).status).toBe(403);
    expect((await call('PUT', `/openidm/workflow/taskinstance/${id}`, M2, { assignee: 'manager2' })).status).toBe(200);
    expect(await assigneeOf(id)).toMatchObject({ assignee: 'manager2' });
  });

  it('lets a non-assignee change fields other than assignee and owner only as before (name)', async () => {
    const id = await task(M1);
    const r = await call('PUT', `/openidm/workflow/taskinstance/${id}`, M1, { name: 'Renamed' });
    expect(r.status).toBe(200);
  });
});
