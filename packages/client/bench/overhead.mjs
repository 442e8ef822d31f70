// Per-call overhead of createApiClient + call() against raw fetch, on one local node:http server, in one run.
// Runs on the built dist (`pnpm build` first). Bounded: WARMUP + ROUNDS * PER_ROUND calls per side, then exits.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createApiClient } from '../dist/index.js';

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

async function rawCall() {
  const res = await fetch(url, { method: 'GET' });
  if (!res.ok) throw new Error(`status ${res.status}`);
  return res.json();
}
async function clientCall() {
  return api.call(api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: 'task-1' } } }));
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
  await sample(rawCall, WARMUP);
  await sample(clientCall, WARMUP);
  const raw = [];
  const client = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which side goes first so drift (GC, CPU frequency) hits both alike.
    if (r % 2 === 0) {
      await sample(rawCall, PER_ROUND, raw);
      await sample(clientCall, PER_ROUND, client);
    } else {
      await sample(clientCall, PER_ROUND, client);
      await sample(rawCall, PER_ROUND, raw);
    }
  }
  const mr = median(raw);
  const mc = median(client);
  const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`node ${process.version}, ${raw.length} calls each, ${ROUNDS} interleaved rounds`);
  console.log(`raw fetch          median ${us(mr)}  p90 ${us(pct(raw, 0.9))}`);
  console.log(`createApiClient    median ${us(mc)}  p90 ${us(pct(client, 0.9))}`);
  console.log(`ratio (median)     ${(mc / mr).toFixed(3)}  (goal <= 1.10)`);
} finally {
  server.close();
}
