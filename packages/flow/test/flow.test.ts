import { describe, expect, it } from 'vitest';
import { createFlowClient } from '../src/index.js';
import { recordingFetch } from './helpers.js';

const BASE = 'https://flow.example/v2';
const def = { name: 'KYC', tasks: [] };

function setup(respond?: (r: Request) => Response) {
  const rec = recordingFetch(respond);
  let n = 0;
  const flow = createFlowClient({
    baseUrl: 'https://flow.example',
    apiKey: 'key-1',
    customerId: '12345678-1234-1234-1234-123456789012',
    customerChildId: '87654321-4321-4321-4321-210987654321',
    channel: 'api',
    username: 'fred',
    requestId: () => `req-${++n}`,
    fetch: rec.fetch,
  });
  const lines = () => rec.calls.map((c) => `${c.method} ${c.url.replace(BASE, '')}`);
  return { flow, lines, ...rec };
}

describe('flow definitions', () => {
  it('puts a definition with isDraft from the options, with every FLOW header', async () => {
    const { flow, last } = setup();
    await flow.definitions.put('onboarding', def, { isDraft: true });
    expect(last().method).toBe('PUT');
    expect(last().url).toBe(`${BASE}/workflowDefinitions/onboarding`);
    expect(last().body).toEqual({ ...def, isDraft: true });
    const h = last().headers;
    expect(h.get('api_key')).toBe('key-1');
    expect(h.get('x-frankie-customerid')).toBe('12345678-1234-1234-1234-123456789012');
    expect(h.get('x-frankie-customerchildid')).toBe('87654321-4321-4321-4321-210987654321');
    expect(h.get('x-frankie-channel')).toBe('api');
    expect(h.get('x-frankie-username')).toBe('fred');
    expect(h.get('x-frankie-requestid')).toBe('req-1');
  });

  it('sends a fresh request id per call unless one is given', async () => {
    const { flow, calls } = setup();
    await flow.definitions.get('a');
    await flow.definitions.get('a');
    await flow.definitions.get('a', { headers: { 'X-Frankie-RequestID': 'mine' } });
    expect(calls.map((c) => c.headers.get('x-frankie-requestid'))).toEqual(['req-1', 'req-2', 'mine']);
  });

  it('calls every definition and execution operation on its path', async () => {
    const { flow, lines, calls } = setup((r) =>
      r.method === 'GET' && /(workflowDefinitions|versions|executions)$/.test(new URL(r.url).pathname)
        ? Response.json({
            meta: { page: 1, limit: 20, count: 0, total: 0 },
            workflowDefinitions: [],
            versions: [],
            workflowExecutions: [],
          })
        : Response.json({}),
    );
    await flow.definitions.getDraft('a');
    await flow.definitions.deleteDraft('a');
    await flow.definitions.getVersion('a', 2);
    await flow.definitions.execute('a', { input: { x: 1 } }, { 'X-Frankie-Background': 1 });
    await flow.definitions.execute('a');
    await flow.definitions.list({ tag: 'kyc' }).toArray();
    await flow.definitions.listVersions('a').toArray();
    await flow.executions.get('e1');
    await flow.executions.list({ workflowDefinitionId: 'a' }).toArray();
    expect(lines()).toEqual([
      'GET /workflowDefinitions/a/draft',
      'DELETE /workflowDefinitions/a/draft',
      'GET /workflowDefinitions/a/versions/2',
      'POST /workflowDefinitions/a/execute',
      'POST /workflowDefinitions/a/execute',
      'GET /workflowDefinitions?tag=kyc&page=1&limit=20',
      'GET /workflowDefinitions/a/versions?page=1&limit=20',
      'GET /executions/e1',
      'GET /executions?workflowDefinitionId=a&page=1&limit=20',
    ]);
    expect(calls[3]?.headers.get('x-frankie-background')).toBe('1');
    expect(calls[3]?.body).toEqual({ input: { x: 1 } });
  });
});
