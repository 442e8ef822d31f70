import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clients, createClients, Recorder } from '../src/clients.js';
import { type EngineUnderTest, engineOperations, engineSupports, startEngineBehindProxies } from '../src/engine.js';
import { requestExample } from '../src/examples.js';
import { APIS, type Api } from '../src/spec.js';

// Ports from WFKIT_TEST_PORT_BASE (default 4700), so parallel runs on one machine can move out of each other's way.
const PORT_BASE = Number(process.env.WFKIT_TEST_PORT_BASE ?? 4700);

// Realistic scenarios through the SDKs against the reference engine behind Prism's validating proxy (--errors):
// any request or response that breaks its spec becomes an error answer, and the proxies must log no violation.
const NEEDS: Record<Api, string[]> = {
  kontent: ['addWorkflow', 'listWorkflows', 'updateWorkflow', 'deleteWorkflow'],
  iga: ['orchestrationDefinitionAction', 'readOrchestrationDraft', 'readOrchestrationPublished'],
  flow: [
    'createOrUpdateWorkflowDefinition',
    'getWorkflowDefinitionDraft',
    'getWorkflowDefinition',
    'listWorkflowDefinitionVersions',
  ],
  idm: [
    'createOrValidateModel',
    'modelAction',
    'createProcessInstance',
    'queryTaskInstances',
    'taskInstanceAction',
    'readProcessInstanceHistory',
  ],
};
const supported = (api: Api) => engineSupports(api, NEEDS[api]);

const recorder = new Recorder();
let engine: EngineUnderTest;
let clients: Clients;

beforeAll(async () => {
  engine = await startEngineBehindProxies(APIS, PORT_BASE + 130);
  const urls = Object.fromEntries(APIS.map((api) => [api, engine.proxies[api].url])) as Record<Api, string>;
  clients = await createClients(urls, recorder);
});

afterAll(async () => {
  await engine?.stop();
});

/** No request or response violation was logged by the proxy of `api`. */
function expectNoViolations(api: Api) {
  expect(engine.proxies[api].violations, `${api} proxy violations`).toEqual([]);
  expect(recorder.withViolations(api), `${api}: sl-violations headers`).toEqual([]);
  const failed = recorder.requests.filter((r) => r.api === api && r.status !== undefined && r.status >= 500);
  expect(failed, `${api}: answers of 5xx (Prism answers a violation with an error)`).toEqual([]);
}

describe('kontent: create → read → update → delete a workflow', () => {
  it.skipIf(!supported('kontent'))('runs through the validating proxy', async () => {
    const { kontent } = clients;
    // A workflow of its own steps (the spec example names roles and scopes of another environment).
    const body = {
      name: 'Contract editorial',
      codename: 'contract_editorial',
      scopes: [],
      steps: [
        {
          name: 'Writing',
          codename: 'writing',
          color: 'red' as const,
          transitions_to: [{ step: { codename: 'review' } }],
          role_ids: [],
        },
        {
          name: 'Review',
          codename: 'review',
          color: 'yellow' as const,
          transitions_to: [{ step: { codename: 'writing' } }, { step: { codename: 'published' } }],
          role_ids: [],
        },
      ],
      published_step: {},
      archived_step: {},
    };
    const created = await kontent.workflows.add(body);
    expect(created).toMatchObject({ name: 'Contract editorial', codename: 'contract_editorial' });
    const listed = await kontent.workflows.list();
    expect(listed.map((w) => w.id)).toContain(created.id);
    const updated = await kontent.workflows.update(created.id, { ...body, name: 'Contract editorial (v2)' });
    expect(updated.name).toBe('Contract editorial (v2)');
    expect((await kontent.workflows.list()).find((w) => w.id === created.id)?.name).toBe('Contract editorial (v2)');
    await kontent.workflows.delete(created.id);
    expect((await kontent.workflows.list()).map((w) => w.id)).not.toContain(created.id);
    expectNoViolations('kontent');
  });
});

describe('iga: draft → validate → publish a workflow definition', () => {
  it.skipIf(!supported('iga'))('runs through the validating proxy', async () => {
    const raw = clients.iga.raw;
    const draft = requestExample('iga', 'orchestrationDefinitionAction', 'create');
    draft.id = 'contractTestGrant';
    const created = await raw.POST('/auto/orchestration/definition', {
      params: { query: { _action: 'create' } },
      body: draft,
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    expect(created.data).toMatchObject({ id: 'contractTestGrant', status: 'draft' });
    const read = await raw.GET('/auto/orchestration/definition/{id}/draft', {
      params: { path: { id: 'contractTestGrant' } },
    });
    expect(read.data).toMatchObject({ id: 'contractTestGrant', status: 'draft' });
    const validated = await raw.POST('/auto/orchestration/definition', {
      params: { query: { _action: 'validate' } },
      body: read.data!,
    });
    expect(validated.data, JSON.stringify(validated.error)).toEqual({ valid: true, errors: [] });
    const published = await raw.POST('/auto/orchestration/definition', {
      params: { query: { _action: 'publish' } },
      body: { id: 'contractTestGrant' },
    });
    expect(published.response.status, JSON.stringify(published.error)).toBe(200);
    expect(published.data).toMatchObject({ id: 'contractTestGrant', status: 'published' });
    const live = await raw.GET('/auto/orchestration/definition/{id}/published', {
      params: { path: { id: 'contractTestGrant' } },
    });
    expect(live.data).toMatchObject({ id: 'contractTestGrant', status: 'published' });
    expectNoViolations('iga');
  });
});

describe('flow: draft → validate → publish a workflow definition', () => {
  it.skipIf(!supported('flow'))('runs through the validating proxy', async () => {
    const { flow } = clients;
    const body = requestExample('flow', 'createOrUpdateWorkflowDefinition', 'onboardingDraft');
    const id = 'contract-test-onboarding';
    delete body.id;
    const draft = await flow.definitions.put(id, { ...body, isDraft: true });
    expect(draft.workflowDefinition).toMatchObject({ version: -1 });
    const read = await flow.definitions.getDraft(id);
    expect(read.workflowDefinition).toMatchObject({ version: -1 });
    // Saving a non-draft validates the definition and publishes it as version 1.
    const published = await flow.definitions.put(id, { ...body, isDraft: false });
    expect(published.workflowDefinition).toMatchObject({ version: 1 });
    const latest = await flow.definitions.get(id);
    expect(latest.workflowDefinition).toMatchObject({ version: 1 });
    const versions: unknown[] = [];
    for await (const v of flow.definitions.listVersions(id)) versions.push(v);
    expect(versions.length).toBeGreaterThanOrEqual(1);
    expectNoViolations('flow');
  });
});

describe('idm: start → claim → complete a process', () => {
  it.skipIf(!supported('idm'))('runs through the validating proxy', async () => {
    const { idm } = clients;
    const model: any = await idm.models.create(requestExample('idm', 'createOrValidateModel', 'create'));
    await idm.models.deploy(model._id);
    const started = await idm.processInstances.create({ _key: 'contractorOnboarding' } as never);
    expect(started.status).toBe('suspended');
    const tasks: any[] = [];
    for await (const t of idm.tasks.list({ _queryId: 'filtered-query', processInstanceId: started._id } as never))
      tasks.push(t);
    expect(tasks).toHaveLength(1);
    const taskId = tasks[0]._id as string;
    await idm.tasks.claim(taskId, 'openidm-admin');
    await idm.tasks.complete(taskId, requestExample('idm', 'taskInstanceAction', 'complete'));
    const history = await idm.processInstanceHistory.get(started._id);
    expect(history).toMatchObject({ _id: started._id });
    expect((history as { endTime?: unknown }).endTime).toBeTruthy();
    expectNoViolations('idm');
  });
});

describe('the validating proxy', () => {
  it('refuses a request that breaks the spec before the engine sees it', async () => {
    const response = await fetch(`${engine.proxies.flow.url}/v2/workflowDefinitions?limit=not-a-number`, {
      headers: { api_key: 'k', 'X-Frankie-CustomerID': 'not-a-uuid' },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('engine coverage', () => {
  it('runs the scenario of every API (the engine registers the operations each one needs)', () => {
    for (const api of APIS) console.info(`engine scenario ${api}: ${supported(api) ? 'runs' : 'SKIPPED'}`);
    const missing = APIS.map((api) => [api, NEEDS[api].filter((id) => !engineOperations(api).has(id))] as const);
    expect(missing.filter(([, ids]) => ids.length)).toEqual([]);
  });
});
