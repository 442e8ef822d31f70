#!/usr/bin/env node
/**
 * Benchmark: start → claim → complete of a one-user-task process.
 *   - wfkit runtime, durable, on PGlite (in memory) and on PostgreSQL (DATABASE_URL), 8 concurrent clients,
 *     through HTTP (the IDM API on a node:http socket, fetch clients), and directly through the Runtime
 *   - bpmn-engine (paed01) in memory, no persistence, 8 concurrent clients
 * Prints process instances per second and the ratio. Usage:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/bpmn.mjs [seconds-per-run]
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import { loadEngineSources } from './engine-sources.mjs';

const SECONDS = Number(process.argv[2] ?? 5);
const CLIENTS = 8;

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:activiti="http://activiti.org/bpmn" targetNamespace="bench">
  <process id="oneTask" name="One user task" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
    <userTask id="approve" name="Approve" activiti:candidateGroups="manager"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, seconds, clients, headers } = workerData;
async function call(method, path, body) {
  const res = await fetch(base + '/openidm/workflow/' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(method + ' ' + path + ': ' + res.status + ' ' + JSON.stringify(json));
  return json;
}
async function once() {
  const pi = await call('POST', 'processinstance?_action=create', { _key: 'oneTask' });
  const q = await call('GET', 'taskinstance?_queryId=filtered-query&processInstanceId=' + pi._id);
  const id = q.result[0]._id;
  await call('POST', 'taskinstance/' + id + '?_action=claim', { userId: 'openidm-admin' });
  await call('POST', 'taskinstance/' + id + '?_action=complete', {});
}
(async () => {
  for (let i = 0; i < 20; i++) await once();
  let done = 0, errors = 0, firstError, stop = false;
  const t0 = performance.now();
  setTimeout(() => { stop = true; }, seconds * 1000);
  await Promise.all(Array.from({ length: clients }, async () => {
    while (!stop) {
      try { await once(); done++; } catch (e) { errors++; firstError ??= e.message; if (errors > 5) stop = true; }
    }
  }));
  parentPort.postMessage({ done, secs: (performance.now() - t0) / 1000, errors, firstError });
})();
`;

function loadSources() {
  return loadEngineSources(`
        export { Runtime } from './src/runtime/commands.ts';
        export { compileBpmn } from './src/dialects/bpmn/index.ts';
        export { createApp } from './src/app.ts';
        export { parseConfig } from './src/config.ts';
        export { openPglite } from './src/store/pglite.ts';
        export { openPostgres } from './src/store/postgres.ts';
        export { migrate } from './src/store/migrate.ts';
        export { bundledMigrations } from './src/generated/migrations.ts';
        export { apiModules } from './src/generated/api-modules.ts';
      `);
}

async function timed(label, once) {
  // warm up
  for (let i = 0; i < 20; i++) await once(i);
  let done = 0;
  let stop = false;
  const errors = [];
  const t0 = performance.now();
  setTimeout(() => {
    stop = true;
  }, SECONDS * 1000);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      let i = 0;
      while (!stop) {
        try {
          await once(`${c}-${i++}`);
          done++;
          // let timers run: an in-memory engine may never leave the microtask queue otherwise
          if (done % 8 === 0) await new Promise((r) => setImmediate(r));
        } catch (e) {
          errors.push(e);
          if (errors.length > 5) stop = true;
        }
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const rate = done / secs;
  console.log(
    `${label.padEnd(48)} ${rate.toFixed(1).padStart(8)} PI/s  (${done} in ${secs.toFixed(1)} s${errors.length ? `, ${errors.length} errors: ${errors[0]?.message}` : ''})`,
  );
  return rate;
}

async function benchBpmnEngine() {
  const { Engine } = await import('bpmn-engine');
  return timed('bpmn-engine 25, in memory, no persistence', () => {
    const engine = new Engine({ name: 'oneTask', source: XML });
    const listener = new EventEmitter();
    listener.on('wait', (api) => {
      // claim and complete in one signal (bpmn-engine has no task service)
      api.signal({ assignee: 'manager1' });
    });
    return new Promise((resolve, reject) => {
      engine.once('end', resolve);
      engine.once('error', reject);
      engine.execute({ listener, variables: {} }).catch(reject);
    });
  });
}

async function benchRuntime(mod, label, db) {
  await mod.migrate(db, mod.bundledMigrations);
  const rt = new mod.Runtime({ db });
  const { graphs } = await mod.compileBpmn(XML);
  await rt.deploy({ graphs, source: XML, dedupe: true });
  return timed(label, async () => {
    const r = await rt.startInstance({ key: 'oneTask', startUserId: 'openidm-admin' });
    const { rows } = await db.query('SELECT id FROM wf_task WHERE instance_id = $1', [r.id]);
    await rt.claimTask(rows[0].id, 'manager1');
    await rt.completeTask(rows[0].id, {});
  });
}

/** Serves app.fetch on a real socket (node:http), so the HTTP run includes sockets, parsing and keep-alive. */
async function listen(app) {
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && chunks.length > 0;
    const r = await app.fetch(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: req.headers,
        ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
      }),
    );
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

async function benchHttp(mod, label, db) {
  const app = mod.createApp({ store: db, jobs: { start: false }, docs: false });
  await app.ready;
  const { server, base } = await listen(app);
  const H = {
    'X-OpenIDM-Username': 'openidm-admin',
    'X-OpenIDM-Password': 'openidm-admin',
    'Accept-API-Version': 'resource=1.0',
    'Content-Type': 'application/json',
  };
  const call = async (method, path, body) => {
    const res = await fetch(`${base}/openidm/workflow/${path}`, {
      method,
      headers: H,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const model = await call('POST', 'model?_action=create', { name: 'One task', bpmnXML: XML });
  await call('POST', `model/${encodeURIComponent(model._id)}?_action=deploy`, {});
  // BENCH_WORKER_CLIENTS=1: the 8 clients run in a worker thread (their own event loop), as separate client
  // processes would; default: in this process, like the bpmn-engine run.
  const rate = process.env.BENCH_WORKER_CLIENTS
    ? await inWorker()
    : await timed(label, async () => {
        const pi = await call('POST', 'processinstance?_action=create', { _key: 'oneTask' });
        const q = await call('GET', `taskinstance?_queryId=filtered-query&processInstanceId=${pi._id}`);
        const id = q.result[0]._id;
        await call('POST', `taskinstance/${id}?_action=claim`, { userId: 'openidm-admin' });
        await call('POST', `taskinstance/${id}?_action=complete`, {});
      });
  function inWorker() {
    return new Promise((resolve, reject) => {
      const w = new Worker(CLIENT_WORKER, {
        eval: true,
        workerData: { base, seconds: SECONDS, clients: CLIENTS, headers: H },
      });
      w.once('message', ({ done, secs, errors, firstError }) => {
        const r = done / secs;
        console.log(
          `${label.padEnd(56)} ${r.toFixed(1).padStart(8)} PI/s  (${done} in ${secs.toFixed(1)} s${errors ? `, ${errors} errors: ${firstError}` : ''})`,
        );
        resolve(r);
      });
      w.once('error', reject);
    });
  }
  await new Promise((resolve) => server.close(resolve));
  await app.close();
  return rate;
}

const mod = await loadSources();
const hasIdm = mod.apiModules.some((m) => m.name === 'idm');
console.log(
  `start → claim → complete, one user task, ${CLIENTS} concurrent clients, ${SECONDS} s per run, Node ${process.version}`,
);
const results = {};
results.engine = await benchBpmnEngine();

const pg1 = await mod.openPglite();
results.pgliteDirect = await benchRuntime(mod, 'wfkit runtime (direct), PGlite in memory', pg1);
await pg1.close();
if (hasIdm) {
  const pg2 = await mod.openPglite();
  results.pgliteHttp = await benchHttp(mod, 'wfkit IDM API over HTTP (node:http socket), PGlite', pg2);
  await pg2.close();
}
const url = process.env.DATABASE_URL;
if (url) {
  const schema = `bench_${Date.now()}`;
  const admin = await mod.openPostgres({ databaseUrl: url });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const pg = await mod.openPostgres({ databaseUrl: url, schema, max: CLIENTS + 2 });
  results.pgDirect = await benchRuntime(mod, 'wfkit runtime (direct), PostgreSQL', pg);
  if (hasIdm) results.pgHttp = await benchHttp(mod, 'wfkit IDM API over HTTP (node:http socket), PostgreSQL', pg);
  await pg.close();
  const admin2 = await mod.openPostgres({ databaseUrl: url });
  await admin2.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin2.close();
} else console.log('(set DATABASE_URL to measure PostgreSQL)');
console.log('');
for (const [k, v] of Object.entries(results)) {
  if (k !== 'engine') console.log(`ratio ${k.padEnd(14)} / bpmn-engine in memory: ${(v / results.engine).toFixed(2)}x`);
}
if (!hasIdm) console.log('(the IDM API module is not registered yet: HTTP runs skipped)');
