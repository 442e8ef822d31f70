// Where a CPU profile's time goes: `node bench/profile-summary.mjs <file.cpuprofile> [top]` prints self time by
// package (or engine source file) and the top functions by self time. Profiles come from BENCH_CPU_PROFILE (timers)
// or `node --cpu-prof`.
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++)
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** A package name from a file URL (pnpm's node_modules/.pnpm/<pkg>/node_modules/<name>/…), or the engine's own file. */
function origin(url) {
  if (!url) return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node:*';
  const dist = /packages\/([^/]+)\/dist\/([^/]+)$/.exec(url) ?? /apps\/([^/]+)\/(?:dist|bench)\/(.+)$/.exec(url);
  return dist ? `${dist[1]}/${dist[2].replace(/-[A-Z0-9]{8}\.js$/, '.js')}` : url.replace(/^.*\//, '');
}

const byOrigin = new Map();
const byFunction = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const o = callFrame.url ? origin(callFrame.url) : `(${callFrame.functionName || 'program'})`;
  byOrigin.set(o, (byOrigin.get(o) ?? 0) + us);
  const f = `${callFrame.functionName || '(anonymous)'}  ${o}:${callFrame.lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
const print = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print('self time by origin', byOrigin);
print('self time by function', byFunction);
