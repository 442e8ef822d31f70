import { createApp, silentLogger, type WfkitApp } from '@wfkit/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, DemoRefused, loadDemo } from '../src/demo/load.js';

const apps: WfkitApp[] = [];
async function fresh() {
  const app = createApp({ store: { memory: true }, logger: silentLogger, jobs: { start: false } });
  apps.push(app);
  await app.ready;
  return app;
}
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function get(app: WfkitApp, path: string, headers: Record<string, string>) {
  const res = await app.fetch(new Request(`http://wfkit.test${path}`, { headers }));
  return { status: res.status, body: (await res.json()) as any };
}

describe('demo data', () => {
  it('loads every API through its public operations into an empty store, once', async () => {
    const app = await fresh();
    const report = await loadDemo(app);
    expect(report.loaded).toBe(true);
    const { config } = app;
    const idm = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
    const tasks = await get(app, '/openidm/workflow/taskinstance?_queryId=filtered-query', idm);
    expect(tasks.body.result.map((t: any) => t.name)).toContain('Approve Contractor');

    const reports = await get(app, '/openidm/managed/user/demo-manager?_fields=userName,reports/userName', idm);
    expect(reports.body.userName).toBe('mgarcia');
    expect(reports.body.reports.map((r: any) => r.userName).sort()).toEqual(['akumar', 'jsmith']);
    const employee = await get(app, '/openidm/managed/user/demo-employee?_fields=roles,applications,manager', idm);
    expect(employee.body.manager._refResourceId).toBe('demo-manager');
    expect(employee.body.roles.map((r: any) => r._refResourceId)).toEqual(['demo-employees']);
    expect(employee.body.applications.map((r: any) => r._refResourceId)).toEqual(['demo-wiki']);
    const entitlements = await get(app, '/openidm/managed/entitlement?_queryFilter=true&_fields=name', idm);
    expect(entitlements.body.resultCount).toBe(2);

    const kontent = { Authorization: `Bearer ${config.kontent.apiKey}` };
    const env = config.kontent.environmentId;
    const variant = await get(
      app,
      `/v2/projects/${env}/items/codename/${DEMO.kontentItem}/variants/codename/default`,
      kontent,
    );
    expect(variant.status).toBe(200);
    const workflows = await get(app, `/v2/projects/${env}/workflows`, kontent);
    const editorial = workflows.body.find((w: any) => w.codename === DEMO.kontentWorkflow);
    expect(variant.body.workflow.workflow_identifier.id).toBe(editorial.id);

    const iga = { Authorization: `Bearer ${config.iga.token}` };
    const requests = await get(app, '/iga/governance/requests?_queryFilter=true', iga);
    expect(requests.body.result.map((r: any) => r.decision.status)).toContain('in-progress');
    expect((await get(app, `/auto/orchestration/definition/${DEMO.igaDefinition}/published`, iga)).status).toBe(200);

    const flow = { api_key: config.flow.apiKey, 'X-Frankie-CustomerID': config.flow.customerId };
    const versions = await get(app, `/v2/workflowDefinitions/${DEMO.flowDefinition}/versions`, flow);
    expect(versions.status).toBe(200);
    expect(JSON.stringify(versions.body)).toContain('"version":2');
    const executions = await get(app, '/v2/executions', flow);
    expect(JSON.stringify(executions.body)).toContain(DEMO.flowDefinition);

    // Idempotent: a second load changes nothing.
    expect(await loadDemo(app)).toEqual({ loaded: false, summary: ['demo data already loaded: nothing to do'] });
    expect((await get(app, '/openidm/workflow/taskinstance?_queryId=filtered-query', idm)).body.result).toHaveLength(
      tasks.body.result.length,
    );
  }, 120_000);

  it('refuses a store that holds other data unless forced', async () => {
    const app = await fresh();
    const flow = { api_key: app.config.flow.apiKey, 'X-Frankie-CustomerID': app.config.flow.customerId };
    const own = await app.fetch(
      new Request('http://wfkit.test/v2/workflowDefinitions/mine', {
        method: 'PUT',
        headers: { ...flow, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Mine', tasks: [], isDraft: true }),
      }),
    );
    expect(own.status, await own.clone().text()).toBeLessThan(300);
    await expect(loadDemo(app)).rejects.toThrow(DemoRefused);
    await expect(loadDemo(app)).rejects.toThrow(/1 FLOW definitions.*WFKIT_DEMO=force/);
    expect((await loadDemo(app, { force: true })).loaded).toBe(true);
  }, 120_000);
});
