import { APIS as MOCKS, startPrism } from '@wfkit/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clients, callThroughSdk, createClients, Recorder } from '../src/clients.js';
import { coverageLine, uncovered } from '../src/coverage.js';
import { plannedCalls } from '../src/requests.js';
import { APIS, type Api } from '../src/spec.js';

// Ports from WFKIT_TEST_PORT_BASE (default 4700), so parallel runs on one machine can move out of each other's way.
const PORT_BASE = Number(process.env.WFKIT_TEST_PORT_BASE ?? 4700);

// Every operation of every spec, through the SDKs, against Prism mock servers (started once for this file).
const recorder = new Recorder();
const servers: Awaited<ReturnType<typeof startPrism>>[] = [];
let clients: Clients;

beforeAll(async () => {
  const started = await Promise.all(APIS.map((api, i) => startPrism({ api, port: PORT_BASE + 110 + i })));
  servers.push(...started);
  const urls = Object.fromEntries(APIS.map((api, i) => [api, started[i]!.url])) as Record<Api, string>;
  expect(MOCKS.map((m) => m.api).sort()).toEqual([...APIS].sort());
  clients = await createClients(urls, recorder);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe.each(APIS)('%s against the Prism mock', (api) => {
  const calls = plannedCalls(api);
  it.each(calls.map((c) => [c.name, c] as const))('%s answers a documented success', async (_name, call) => {
    const { response, error } = await callThroughSdk(clients, call);
    expect(response.status, `${call.operation.key}: ${error ?? ''}`).toBeGreaterThanOrEqual(200);
    expect(response.status, `${call.operation.key}: ${error ?? ''}`).toBeLessThan(300);
  });

  it('exercised every operation of the spec', () => {
    console.info(`Prism mock coverage — ${coverageLine(recorder, api)}`);
    expect(uncovered(recorder, api)).toEqual([]);
  });

  it('sent only requests that Prism found valid (no sl-violations)', () => {
    expect(recorder.withViolations(api).map((r) => `${r.method} ${r.url}: ${r.violations}`)).toEqual([]);
  });
});
