import { describe, expect, it } from 'vitest';
import { APIS, startPrism } from '../src/prism.mjs';

// Ports from WFKIT_TEST_PORT_BASE (default 4700), so parallel runs on one machine can move out of each other's way.
const PORT_BASE = Number(process.env.WFKIT_TEST_PORT_BASE ?? 4700);

// Every spec must load in Prism, and the mock must answer a documented example.
describe('Prism mock servers', () => {
  it.each(APIS.map((a, i) => [a.api, PORT_BASE + 10 + i] as const))(
    'serves the %s spec',
    async (api, port) => {
      const server = await startPrism({ api, port });
      try {
        const probe: Record<string, { path: string; headers: Record<string, string> }> = {
          idm: {
            path: '/openidm/workflow/processdefinition?_queryId=query-all-ids',
            headers: { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' },
          },
          iga: { path: '/iga/governance/requestTypes', headers: { Authorization: 'Bearer t' } },
          kontent: {
            path: '/projects/11a3492b-cd32-0054-51d2-8234ec4244a6/workflows',
            headers: { Authorization: 'Bearer k' },
          },
          flow: {
            path: '/v2/workflowDefinitions',
            headers: { api_key: 'k', 'X-Frankie-CustomerID': '0a1b2c3d-0000-4000-8000-000000000001' },
          },
        };
        const { path, headers } = probe[api]!;
        const response = await fetch(server.url + path, { headers });
        expect(response.status).toBe(200);
        expect(await response.json()).toBeTruthy();
      } finally {
        await server.stop();
      }
    },
    90_000,
  );
});

describe('Prism validating proxy', () => {
  it('forwards a valid request upstream and refuses an invalid one', async () => {
    const { createServer } = await import('node:http');
    const upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          result: [],
          resultCount: 0,
          pagedResultsCookie: null,
          totalPagedResultsPolicy: 'NONE',
          totalPagedResults: -1,
          remainingPagedResults: -1,
          seen: req.url,
        }),
      );
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as { port: number }).port;
    const proxy = await startPrism({
      api: 'idm',
      port: PORT_BASE + 20,
      mode: 'proxy',
      upstream: `http://127.0.0.1:${port}`,
    });
    try {
      const headers = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
      const ok = await fetch(`${proxy.url}/openidm/workflow/processdefinition?_queryId=query-all-ids`, { headers });
      expect(ok.status).toBe(200);
      expect((await ok.json()).seen).toContain('query-all-ids');
      const bad = await fetch(`${proxy.url}/openidm/workflow/processdefinition?_queryId=no-such-query`, { headers });
      expect(bad.status).toBeGreaterThanOrEqual(400);
    } finally {
      await proxy.stop();
      upstream.close();
    }
  }, 90_000);
});
