/** An IDM app over a test store, with the calls the BPMN behaviour tests make (admin user, spec-checked answers). */
import { createIdmApiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { memoryLogger } from '../../src/logger.js';
import { TestClock } from '../../src/runtime/clock.js';
import type { TestStore, TestStoreFactory } from '../../src/store/test-stores.js';

const config = parseConfig({ WFKIT_IDM_USERS: 'openidm-admin:openidm-admin:openidm-admin' });
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const idmModule = createIdmApiModule();

export interface Answer {
  status: number;
  json: any;
}

export interface IdmHarness {
  app: WfkitApp;
  clock: TestClock;
  logs: ReturnType<typeof memoryLogger>;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Deploys BPMN through a model; answers the deploy call (200 with processDefinitionIds, or the error). */
  deploy(xml: string): Promise<Answer>;
  /** Deploys and expects success; the definition ids. */
  deployOk(xml: string): Promise<string[]>;
  start(key: string, variables?: Record<string, unknown>, businessKey?: string): Promise<Answer>;
  tasks(instanceId?: string): Promise<any[]>;
  complete(taskId: string, variables?: Record<string, unknown>): Promise<Answer>;
  instance(id: string): Promise<Answer>;
  variables(id: string): Promise<Record<string, unknown>>;
  executions(instanceId: string): Promise<any[]>;
  jobs(instanceId?: string): Promise<any[]>;
  /** Advances the clock and runs every job due by then (timers, async continuations). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function idmHarness(
  factory: TestStoreFactory,
  start = new Date('2026-01-05T09:00:00Z'),
): Promise<IdmHarness> {
  const store: TestStore = await factory.create();
  const clock = new TestClock(start);
  const logs = memoryLogger();
  const app = createApp({
    store: store.db,
    apis: [idmModule],
    config,
    clock,
    logger: logs,
    logRequests: false,
    jobs: { start: false },
    docs: false,
  });
  await app.ready;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { ...ADMIN, ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const req = new Request(`http://localhost${path}`, {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(idmModule, req, res);
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const h: IdmHarness = {
    app,
    clock,
    logs,
    call,
    async deploy(xml) {
      const m = await call('POST', '/openidm/workflow/model', { name: 'model', bpmnXML: xml });
      if (m.status !== 201) return m;
      return call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
    },
    async deployOk(xml) {
      const d = await h.deploy(xml);
      if (d.status !== 200) throw new Error(`deploy failed: ${JSON.stringify(d.json)}`);
      return d.json.processDefinitionIds;
    },
    start: (key, variables = {}, businessKey) =>
      call('POST', '/openidm/workflow/processinstance?_action=create', {
        _key: key,
        ...(businessKey ? { _businessKey: businessKey } : {}),
        ...variables,
      }),
    async tasks(instanceId) {
      const q = instanceId
        ? `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${instanceId}`
        : '/openidm/workflow/taskinstance?_queryFilter=true';
      const r = await call('GET', q);
      if (r.status !== 200) throw new Error(JSON.stringify(r.json));
      return r.json.result;
    },
    complete: (taskId, variables = {}) =>
      call('POST', `/openidm/workflow/taskinstance/${taskId}?_action=complete`, variables),
    instance: (id) => call('GET', `/openidm/workflow/processinstance/history/${id}`),
    async variables(id) {
      return (await h.instance(id)).json.processVariables;
    },
    async executions(instanceId) {
      const r = await call(
        'GET',
        `/openidm/workflow/execution?_queryId=filtered-query&processInstanceId=${instanceId}`,
      );
      if (r.status !== 200) throw new Error(JSON.stringify(r.json));
      return r.json.result;
    },
    async jobs(instanceId) {
      const r = await call(
        'GET',
        instanceId
          ? `/openidm/workflow/job?_queryId=filtered-query&processInstanceId=${instanceId}`
          : '/openidm/workflow/job?_queryFilter=true',
      );
      if (r.status !== 200) throw new Error(JSON.stringify(r.json));
      return r.json.result;
    },
    async advance(ms) {
      clock.advance(ms);
      await app.runDueJobs();
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
  return h;
}
