// The timer figure's server: `node timers.mjs <pglite|postgres-url> <count>`. Starts <count> instances that wait on a
// one-hour timer, moves every timer's due date into the past, then serves HTTP (as the server does) and starts the
// job executor. Prints { port } when the backlog is due and served, then { drained, ms, cpuMs, loop, deadLetters } when no
// job is left: the drain's wall and CPU milliseconds and the event loop's delay meanwhile (p50, p99, max in ms).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from '@wfkit/engine';
import { deploy, idmCaller, TIMER_XML } from './bpmn.mjs';

const [store, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 2000);
const app = createApp({
  store: store === 'pglite' ? {} : { databaseUrl: store },
  jobs: { start: false },
  docs: false,
});
await app.ready;
const call = idmCaller('http://localhost', (r) => app.fetch(r));
await deploy(call, TIMER_XML, 'One timer');
let started = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (started < count) {
      started++;
      await call('POST', 'processinstance?_action=create', { _key: 'oneTimer' });
    }
  }),
);
const db = app.db();
await db.query(`UPDATE jobs SET due_at = now() - interval '1 minute'`);
const jobsLeft = async () => (await db.query('SELECT count(*)::int AS n FROM jobs')).rows[0].n;
const total = await jobsLeft();

const server = createAdaptorServer({ fetch: app.fetch });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
process.stdout.write(`${JSON.stringify({ port: server.address().port, jobs: total })}\n`);
// The parent starts probing /health, then says go; after the drained line it says stop.
const lines = [];
let wake;
process.stdin.on('data', (d) => {
  lines.push(String(d));
  wake?.();
});
const nextLine = async () => {
  while (lines.length === 0) await new Promise((r) => (wake = r));
  return lines.shift();
};
await nextLine();
// BENCH_CPU_PROFILE=<file>: a CPU profile of the drain alone (not of the setup), for `node --cpu-prof`-style tools.
const profiler = process.env.BENCH_CPU_PROFILE ? await startProfiler() : undefined;
// How late the event loop runs a due callback while the drain goes on: the wait any request sees before it is read.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
app.jobs().start();
for (;;) {
  await new Promise((r) => setTimeout(r, 50));
  if ((await jobsLeft()) === 0) break;
}
const ms = performance.now() - t0;
const { user, system } = process.cpuUsage(cpu0);
loopDelay.disable();
const loop = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
await profiler?.stop(process.env.BENCH_CPU_PROFILE);
const deadLetters = (await db.query('SELECT count(*)::int AS n FROM dead_letter_jobs')).rows[0].n;
process.stdout.write(`${JSON.stringify({ drained: total, ms, cpuMs: (user + system) / 1000, loop, deadLetters })}\n`);
await nextLine();
server.close();
server.closeAllConnections?.();
await app.close();
process.exit(0);

async function startProfiler() {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
