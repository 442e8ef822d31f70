// `pnpm bench` (apps/server): figures for the reference server, printed, never asserted.
//  1. Start time: process start → first 200 from /health on a fresh embedded store (a new PGlite data folder),
//     a few runs and their median.
//  2. Throughput: every bench/*.bench.mjs (API modules add theirs), each given one running server.
//     A *.bench.mjs exports `default async function ({ url, measureRps, log }) {}`; see health.bench.mjs.
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureRps, median, startServer } from './lib.mjs';

const runs = Number(process.env.BENCH_START_RUNS ?? 5);
const times = [];
const cpu = [];
for (let i = 0; i < runs; i++) {
  const server = await startServer();
  times.push(server.ms);
  if (server.cpuMs !== undefined) cpu.push(server.cpuMs);
  await server.stop();
}
console.log(
  `start to first /health 200, fresh PGlite data folder: median ${Math.round(median(times))} ms ` +
    `(runs: ${times.map((t) => Math.round(t)).join(', ')} ms)` +
    (cpu.length ? `; server CPU time until then: median ${Math.round(median(cpu))} ms` : '') +
    `; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
);

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => !only || f.includes(only))
  .sort();
if (benches.length > 0) {
  const server = await startServer();
  try {
    for (const file of benches) {
      const mod = await import(pathToFileURL(join(here, file)).href);
      await mod.default({
        url: server.url,
        measureRps,
        log: (line) => console.log(`${file.replace('.bench.mjs', '')}: ${line}`),
      });
    }
  } finally {
    await server.stop();
  }
}
