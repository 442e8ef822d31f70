// Per-call overhead of createApiClient + call() against raw fetch (and openapi-fetch alone, for reference), on one
// local node:http server, in one run.
// Runs on the built dist (`pnpm build` first). Bounded: WARMUP + ROUNDS * PER_ROUND calls per side, then exits.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import createClient from 'openapi-fetch';
import { bindResources, createApiClient } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
const ROUNDS = 20;
const PER_ROUND = Math.max(1, Math.ceil(N / ROUNDS));

const payload = JSON.stringify({ _id: 'task-1', name: 'Approve', assignee: 'bjensen', variables: { a: 1, b: 'two' } });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const baseUrl = `http://127.0.0.1:${port}`;
const url = `${baseUrl}/openidm/workflow/taskinstance/task-1`;

const api = createApiClient({ baseUrl });
// Reference: openapi-fetch alone, to show what our layer adds on top of it.
const bare = createClient({ baseUrl });

async function rawCall() {
  const res = await fetch(url, { method: 'GET' });
  if (!res.ok) throw new Error(`status ${res.status}`);
  return res.json();
}
async function clientCall() {
  return api.call(api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: 'task-1' } } }));
}

// The SDKs' resource layer: what `idm.tasks.get(id)` runs (bindResources over the same client).
const resources = bindResources(api, { tasks: { get: ['GET', '/openidm/workflow/taskinstance/{id}', { q: 1 }] } });
async function resourceCall() {
  return resources.tasks.get('task-1');
}

async function openapiFetchCall() {
  const { data, error } = await bare.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: 'task-1' } } });
  if (error) throw new Error('error');
  return data;
}

async function sample(fn, n, into) {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    into?.push(performance.now() - t0);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

try {
  const sides = [
    { name: 'raw fetch', fn: rawCall, times: [], rounds: [] },
    { name: 'createApiClient+call', fn: clientCall, times: [], rounds: [] },
    { name: 'resource method', fn: resourceCall, times: [], rounds: [] },
    { name: 'openapi-fetch alone', fn: openapiFetchCall, times: [], rounds: [] },
  ];
  for (const side of sides) await sample(side.fn, WARMUP);
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate which side goes first so drift (GC, CPU frequency, other load) hits all alike.
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(r + i) % sides.length];
      const round = [];
      await sample(side.fn, PER_ROUND, round);
      side.times.push(...round);
      side.rounds.push(median(round));
    }
  }
  const [raw, client, resource, ref] = sides;
  const mr = median(raw.times);
  const us = (ms) => `${(ms * 1000).toFixed(1)} µs`.padStart(10);
  console.log(`node ${process.version}, ${raw.times.length} sequential calls per side, ${ROUNDS} interleaved rounds`);
  for (const side of sides) {
    const m = median(side.times);
    console.log(
      `${side.name.padEnd(22)} median ${us(m)}  p90 ${us(pct(side.times, 0.9))}  ratio ${(m / mr).toFixed(3)}`,
    );
  }
  // Per round, each side's median over the raw fetch's of the same round; then the median and spread of those.
  const ratios = (side) => side.rounds.map((m, i) => m / raw.rounds[i]);
  const fmt = (side) => {
    const r = ratios(side).sort((a, b) => a - b);
    return `${median(r).toFixed(3)} (rounds ${r[0].toFixed(3)}–${r[r.length - 1].toFixed(3)})`;
  };
  const load = (await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`load average ${load}; median of per-round ratios:`);
  console.log(`ratio createApiClient+call / raw fetch: ${fmt(client)}`);
  // Issue #13's goal: an SDK method (resource layer + client + openapi-fetch) within 5 % of a raw fetch.
  console.log(`ratio resource method / raw fetch: ${fmt(resource)} (goal <= 1.05)`);
  console.log(`ratio openapi-fetch alone / raw fetch: ${fmt(ref)}`);
  await stubFigures();
} finally {
  server.close();
}

// The same calls over a stub fetch (builds the Request as fetch does, answers at once): no socket, so the per-call
// CPU of each layer shows without network jitter, which on a busy machine is larger than the layers themselves.
async function stubFigures() {
  const stub = async (input, init) => {
    if (input instanceof Request && init === undefined) new Request(input);
    else new Request(input, init);
    return new Response(payload, {
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
    });
  };
  const stubApi = createApiClient({ baseUrl, fetch: stub });
  const stubBare = createClient({ baseUrl, fetch: stub });
  const stubResources = bindResources(stubApi, {
    tasks: { get: ['GET', '/openidm/workflow/taskinstance/{id}', { q: 1 }] },
  });
  const params = { params: { path: { id: 'task-1' } } };
  const stubSides = {
    'fetch (stub)': async () => (await stub(url, { method: 'GET' })).json(),
    'openapi-fetch': async () => (await stubBare.GET('/openidm/workflow/taskinstance/{id}', params)).data,
    'resource method': () => stubResources.tasks.get('task-1'),
  };
  const per = Object.fromEntries(Object.keys(stubSides).map((name) => [name, []]));
  for (const fn of Object.values(stubSides)) await sample(fn, 2000);
  for (let r = 0; r < 7; r++) {
    for (const [name, fn] of Object.entries(stubSides)) {
      const t0 = performance.now();
      await sample(fn, 5000);
      per[name].push(((performance.now() - t0) * 1000) / 5000);
    }
  }
  console.log('per-call CPU over a stub fetch (median of 7 rounds of 5000):');
  for (const [name, xs] of Object.entries(per)) console.log(`  ${name.padEnd(16)} ${median(xs).toFixed(1)} µs`);
  const ours = median(per['resource method']) - median(per['openapi-fetch']);
  console.log(`  wfkit's layers over openapi-fetch: ${ours.toFixed(1)} µs per call`);
}
