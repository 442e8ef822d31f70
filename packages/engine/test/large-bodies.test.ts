/**
 * Bodies far over a schema's size limits (a 100,000-element array where the spec allows hundreds) are refused with a
 * 400 naming the limit, at once: validation stops at the first error for such bodies instead of checking every
 * element (which took minutes of CPU for an IGA definition). A hang here fails the test by its timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type WfkitApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';

const config = parseConfig({});
const MANY = 100_000;
const many = <T>(make: (i: number) => T): T[] => Array.from({ length: MANY }, (_, i) => make(i));

describe('bodies far over the size limits', () => {
  let app: WfkitApp;
  beforeAll(async () => {
    app = createApp({ jobs: { start: false }, docs: false, config });
    await app.ready;
  });
  afterAll(() => app.close());

  const send = async (method: string, path: string, headers: Record<string, string>, body: unknown) => {
    const res = await app.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    return { status: res.status, text: await res.text() };
  };

  it('IGA: a definition with 100,000 steps', async () => {
    const r = await send(
      'POST',
      '/auto/orchestration/definition?_action=create',
      { authorization: `Bearer ${config.iga.token}` },
      {
        id: 'huge',
        name: 'huge',
        steps: many((i) => ({ name: `scriptTask-${i}`, type: 'scriptTask' })),
        staticNodes: {},
      },
    );
    expect(r.status, r.text).toBe(400);
    expect(r.text).toMatch(/500|fewer|more than/i);
  });

  it('Kontent: a workflow with 100,000 steps', async () => {
    const r = await send(
      'POST',
      `/v2/projects/${config.kontent.environmentId}/workflows`,
      { authorization: `Bearer ${config.kontent.apiKey}` },
      {
        name: 'huge',
        scopes: [],
        steps: many((i) => ({ name: `s${i}` })),
        published_step: {},
        archived_step: {},
      },
    );
    expect(r.status, r.text).toBe(400);
  });

  it('FLOW: a definition with 100,000 steps', async () => {
    const r = await send(
      'PUT',
      '/v2/workflowDefinitions/huge',
      { api_key: config.flow.apiKey, 'X-Frankie-CustomerID': config.flow.customerId },
      { name: 'huge', steps: many((i) => ({ id: `t${i}`, type: 'SCRIPT' })) },
    );
    expect(r.status, r.text).toBeLessThan(500);
    expect(r.status, r.text).toBeGreaterThanOrEqual(400);
  });

  it('IDM: a process start with 100,000 variables', async () => {
    const r = await send(
      'POST',
      '/openidm/workflow/processinstance?_action=create',
      { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' },
      { _key: 'nope', ...Object.fromEntries(many((i) => [`v${i}`, i])) },
    );
    expect(r.status, r.text).toBeLessThan(500);
    expect(r.status, r.text).toBeGreaterThanOrEqual(400);
  });
});
