import { CONFIG_DEFAULTS } from '@wfkit/engine';
import { createFlowClient } from '@wfkit/flow';
import { createKontentClient } from '@wfkit/kontent';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineHandlers, engineHandlers } from '../src/engine.js';

const BASE = 'http://wfkit.test';
let engine: EngineHandlers;
let server: ReturnType<typeof setupServer>;

beforeAll(async () => {
  engine = engineHandlers({ baseUrl: BASE, jobs: { start: false }, docs: false });
  server = setupServer(...engine);
  server.listen({ onUnhandledFrame: 'error' });
  await engine.app.ready;
}, 60_000);
afterAll(async () => {
  server.close();
  await engine.close();
});

const kontent = () =>
  createKontentClient({
    apiKey: CONFIG_DEFAULTS.WFKIT_KONTENT_API_KEY,
    environmentId: CONFIG_DEFAULTS.WFKIT_KONTENT_ENVIRONMENT_ID,
    baseUrl: `${BASE}/v2`,
    maxRetries: 0,
  });

describe('engineHandlers', () => {
  it('is one handler in front of the engine app', () => {
    expect(engine).toHaveLength(1);
    expect(typeof engine.app.fetch).toBe('function');
  });

  it('keeps state: a created workflow is read back, then deleted', async () => {
    const client = kontent();
    const created = await client.workflows.add({
      name: 'Editorial',
      codename: 'editorial',
      scopes: [],
      steps: [
        {
          name: 'Writing',
          codename: 'writing',
          color: 'red',
          transitions_to: [{ step: { codename: 'review' } }],
          role_ids: [],
        },
        {
          name: 'Review',
          codename: 'review',
          color: 'yellow',
          transitions_to: [{ step: { codename: 'writing' } }, { step: { codename: 'published' } }],
          role_ids: [],
        },
      ],
      published_step: {},
      archived_step: {},
    });
    expect((await client.workflows.list()).map((w) => w.codename)).toContain('editorial');
    await client.workflows.delete(created.id);
    expect((await client.workflows.list()).map((w) => w.codename)).not.toContain('editorial');
  });

  it("answers in the API's own error shape (auth is the engine's)", async () => {
    const client = createKontentClient({
      apiKey: 'wrong',
      environmentId: CONFIG_DEFAULTS.WFKIT_KONTENT_ENVIRONMENT_ID,
      baseUrl: `${BASE}/v2`,
      maxRetries: 0,
    });
    const error = await client.workflows.list().catch((e: unknown) => e);
    expect(client.isError(error, 401)).toBe(true);
  });

  it('serves the other APIs on the same base URL (flow drafts)', async () => {
    const flow = createFlowClient({
      apiKey: CONFIG_DEFAULTS.WFKIT_FLOW_API_KEY,
      customerId: CONFIG_DEFAULTS.WFKIT_FLOW_CUSTOMER_ID,
      baseUrl: BASE,
      maxRetries: 0,
    });
    const missing = await flow.definitions.getDraft('nothing-here').catch((e: unknown) => e);
    expect(flow.isError(missing, 404)).toBe(true);
  });

  it('leaves requests outside its base URL to other handlers', async () => {
    // A handler of the test's own answers what is outside the engine's base URL (no unhandled-request noise).
    server.use(http.get('http://elsewhere.test/x', () => HttpResponse.text('not the engine')));
    const response = await fetch('http://elsewhere.test/x');
    expect(await response.text()).toBe('not the engine');
  });
});
