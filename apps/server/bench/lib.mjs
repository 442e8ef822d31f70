// Helpers for the server benchmarks (bench/run.mjs and its sides/). Benchmarks print figures; they
// never assert on timings.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const mainJs = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function cpuTimeMs(pid) {
  try {
    // /proc/<pid>/stat: after the ")" closing the command name, utime and stime are fields 12 and 13 (clock ticks).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Resident and peak resident memory of a process in MB (Linux; undefined elsewhere). */
export function memoryMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** The p-quantile (0..1) of xs. */
export const quantile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Starts the built server on a fresh embedded store (a new temp data folder) and resolves when /health first
 * answers 200, with the milliseconds from spawning the process to that answer.
 */
export async function startServer(env = {}, { dataDir: existing, script = mainJs } = {}) {
  const port = await freePort();
  const dataDir = existing ?? mkdtempSync(join(tmpdir(), 'wfkit-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), WFKIT_DATA_DIR: join(dataDir, 'data'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  return {
    url,
    ms,
    pid: child.pid,
    /** CPU time the server process used until then (Linux; undefined elsewhere): steadier than wall time on a busy box. */
    cpuMs: cpuTimeMs(child.pid),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      if (!existing) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Requests per second of `send` (a function returning a fetch promise) with `concurrency` clients for `durationMs`.
 * Non-2xx answers are counted as errors.
 */
export async function measureRps(send, { concurrency = 8, durationMs = 3000, warmupMs = 500 } = {}) {
  const runFor = async (ms) => {
    let ok = 0;
    let errors = 0;
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const res = await send();
          await res.arrayBuffer();
          if (res.ok) ok++;
          else errors++;
        }
      }),
    );
    return { ok, errors };
  };
  await runFor(warmupMs);
  const t0 = performance.now();
  const { ok, errors } = await runFor(durationMs);
  const seconds = (performance.now() - t0) / 1000;
  return { rps: ok / seconds, ok, errors };
}

/** Copies a table's rows n times with SQL (`overrides`: a column's SQL over `t`, the row, and `g`, 1..n). */
export async function copyRows(db, table, n, overrides) {
  const { rows } = await db.query(
    `SELECT column_name FROM information_schema.columns
     WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
    [table],
  );
  const cols = rows.map((r) => r.column_name);
  const select = cols.map((c) => overrides[c] ?? `t.${c}`).join(', ');
  await db.query(
    `INSERT INTO ${table} (${cols.join(', ')}) SELECT ${select} FROM ${table} t, generate_series(1, ${n}) g`,
  );
}
