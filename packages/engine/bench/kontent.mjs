#!/usr/bin/env node
// Requests per second of `GET /v2/projects/{id}/workflows` (3 workflows stored) against the trivial `GET /health` of the
// same app, in the same run, through the engine's fetch handler (no HTTP socket), on PGlite in memory (and PostgreSQL
// too when DATABASE_URL is set). Prints both figures and their ratio.
//   node bench/kontent.mjs [seconds=3] [concurrency=8]
import { loadEngineSources } from './engine-sources.mjs';

const { createApp, kontent, openPostgres } = await loadEngineSources(`
      export { createApp } from './src/app.ts';
      export { apiModule as kontent } from './src/apis/kontent/index.ts';
      export { openPostgres } from './src/store/postgres.ts';
    `);

const seconds = Number(process.argv[2] ?? 3);
const concurrency = Number(process.argv[3] ?? 8);

async function rps(app, makeRequest) {
  for (let i = 0; i < 50; i++) await (await app.fetch(makeRequest())).arrayBuffer();
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const res = await app.fetch(makeRequest());
        if (res.status !== 200) throw new Error(`request failed: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function run(label, store) {
  const app = createApp({ store, apis: [kontent], jobs: { start: false }, docs: false });
  await app.ready;
  const { environmentId, apiKey } = app.config.kontent;
  const base = `http://localhost/v2/projects/${environmentId}`;
  const headers = { authorization: `Bearer ${apiKey}` };
  for (let i = 0; i < 2; i++) {
    const steps = [
      {
        name: 'Writing',
        codename: `writing_${i}`,
        color: 'red',
        transitions_to: [{ step: { codename: `review_${i}` } }],
        role_ids: [],
      },
      {
        name: 'Review',
        codename: `review_${i}`,
        color: 'yellow',
        transitions_to: [{ step: { codename: 'published' } }],
        role_ids: [],
      },
    ];
    const res = await app.fetch(
      new Request(`${base}/workflows`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Workflow ${i}`, scopes: [], steps, published_step: {}, archived_step: {} }),
      }),
    );
    if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  }
  const health = await rps(app, () => new Request('http://localhost/health'));
  const workflows = await rps(app, () => new Request(`${base}/workflows`, { headers }));
  const health2 = await rps(app, () => new Request('http://localhost/health'));
  const trivial = (health + health2) / 2;
  console.log(
    `kontent ${label}: GET /v2/projects/{id}/workflows ${workflows.toFixed(0)} req/s, GET /health ${trivial.toFixed(0)} req/s ` +
      `(mean of before/after), ratio workflows/health ${(workflows / trivial).toFixed(3)} (${concurrency} concurrent, ${seconds} s each)`,
  );
  await app.close();
}

await run('pglite', { memory: true });
if (process.env.DATABASE_URL) {
  const databaseUrl = process.env.DATABASE_URL;
  const schema = `wfkit_bench_kontent_${process.pid}`;
  const admin = await openPostgres({ databaseUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    await run('postgres', { databaseUrl, schema });
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  }
}
