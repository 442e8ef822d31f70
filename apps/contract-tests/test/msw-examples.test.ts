import { exampleHandlers, specs } from '@wfkit/msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clients, callThroughSdk, createClients, Recorder } from '../src/clients.js';
import { coverageLine, uncovered } from '../src/coverage.js';
import { plannedCalls } from '../src/requests.js';
import { APIS, type Api } from '../src/spec.js';

// The same SDK calls as against Prism, answered by @wfkit/msw's example handlers.
const BASE: Record<Api, string> = {
  idm: 'http://idm.contract.test',
  iga: 'https://iga.contract.test',
  kontent: 'https://kontent.contract.test/v2',
  flow: 'https://flow.contract.test',
};
const recorder = new Recorder();
const server = setupServer(...APIS.flatMap((api) => exampleHandlers(api, { baseUrl: BASE[api] })));
let clients: Clients;

beforeAll(async () => {
  server.listen({ onUnhandledFrame: 'error' });
  clients = await createClients(BASE, recorder);
});
afterAll(() => server.close());

describe.each(APIS)('%s against the MSW example handlers', (api) => {
  const calls = plannedCalls(api);
  it.each(calls.map((c) => [c.name, c] as const))('%s answers a documented example', async (_name, call) => {
    const { response, data } = await callThroughSdk(clients, call);
    expect(response.status, `${call.operation.key}`).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    const op = specs[api].operations.find((o) => o.id === call.operation.id)!;
    const documented = op.responses[String(response.status)];
    expect(documented, `${call.operation.key} answered an undocumented ${response.status}`).toBeDefined();
    if (documented?.examples.length && response.status !== 204) {
      const values = documented.examples.map((e) => e.value);
      const body = documented.contentType?.includes('json') ? JSON.parse(data!) : data;
      expect(values).toContainEqual(body);
    }
  });

  it('exercised every operation of the spec', () => {
    console.info(`MSW example handlers coverage — ${coverageLine(recorder, api)}`);
    expect(uncovered(recorder, api)).toEqual([]);
  });
});
