import type { paths as IdmPaths } from '@wfkit/idm';
import { createKontentClient } from '@wfkit/kontent';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compareTemplates, createHttp, exampleHandlers, specOperations, specs, toMswPath } from '../src/index.js';

const KONTENT = 'https://manage.kontent.ai/v2';
const ENV = '11a3492b-cd32-0054-51d2-8234ec4244a6';
const IDM = 'http://idm.test';
const IGA = 'http://iga.test';
const FLOW = 'http://flow.test';

const server = setupServer(
  ...exampleHandlers('kontent', { baseUrl: KONTENT }),
  ...exampleHandlers('idm', { baseUrl: IDM }),
  ...exampleHandlers('iga', { baseUrl: IGA }),
  ...exampleHandlers('flow', { baseUrl: FLOW }),
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const kontent = () => createKontentClient({ apiKey: 'key', environmentId: ENV, baseUrl: KONTENT, maxRetries: 0 });

function example(api: keyof typeof specs, id: string, status: string, name?: string) {
  const op = specs[api].operations.find((o) => o.id === id)!;
  const list = op.responses[status]!.examples;
  return (name ? list.find((e) => e.name === name) : list[0])!.value;
}

describe('exampleHandlers', () => {
  it('has one handler per operation of each spec', () => {
    for (const api of ['idm', 'iga', 'kontent', 'flow'] as const) {
      expect(exampleHandlers(api)).toHaveLength(specOperations(api).length);
    }
    expect(specOperations('kontent').length).toBeGreaterThan(60);
  });

  it('answers an SDK call with the documented example', async () => {
    const workflows = await kontent().workflows.list();
    expect(workflows).toEqual(example('kontent', 'listWorkflows', '200'));
  });

  it('answers with the documented success status, and no body for 204', async () => {
    const added = await kontent().raw.POST('/projects/{environment_id}/workflows', {
      params: { path: { environment_id: ENV } },
      body: example('kontent', 'addWorkflow', '201') as never,
    });
    expect(added.response.status).toBe(201);
    const deleted = await kontent().raw.DELETE('/projects/{environment_id}/workflows/{workflow_id}', {
      params: { path: { environment_id: ENV, workflow_id: 'x' } },
    });
    expect(deleted.response.status).toBe(204);
    expect(await deleted.response.text()).toBe('');
  });

  it('picks another documented response with the Prefer header, like Prism', async () => {
    const client = kontent();
    const { response, error } = await client.raw.GET('/projects/{environment_id}/workflows', {
      params: { path: { environment_id: ENV } },
      headers: { Prefer: 'code=429' },
    });
    expect(response.status).toBe(429);
    expect(error).toEqual(example('kontent', 'listWorkflows', '429'));
    const named = await client.raw.GET('/projects/{environment_id}/workflows', {
      params: { path: { environment_id: ENV } },
      headers: { Prefer: 'example=defaultOnly' },
    });
    expect(named.response.status).toBe(200);
    expect(named.data).toEqual(example('kontent', 'listWorkflows', '200', 'defaultOnly'));
  });

  it('picks a named example of another status with code and example together', async () => {
    const response = await fetch(`${IGA}/auto/orchestration/definition/x/draft`, {
      method: 'GET',
      headers: { Prefer: 'code=404, example=wfkit' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(example('iga', 'readOrchestrationDraft', '404', 'wfkit'));
  });

  it('accepts the __code and __example query parameters', async () => {
    const response = await fetch(`${IGA}/auto/orchestration/definition/x/draft?__code=404&__example=recorded`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(example('iga', 'readOrchestrationDraft', '404', 'recorded'));
  });

  it('answers per handler set with the prefer option, and the SDK throws the typed error', async () => {
    server.use(...exampleHandlers('kontent', { baseUrl: KONTENT, prefer: { listWorkflows: { status: 429 } } }));
    const client = kontent();
    const error = await client.workflows.list().catch((e: unknown) => e);
    expect(client.isError(error, 429)).toBe(true);
  });

  it('takes a per-action preference (operationId/action) and reports each handled request', async () => {
    const seen: string[] = [];
    server.use(
      ...exampleHandlers('idm', {
        baseUrl: IDM,
        prefer: { 'taskInstanceAction/complete': { example: 'claim' } },
        onRequest: (op, request) => seen.push(`${op.id} ${new URL(request.url).search}`),
      }),
    );
    const task = (action: string) =>
      fetch(`${IDM}/openidm/workflow/taskinstance/1?_action=${action}`, { method: 'POST', body: '{}' });
    expect(await (await task('complete')).json()).toEqual(example('idm', 'taskInstanceAction', '200', 'claim'));
    expect(await (await task('claim')).json()).toEqual(example('idm', 'taskInstanceAction', '200', 'claim'));
    expect(seen).toEqual(['taskInstanceAction ?_action=complete', 'taskInstanceAction ?_action=claim']);
  });

  it('refuses an undocumented status or example with a message naming what is documented', async () => {
    const response = await fetch(`${FLOW}/v2/workflowDefinitions`, { headers: { Prefer: 'code=418' } });
    expect(response.status).toBe(500);
    expect((await response.json()).detail).toMatch(/documents no 418 response/);
    const named = await fetch(`${FLOW}/v2/workflowDefinitions`, { headers: { Prefer: 'example=nope' } });
    expect((await named.json()).detail).toMatch(/no example named 'nope'/);
  });

  it('picks the example and status of the request _action (x-wfkit-action-responses)', async () => {
    const post = (action: string) =>
      fetch(`${IGA}/auto/orchestration/definition?_action=${action}`, { method: 'POST', body: '{}' });
    const created = await post('create');
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/auto/orchestration/definition/contractorApplicationGrant/draft');
    expect(await created.json()).toEqual(example('iga', 'orchestrationDefinitionAction', '201'));
    const validated = await post('validate');
    expect(validated.status).toBe(200);
    expect(await validated.json()).toEqual({ valid: true, errors: [] });
    const published = await post('publish');
    expect(await published.json()).toEqual(example('iga', 'orchestrationDefinitionAction', '200', 'published'));
  });

  it('picks the IDM action examples named after their action, and 201 for create', async () => {
    const task = (action: string) =>
      fetch(`${IDM}/openidm/workflow/taskinstance/1?_action=${action}`, { method: 'POST', body: '{}' });
    expect(await (await task('claim')).json()).toEqual(example('idm', 'taskInstanceAction', '200', 'claim'));
    expect(await (await task('complete')).json()).toEqual(example('idm', 'taskInstanceAction', '200', 'complete'));
    const started = await fetch(`${IDM}/openidm/workflow/processinstance?_action=create`, {
      method: 'POST',
      body: '{}',
    });
    expect(started.status).toBe(201);
    const model = await fetch(`${IDM}/openidm/workflow/model`, { method: 'POST', body: '{}' });
    expect(model.status).toBe(201);
  });

  it('picks the example documented for the request _queryId', async () => {
    const query = (q: string) => fetch(`${IDM}/openidm/workflow/processdefinition?${q}`).then((r) => r.json());
    expect(await query('_queryId=query-all-ids')).toEqual(
      example('idm', 'queryProcessDefinitions', '200', 'queryAllIds'),
    );
    expect(await query('_queryId=filtered-query&key=contractorOnboarding')).toEqual(
      example('idm', 'queryProcessDefinitions', '200', 'filteredByKey'),
    );
  });

  it('serves literal path segments before parameters (/job/deadletter is not the job "deadletter")', async () => {
    const list = await fetch(`${IDM}/openidm/workflow/job/deadletter?_queryFilter=true`).then((r) => r.json());
    expect(list).toEqual(example('idm', 'queryDeadLetterJobs', '200'));
    const history = await fetch(`${IDM}/openidm/workflow/processinstance/history?_queryId=query-all-ids`);
    expect(await history.json()).toEqual(example('idm', 'queryProcessInstanceHistory', '200'));
  });

  it('answers text/plain examples as text', async () => {
    const response = await fetch(`${IGA}/auto/orchestration/defaultScript`);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await response.text()).toBe(example('iga', 'readDefaultScript', '200'));
  });

  it('defaults the base URL to the spec server', async () => {
    server.use(...exampleHandlers('flow'));
    const response = await fetch('https://api.uat.frankie.one/v2/workflowDefinitions');
    expect(response.status).toBe(200);
  });
});

describe('createHttp', () => {
  it('overrides one _action of a CREST path and leaves the others to the example handlers', async () => {
    const idm = createHttp<IdmPaths>(IDM);
    server.use(
      idm.post(
        '/openidm/workflow/taskinstance/{id}',
        ({ params }) => HttpResponse.json({ overridden: params.id } as never),
        {
          action: 'complete',
        },
      ),
    );
    const task = (action: string) =>
      fetch(`${IDM}/openidm/workflow/taskinstance/7?_action=${action}`, { method: 'POST', body: '{}' });
    expect(await (await task('complete')).json()).toEqual({ overridden: '7' });
    expect(await (await task('claim')).json()).toEqual(example('idm', 'taskInstanceAction', '200', 'claim'));
  });
});

describe('path helpers', () => {
  it('turns templates into MSW paths on the base URL', () => {
    expect(toMswPath('https://x.test/v2/', '/projects/{environment_id}/workflows/{workflow_id}')).toBe(
      'https://x.test/v2/projects/:environment_id/workflows/:workflow_id',
    );
  });
  it('orders literal segments before parameters', () => {
    const sorted = ['/job/{id}', '/job/deadletter/{id}', '/job/deadletter', '/job'].sort(compareTemplates);
    expect(sorted.indexOf('/job/deadletter')).toBeLessThan(sorted.indexOf('/job/{id}'));
  });
});
