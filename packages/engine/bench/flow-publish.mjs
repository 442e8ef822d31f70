#!/usr/bin/env node
// Publishes per second of a 20-task FLOW definition through the engine's fetch handler (no HTTP socket), on PGlite in
// memory, and on PostgreSQL too when DATABASE_URL is set (in a schema of its own, dropped afterwards).
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/flow-publish.mjs [seconds=5] [concurrency=8]
import { loadEngineSources } from './engine-sources.mjs';

const { createApp, flow, openPostgres } = await loadEngineSources(`
      export { createApp } from './src/app.ts';
      export { apiModule as flow } from './src/apis/flow/index.ts';
      export { openPostgres } from './src/store/postgres.ts';
    `);

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 8);
const KEY = 'wfkit-dev-flow-api-key';
const CUSTOMER = '5a1f6c2e-3b4d-4e8f-9a0b-7c6d5e4f3a21';

const tasks = Array.from({ length: 20 }, (_, i) => ({
  id: `task-${i + 1}`,
  configuration:
    i % 4 === 0
      ? {
          type: 'HTTP',
          method: 'POST',
          url: 'https://example.test/{{variables.entityId}}',
          body: { n: i, prev: i ? `{{tasks.task-${i}.output.body}}` : '{{state.name}}' },
        }
      : i % 4 === 1
        ? { type: 'KYC', entityId: '{{variables.entityId}}' }
        : i % 4 === 2
          ? { type: 'SET_VARIABLES', values: { [`k${i}`]: `{{tasks.task-${i}.status}}` } }
          : { type: 'SCRIPT', script: 'return state;' },
  ...(i > 0 ? { dependsOn: i > 2 ? [`task-${i}`, `task-${i - 2}`] : [`task-${i}`] } : {}),
  ...(i % 5 === 0 ? { condition: 'variables.entityId != null' } : {}),
  errorHandling: { retryConfig: { maxAttempts: 3, delayMs: 500, backoffFactor: 2 } },
}));
const body = JSON.stringify({
  name: 'Bench workflow',
  tasks,
  isDraft: false,
  initialState: { name: 'x' },
  variables: [{ name: 'entityId', type: 'STRING', required: true }],
});

async function run(label, store) {
  const app = createApp({ store, apis: [flow], jobs: { start: false }, docs: false });
  await app.ready;
  const request = (id) =>
    new Request(`http://localhost/v2/workflowDefinitions/${id}`, {
      method: 'PUT',
      headers: { api_key: KEY, 'X-Frankie-CustomerID': CUSTOMER, 'content-type': 'application/json' },
      body,
    });
  // Warm up (validators compile on first use).
  for (let i = 0; i < 20; i++) await (await app.fetch(request('warmup'))).arrayBuffer();
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        // Half the workers publish to one shared id (contended version counter), half to their own.
        const res = await app.fetch(request(w % 2 ? 'shared' : `own-${w}`));
        if (res.status !== 200) throw new Error(`publish failed: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  console.log(
    `flow-publish ${label}: ${(done / elapsed).toFixed(1)} publishes/s (20-task definition, ${done} in ${elapsed.toFixed(1)} s, ${concurrency} concurrent)`,
  );
  await app.close();
}

await run('pglite', { memory: true });
if (process.env.DATABASE_URL) {
  const databaseUrl = process.env.DATABASE_URL;
  const schema = `wfkit_bench_flow_${process.pid}`;
  const admin = await openPostgres({ databaseUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    await run('postgres', { databaseUrl, schema });
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  }
}
