// `pnpm bench`: the performance figures of issue #13, printed with their goals (see bench/README.md).
// Every compared side runs in its own process; sides are interleaved over BENCH_ROUNDS rounds and each figure is the
// median of the per-round ratios, with their spread and the load average. PGlite always; PostgreSQL when DATABASE_URL
// is set (each server gets a fresh database, dropped afterwards).
//   node bench/run.mjs [figure ...]    figures: bpmn roundtrips history lists timers start sdk (default all)
//   BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_TIMERS=2000
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, openPostgres } from '@wfkit/engine';
import { copyRows, median, memoryMb, quantile, startServer } from './lib.mjs';
import { sampleLists, seededListApp } from './lists.mjs';
import { deploy, idmCaller, oneInstance } from './sides/bpmn.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const side = (name) => join(here, 'sides', name);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = 8;
const TIMERS = Number(process.env.BENCH_TIMERS ?? 2000);
const pgUrl = process.env.DATABASE_URL || undefined;
const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);

/** Rows of the goal table: { figure, value, spread, goal, met }. */
const table = [];
const loads = [];
const load = () => {
  const l = loadavg()[0];
  loads.push(l);
  return l.toFixed(1);
};
const fmt = (x, digits = 2) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
function ratioRow(figure, ratios, goal, met, unit = '×') {
  const sorted = [...ratios].sort((a, b) => a - b);
  const m = median(sorted);
  table.push({
    figure,
    value: `${fmt(m)}${unit}`,
    spread: ratios.length > 1 ? `${fmt(sorted[0])}–${fmt(sorted.at(-1))} (${ratios.length} rounds)` : '1 run',
    goal,
    met: met(m),
  });
  return m;
}
const log = (line) => console.log(line);

/** Runs a script; resolves to its last stdout line parsed as JSON. */
function runJson(script, args = [], env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} exited ${code}: ${err || out}`));
      }
    });
  });
}

/** Spawns a long-running script and hands back its JSON lines one by one. */
function spawnJsonLines(script, args = [], env = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let buffer = '';
  let err = '';
  const lines = [];
  const waiters = [];
  child.stdout.on('data', (d) => {
    buffer += d;
    let i = buffer.indexOf('\n');
    while (i >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.startsWith('{')) {
        const msg = JSON.parse(line);
        const w = waiters.shift();
        if (w) w.resolve(msg);
        else lines.push(msg);
      }
      i = buffer.indexOf('\n');
    }
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`${script} exited ${code}: ${err}`));
  });
  return {
    child,
    next: () =>
      lines.length
        ? Promise.resolve(lines.shift())
        : new Promise((resolve, reject) => waiters.push({ resolve, reject })),
    kill() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

let dbCounter = 0;
/** A fresh PostgreSQL database for fn (a URL), dropped afterwards. */
async function withPgDatabase(fn) {
  const admin = await openPostgres({ databaseUrl: pgUrl, max: 1 });
  const name = `wfkit_bench_${process.pid}_${dbCounter++}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.close();
  }
}

/** The stores a figure runs on: PGlite always, PostgreSQL when DATABASE_URL is set. */
const stores = pgUrl ? ['PGlite', 'PostgreSQL'] : ['PGlite'];

// ---------------------------------------------------------------------------------------------------------------
// BPMN process instances per second: wfkit over HTTP (its own server process, clients in another) vs bpmn-engine in
// memory vs a bare node:http JSON server with the same clients.
async function bpmnFigure() {
  log(`\n## BPMN start → claim → complete, ${CLIENTS} clients, ${SECONDS} s per side, ${ROUNDS} rounds`);
  const sides = {
    'bpmn-engine in memory': () => runJson(side('bpmn-engine.mjs'), [SECONDS, CLIENTS]),
    'bare node:http JSON server': async () => {
      const s = spawnJsonLines(side('bare-server.mjs'));
      const { port } = await s.next();
      try {
        return await runJson(side('load.mjs'), [`http://127.0.0.1:${port}`, SECONDS, CLIENTS]);
      } finally {
        s.kill();
      }
    },
    'wfkit over HTTP, PGlite': async () => {
      const server = await startServer();
      try {
        return await runJson(side('load.mjs'), [server.url, SECONDS, CLIENTS, 'deploy']);
      } finally {
        await server.stop();
      }
    },
  };
  if (pgUrl)
    sides['wfkit over HTTP, PostgreSQL'] = () =>
      withPgDatabase(async (url) => {
        const server = await startServer({ DATABASE_URL: url });
        try {
          return await runJson(side('load.mjs'), [server.url, SECONDS, CLIENTS, 'deploy']);
        } finally {
          await server.stop();
        }
      });
  const names = Object.keys(sides);
  const rates = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order, so drift (other load, CPU frequency) hits every side alike.
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length];
      const result = await sides[name]();
      rates[name].push(result.rate);
      log(
        `  round ${r + 1} ${name.padEnd(30)} ${result.rate.toFixed(1).padStart(8)} PI/s` +
          `${result.errors ? ` (${result.errors} errors: ${result.firstError})` : ''}  load ${load()}`,
      );
    }
  }
  const base = rates['bpmn-engine in memory'];
  const ratios = (name) => rates[name].map((v, i) => v / base[i]);
  for (const name of names.slice(1)) log(`  ${name}: median ${median(rates[name]).toFixed(1)} PI/s`);
  log(`  bpmn-engine in memory: median ${median(base).toFixed(1)} PI/s`);
  ratioRow(
    'BPMN PI/s bare node:http / bpmn-engine (ceiling)',
    ratios('bare node:http JSON server'),
    '(reference)',
    () => true,
  );
  if (pgUrl)
    ratioRow(
      'BPMN PI/s HTTP PostgreSQL / bpmn-engine',
      ratios('wfkit over HTTP, PostgreSQL'),
      '≥ 1.5×',
      (m) => m >= 1.5,
    );
  else
    table.push({
      figure: 'BPMN PI/s HTTP PostgreSQL / bpmn-engine',
      value: 'n/a (no DATABASE_URL)',
      spread: '',
      goal: '≥ 1.5×',
      met: false,
    });
  ratioRow('BPMN PI/s HTTP PGlite / bpmn-engine', ratios('wfkit over HTTP, PGlite'), '≥ 1.0×', (m) => m >= 1.0);
}

// ---------------------------------------------------------------------------------------------------------------
// SQL round trips and commits per command: the app over a Db that counts what reaches the store.
function countingDb(db) {
  const counts = { statements: 0, transactions: 0, autocommitWrites: 0 };
  const wrap = (q, inTx) => ({
    query(sql, params) {
      counts.statements++;
      if (!inTx && !/^\s*SELECT\b/i.test(sql)) counts.autocommitWrites++;
      return q.query(sql, params);
    },
    exec(sql) {
      counts.statements++;
      return q.exec(sql);
    },
  });
  return {
    kind: db.kind,
    serializesTransactions: db.serializesTransactions,
    ...wrap(db, false),
    transaction(fn) {
      counts.transactions++;
      return db.transaction((tx) => fn(wrap(tx, true)));
    },
    close: () => db.close(),
    counts,
    reset() {
      counts.statements = 0;
      counts.transactions = 0;
      counts.autocommitWrites = 0;
    },
  };
}

async function roundTripsFigure() {
  log('\n## SQL round trips per command (statements + BEGIN/COMMIT of each transaction), mean of 20 instances');
  const { openPglite } = await import('@wfkit/engine');
  const db = countingDb(await openPglite());
  const app = createApp({ store: db, jobs: { start: false }, docs: false });
  await app.ready;
  const call = idmCaller('http://localhost', (r) => app.fetch(r));
  await deploy(call);
  for (let i = 0; i < 5; i++) await oneInstance(call);
  const per = { start: [], lookup: [], claim: [], complete: [] };
  const measure = async (name, fn) => {
    db.reset();
    const out = await fn();
    const { statements, transactions, autocommitWrites } = db.counts;
    per[name].push({ trips: statements + 2 * transactions, commits: transactions + autocommitWrites });
    return out;
  };
  for (let i = 0; i < 20; i++) {
    const pi = await measure('start', () => call('POST', 'processinstance?_action=create', { _key: 'oneTask' }));
    const q = await measure('lookup', () =>
      call('GET', `taskinstance?_queryId=filtered-query&processInstanceId=${pi._id}`),
    );
    const id = q.result[0]._id;
    await measure('claim', () => call('POST', `taskinstance/${id}?_action=claim`, { userId: 'openidm-admin' }));
    await measure('complete', () => call('POST', `taskinstance/${id}?_action=complete`, {}));
  }
  await app.close();
  await db.close();
  const mean = (xs, k) => xs.reduce((a, x) => a + x[k], 0) / xs.length;
  let worst = 0;
  let total = 0;
  let commits = 0;
  for (const [name, xs] of Object.entries(per)) {
    const trips = mean(xs, 'trips');
    log(`  ${name.padEnd(9)} ${trips.toFixed(1)} round trips, ${mean(xs, 'commits').toFixed(1)} commits`);
    total += trips;
    commits += mean(xs, 'commits');
    if (name !== 'lookup') worst = Math.max(worst, trips);
  }
  log(`  per process instance (4 calls): ${total.toFixed(1)} round trips, ${commits.toFixed(1)} commits`);
  table.push({
    figure: 'SQL round trips per start/claim/complete (worst command)',
    value: worst.toFixed(1),
    spread: `${total.toFixed(0)} per PI incl. task lookup, ${commits.toFixed(0)} commits`,
    goal: '≤ 6',
    met: worst <= 6,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// History filter latency at 1k and 50k instances: history rows of a few real instances, copied with SQL.
async function seededApp(store, instances) {
  const app = createApp({ store, jobs: { start: false }, docs: false });
  await app.ready;
  const call = idmCaller('http://localhost', (r) => app.fetch(r));
  await deploy(call);
  await oneInstance(call);
  const copies = instances - 1;
  await copyRows(app.db(), 'wf_hi_instance', copies, {
    id: `t.id || '-' || g`,
    business_key: `'bk-' || g`,
  });
  await app.db().query('ANALYZE');
  return { app, call };
}

async function historyFigure(storeName) {
  const sizes = [1000, 50000];
  log(`\n## history filter businessKey eq "…", ${storeName}, ${sizes.join(' vs ')} instances, ${ROUNDS} rounds`);
  const open = async (n, url) => seededApp(url ? { databaseUrl: url } : {}, n);
  const run = async (url1, url2) => {
    const small = await open(sizes[0], url1);
    const large = await open(sizes[1], url2);
    const ratios = [];
    const sample = async ({ call }, n) => {
      const times = [];
      for (let i = 0; i < 60; i++) {
        const key = `bk-${1 + Math.floor(Math.random() * (n - 1))}`;
        const t0 = performance.now();
        const r = await call(
          'GET',
          `processinstance/history?_queryFilter=${encodeURIComponent(`businessKey eq "${key}"`)}`,
        );
        times.push(performance.now() - t0);
        if (r.result.length !== 1) throw new Error(`expected one instance for ${key}, got ${r.result.length}`);
      }
      return median(times.slice(10));
    };
    for (let r = 0; r < ROUNDS; r++) {
      const [a, b] =
        r % 2
          ? [await sample(large, sizes[1]), await sample(small, sizes[0])].reverse()
          : [await sample(small, sizes[0]), await sample(large, sizes[1])];
      ratios.push(b / a);
      log(`  round ${r + 1}: p50 ${a.toFixed(2)} ms at 1k, ${b.toFixed(2)} ms at 50k  load ${load()}`);
    }
    await small.app.close();
    await large.app.close();
    ratioRow(`history filter p50 at 50k / 1k instances, ${storeName}`, ratios, '≤ 1.5×', (m) => m <= 1.5);
  };
  if (storeName === 'PostgreSQL') await withPgDatabase((u1) => withPgDatabase((u2) => run(u1, u2)));
  else await run();
}

// ---------------------------------------------------------------------------------------------------------------
// List latency: FLOW definitions and executions and Kontent items at 20 and 5,000 rows, first and last page (lists.mjs).
async function listsFigure(storeName) {
  const sizes = [20, 5000];
  log(`\n## lists, ${storeName}, ${sizes.join(' vs ')} rows, p50 per page, ${ROUNDS} rounds`);
  const run = async (url1, url2) => {
    const small = await seededListApp(url1 ? { databaseUrl: url1 } : {}, sizes[0]);
    const large = await seededListApp(url2 ? { databaseUrl: url2 } : {}, sizes[1]);
    const ratios = {};
    for (let r = 0; r < ROUNDS; r++) {
      const a = await sampleLists(small, sizes[0]);
      const b = await sampleLists(large, sizes[1]);
      for (const k of Object.keys(a)) {
        ratios[k] ??= [];
        ratios[k].push(b[k] / a[k]);
      }
      log(
        `  round ${r + 1}: ${Object.keys(a)
          .map((k) => `${k} ${a[k].toFixed(1)} → ${b[k].toFixed(1)} ms`)
          .join('; ')}  load ${load()}`,
      );
    }
    await small.app.close();
    await large.app.close();
    for (const [k, xs] of Object.entries(ratios))
      ratioRow(`${k} at 5k / 20 rows, ${storeName}`, xs, '(reported)', () => true);
  };
  if (storeName === 'PostgreSQL') await withPgDatabase((u1) => withPgDatabase((u2) => run(u1, u2)));
  else await run();
}

// ---------------------------------------------------------------------------------------------------------------
// Overdue timers: a server with TIMERS instances whose timers are all due; timers fired per second and /health p99
// (probed from this process, one request at a time) while they drain. BENCH_ROUNDS rounds, the stores interleaved
// within a round, each on a fresh store; per store the figure is the median round, with the spread of the rounds.
async function timersFigure(storeNames) {
  log(`\n## ${TIMERS} overdue timers draining, ${storeNames.join(' and ')} interleaved`);
  const round = async (storeName, store) => {
    // BENCH_CPU_PROFILE=<prefix>: each round's server writes <prefix>-<store>-<round>.cpuprofile of its drain.
    const profile = process.env.BENCH_CPU_PROFILE;
    const s = spawnJsonLines(side('timers.mjs'), [store, String(TIMERS)], {
      BENCH_CPU_PROFILE: profile ? `${profile}-${storeName}-${roundsOf.get(storeName).length + 1}.cpuprofile` : '',
    });
    try {
      const { port } = await s.next();
      // One request first, unrecorded: the prober's new connection and the server's first request are start-up
      // costs (that first probe took up to 170 ms), not what the drain does to a request.
      await (await fetch(`http://127.0.0.1:${port}/health`)).arrayBuffer();
      const health = [];
      let probing = true;
      const probe = (async () => {
        while (probing) {
          const t0 = performance.now();
          const res = await fetch(`http://127.0.0.1:${port}/health`);
          await res.arrayBuffer();
          health.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      s.child.stdin.write('go\n');
      const done = await s.next();
      probing = false;
      await probe;
      s.child.stdin.write('stop\n');
      const rate = done.drained / (done.ms / 1000);
      const p99 = quantile(health, 0.99);
      log(
        `  ${storeName}: ${done.drained} timers in ${(done.ms / 1000).toFixed(1)} s: ${rate.toFixed(0)} fired/s` +
          `, server CPU ${(done.cpuMs / done.drained).toFixed(2)} ms/timer` +
          `${done.deadLetters ? `, ${done.deadLetters} dead letters` : ''}; /health p50 ${quantile(health, 0.5).toFixed(1)} ms, ` +
          `p99 ${p99.toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms (${health.length} probes); ` +
          `server event-loop delay p99 ${done.loop.p99.toFixed(1)} ms, max ${done.loop.max.toFixed(1)} ms  load ${load()}`,
      );
      return { rate, p99 };
    } finally {
      s.kill();
    }
  };
  const roundsOf = new Map(storeNames.map((name) => [name, []]));
  for (let i = 0; i < ROUNDS; i++)
    for (const name of storeNames)
      roundsOf
        .get(name)
        .push(name === 'PostgreSQL' ? await withPgDatabase((url) => round(name, url)) : await round(name, 'pglite'));
  for (const [storeName, rounds] of roundsOf) timersRows(storeName, rounds);
}

function timersRows(storeName, rounds) {
  const spread = (xs, digits) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return xs.length > 1 ? `${fmt(sorted[0], digits)}–${fmt(sorted.at(-1), digits)} (${xs.length} rounds)` : '1 run';
  };
  const rate = median(rounds.map((r) => r.rate));
  const p99 = median(rounds.map((r) => r.p99));
  const goal = storeName === 'PostgreSQL' ? 1000 : 300;
  table.push({
    figure: `overdue timers fired per second, ${storeName}`,
    value: rate.toFixed(0),
    spread: spread(
      rounds.map((r) => r.rate),
      0,
    ),
    goal: `≥ ${goal}`,
    met: rate >= goal,
  });
  table.push({
    figure: `/health p99 while ${TIMERS} timers drain, ${storeName}`,
    value: `${p99.toFixed(1)} ms`,
    spread: spread(
      rounds.map((r) => r.p99),
      1,
    ),
    goal: '< 50 ms',
    met: p99 < 50,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Cold start to the first 200 on /health: a fresh data folder and one with 10k instances, vs a bare node:http
// server; idle RSS a few seconds after start.
async function startFigure() {
  log(`\n## cold start to first /health 200, ${ROUNDS} rounds`);
  // A data folder with 10k instances (runtime and history rows of real instances, copied with SQL).
  const seeded = mkdtempSync(join(tmpdir(), 'wfkit-bench-10k-'));
  {
    const { app } = await seededApp({ dataDir: join(seeded, 'data') }, 10000);
    await copyRows(app.db(), 'wf_instance', 9999, { id: `t.id || '-' || g`, business_key: `'bk-' || g` });
    await app.close();
  }
  // The template of the PGlite floor: the data folder a fresh start leaves behind.
  const template = mkdtempSync(join(tmpdir(), 'wfkit-bench-template-'));
  await (await startServer({}, { dataDir: template })).stop();
  const bareScript = side('bare-server.mjs');
  const ratios = { fresh: [], tenK: [], floor: [], wfkit: [] };
  const ms = { bare: [], floor: [], fresh: [], tenK: [] };
  const rss = [];
  const floorRss = [];
  for (let r = 0; r < ROUNDS; r++) {
    const runs = [
      ['bare', () => startServer({}, { script: bareScript })],
      ['floor', () => startServer({ TEMPLATE: join(template, 'data') }, { script: side('pglite-boot.mjs') })],
      ['fresh', () => startServer()],
      ['tenK', () => startServer({}, { dataDir: seeded })],
    ];
    const got = {};
    for (let i = 0; i < runs.length; i++) {
      const [name, start] = runs[(r + i) % runs.length];
      const server = await start();
      got[name] = server.ms;
      ms[name].push(server.ms);
      if (name === 'fresh' || name === 'floor') {
        await new Promise((res) => setTimeout(res, 3000));
        const mem = memoryMb(server.pid);
        if (mem) (name === 'fresh' ? rss : floorRss).push(mem);
      }
      await server.stop();
    }
    ratios.fresh.push(got.fresh / got.bare);
    ratios.tenK.push(got.tenK / got.bare);
    ratios.floor.push(got.floor / got.bare);
    ratios.wfkit.push(got.fresh / got.floor);
    log(
      `  round ${r + 1}: bare ${got.bare.toFixed(0)} ms, PGlite floor ${got.floor.toFixed(0)} ms, fresh folder ` +
        `${got.fresh.toFixed(0)} ms, 10k instances ${got.tenK.toFixed(0)} ms  load ${load()}`,
    );
  }
  rmSync(seeded, { recursive: true, force: true });
  rmSync(template, { recursive: true, force: true });
  log(
    `  medians: bare ${median(ms.bare).toFixed(0)} ms, PGlite floor ${median(ms.floor).toFixed(0)} ms, ` +
      `fresh ${median(ms.fresh).toFixed(0)} ms, 10k ${median(ms.tenK).toFixed(0)} ms`,
  );
  ratioRow('cold start, fresh data folder / bare node:http', ratios.fresh, '≤ 2×', (m) => m <= 2);
  ratioRow('restart on 10k instances / bare node:http', ratios.tenK, '(reported)', () => true);
  // Where the time goes: the embedded PostgreSQL's own boot (copy its folder, start PGlite, one query) against bare
  // node:http, and what wfkit adds on top of that floor.
  ratioRow('PGlite floor (copy folder, boot, SELECT 1) / bare node:http', ratios.floor, '(reported)', () => true);
  ratioRow('cold start, fresh data folder / PGlite floor', ratios.wfkit, '(reported)', () => true);
  if (rss.length) {
    const idle = median(rss.map((m) => m.rss));
    log(
      `  idle RSS 3 s after start (PGlite): ${rss.map((m) => `${m.rss.toFixed(0)} MB (peak ${m.peak.toFixed(0)})`).join(', ')}`,
    );
    if (floorRss.length) {
      log(
        `  idle RSS 3 s after start (PGlite floor, no wfkit): ${floorRss.map((m) => `${m.rss.toFixed(0)} MB (peak ${m.peak.toFixed(0)})`).join(', ')}`,
      );
    }
    table.push({
      figure: 'idle RSS on PGlite',
      value: `${idle.toFixed(0)} MB`,
      spread: `peak ${median(rss.map((m) => m.peak)).toFixed(0)} MB`,
      goal: '≤ 200 MB',
      met: idle <= 200,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SDK per-call overhead: the client package's own benchmark (interleaved, medians), its ratios read from its output.
async function sdkFigure() {
  log('\n## SDK per-call overhead (packages/client/bench/overhead.mjs)');
  const script = join(here, '..', '..', '..', 'packages', 'client', 'bench', 'overhead.mjs');
  const out = await new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = '';
    child.stdout.on('data', (d) => {
      s += d;
    });
    child.on('exit', () => resolve(s));
  });
  for (const line of out.trim().split('\n')) log(`  ${line}`);
  const ratio = Number(/ratio resource method \/ raw fetch: ([\d.]+) \(rounds ([^)]*)\)/.exec(out)?.[1]);
  const spread = /ratio resource method \/ raw fetch: [\d.]+ \(rounds ([^)]*)\)/.exec(out)?.[1];
  const floor = /ratio openapi-fetch alone \/ raw fetch: ([\d.]+)/.exec(out)?.[1];
  const ours = /wfkit's layers over openapi-fetch: ([\d.-]+) µs/.exec(out)?.[1];
  table.push({
    figure: 'SDK per-call overhead vs raw fetch (resource method)',
    value: Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(3)}×`,
    spread: `${spread ?? '?'}; openapi-fetch alone ${floor ?? '?'}×; load ${load()}`,
    goal: '≤ 1.05×',
    met: ratio <= 1.05,
  });
  table.push({
    figure: "SDK: wfkit's layers over openapi-fetch, CPU per call (stub fetch)",
    value: ours === undefined ? 'n/a' : `${ours} µs`,
    spread: 'median of 7 rounds',
    goal: '(reference)',
    met: undefined,
  });
}

// ---------------------------------------------------------------------------------------------------------------
const started = performance.now();
log(
  `wfkit bench: Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, ` + `stores: ${stores.join(', ')}${pgUrl ? '' : ' (set DATABASE_URL to measure PostgreSQL)'}`,
);
if (wanted('bpmn')) await bpmnFigure();
if (wanted('roundtrips')) await roundTripsFigure();
if (wanted('history')) for (const s of stores) await historyFigure(s);
if (wanted('lists')) for (const s of stores) await listsFigure(s);
if (wanted('timers')) await timersFigure(stores);
if (wanted('start')) await startFigure();
if (wanted('sdk')) await sdkFigure();

const cols = ['figure', 'value', 'goal', 'met', 'spread'];
const rows = table.map((r) => ({ ...r, met: r.goal.startsWith('(') ? '' : r.met ? 'met' : 'NOT MET' }));
const width = (k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length));
log(
  `\n## goals (${((performance.now() - started) / 1000).toFixed(0)} s; load average during the run ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)}, now ${loadavg()[0].toFixed(1)})`,
);
log(`| ${cols.map((c) => c.padEnd(width(c))).join(' | ')} |`);
log(`|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`);
for (const r of rows) log(`| ${cols.map((c) => String(r[c]).padEnd(width(c))).join(' | ')} |`);
