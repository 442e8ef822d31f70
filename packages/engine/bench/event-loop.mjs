// How long one request can block the event loop: for every operation of the four specs, the fuzz suite's invalid
// requests (test/fuzz/mutator.ts) plus, for each write, a body just under the server's default limit (5 MB of JSON:
// one long string, and a 100,000-element array) against the in-process app on PGlite. For each request the event
// loop's longest stall while it ran (perf_hooks.monitorEventLoopDelay, 1 ms resolution); prints p50/p99/max and the
// worst requests. Target: no request stalls the loop > 100 ms.
// `node bench/event-loop.mjs` (cases per operation: BENCH_CASES, default 6).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadEngineSources } from './engine-sources.mjs';

const { createApp, parseConfig, serverBasePath, invalidRequests, operationsOf, rng } = await loadEngineSources(`
export { createApp } from './src/app.ts';
export { parseConfig } from './src/config.ts';
export { serverBasePath } from './src/http/openapi.ts';
export { invalidRequests, operationsOf, rng } from './test/fuzz/mutator.ts';
`);

const CASES = Number(process.env.BENCH_CASES ?? 6);
const LIMIT = 5 * 1024 * 1024;
const config = parseConfig({});
const AUTH = {
  idm: { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' },
  iga: { authorization: `Bearer ${config.iga.token}` },
  kontent: { authorization: `Bearer ${config.kontent.apiKey}` },
  flow: { api_key: config.flow.apiKey, 'X-Frankie-CustomerID': config.flow.customerId },
};
const PATH_VALUES = { kontent: { environment_id: config.kontent.environmentId } };

const app = createApp({ jobs: { start: false }, docs: false, config });
await app.ready;
await app.fetch(
  new Request(`http://localhost/v2/projects/${config.kontent.environmentId}/workflows`, { headers: AUTH.kontent }),
);

const longString = JSON.stringify({ name: 'x'.repeat(LIMIT - 1024) });
const bigArray = JSON.stringify({ steps: Array.from({ length: 100_000 }, (_, i) => ({ name: `s${i}` })) }).slice(
  0,
  LIMIT - 1024,
);
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const results = [];
const random = rng(16);
for (const api of (process.env.BENCH_APIS ?? 'idm,iga,kontent,flow').split(',')) {
  const module = app.apis.find((m) => m.name === api);
  const basePath = module.basePath ?? serverBasePath(module.spec);
  process.stderr.write(`${api}: ${operationsOf(module.spec).length} operations\n`);
  for (const op of operationsOf(module.spec)) {
    const cases = [...invalidRequests(module.spec, basePath, op, { pathValues: PATH_VALUES[api] ?? {} }, CASES, random)];
    const write = cases.find((c) => c.body !== undefined);
    if (write)
      for (const [kind, body] of [
        ['5 MB string', longString],
        ['100k-element array', bigArray],
      ])
        cases.push({ ...write, kind, body, contentType: 'application/json' });
    for (const c of cases) {
      const headers = { ...AUTH[api], ...(c.contentType ? { 'content-type': c.contentType } : {}) };
      if (process.env.BENCH_TRACE) process.stderr.write(`→ ${api} ${c.method} ${c.url.slice(0, 100)} [${c.kind}]\n`);
      histogram.reset();
      const started = performance.now();
      const res = await app.fetch(
        new Request(`http://localhost${c.url}`, {
          method: c.method,
          headers,
          ...(c.body !== undefined ? { body: c.body } : {}),
        }),
      );
      await res.arrayBuffer();
      // Let the timer that measures the last stall fire before reading it.
      await new Promise((r) => setTimeout(r, 2));
      if (performance.now() - started > 1000)
        process.stderr.write(`slow: ${Math.round(performance.now() - started)} ms ${api} ${c.method} ${op.path} [${c.kind}]\n`);
      results.push({
        what: `${api} ${c.method} ${op.path} [${c.kind}]`,
        status: res.status,
        ms: performance.now() - started,
        stallMs: histogram.max / 1e6,
      });
    }
  }
}
histogram.disable();
await app.close();

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const stalls = results.map((r) => r.stallMs);
const over = results.filter((r) => r.stallMs > 100);
console.log(
  `event loop: ${results.length} requests; longest stall per request p50 ${pct(stalls, 50).toFixed(1)} ms, ` +
    `p99 ${pct(stalls, 99).toFixed(1)} ms, max ${Math.max(...stalls).toFixed(1)} ms; over 100 ms: ${over.length}`,
);
console.table(
  results
    .sort((a, b) => b.stallMs - a.stallMs)
    .slice(0, 10)
    .map((r) => ({ request: r.what.slice(0, 90), status: r.status, ms: r.ms.toFixed(0), stallMs: r.stallMs.toFixed(1) })),
);
