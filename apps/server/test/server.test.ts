import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Runs the built server (turbo builds it before the tests): dist/main.js.
const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const temp = mkdtempSync(join(tmpdir(), 'wfkit-server-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  out: string[];
  err: string[];
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(...d.split('\n').filter(Boolean)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, err, exited };
}

async function waitForUrl(s: Started): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const ready = s.out.map((l) => JSON.parse(l)).find((l) => l.msg === 'ready');
    if (ready) return ready.url;
    if (s.child.exitCode !== null) throw new Error(`server exited: ${s.err.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not become ready');
}

describe('the server process', () => {
  it('starts on a fresh data folder, serves /health and /docs, logs requests, and stops on SIGTERM', async () => {
    const dataDir = join(temp, 'a');
    const first = run({ PORT: '0', WFKIT_DATA_DIR: dataDir });
    try {
      const url = await waitForUrl(first);
      const health = await fetch(`${url}/health`, { headers: { 'x-request-id': 'test-health-1' } });
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const docs = await fetch(`${url}/docs`);
      expect(docs.headers.get('content-type')).toContain('text/html');
      expect(existsSync(join(dataDir, 'wfkit.lock'))).toBe(true);
      expect(first.err.join('')).toContain('Kontent:  environment id');

      // A second server on the same data folder refuses to start, while the first keeps running.
      const second = run({ PORT: '0', WFKIT_DATA_DIR: dataDir });
      expect(await second.exited).toBe(1);
      expect(second.err.join('')).toMatch(/data folder .* is in use by another wfkit process \(pid \d+\)/);
      expect((await fetch(`${url}/health`)).status).toBe(200);

      const line = first.out
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'request' && l.requestId === 'test-health-1');
      expect(line).toMatchObject({
        level: 'info',
        method: 'GET',
        path: '/health',
        status: 200,
        ms: expect.any(Number),
      });
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
    expect(first.out.some((l) => JSON.parse(l).msg === 'stopped')).toBe(true);
    expect(existsSync(join(dataDir, 'wfkit.lock'))).toBe(false);
  });

  it('keeps its data folder usable after a stop: a restart comes up on it', async () => {
    const dataDir = join(temp, 'a');
    const again = run({ PORT: '0', WFKIT_DATA_DIR: dataDir });
    try {
      const url = await waitForUrl(again);
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      again.child.kill('SIGINT');
    }
    expect(await again.exited).toBe(0);
  });

  it('exits with 2 and a clear message on a bad PORT', async () => {
    const bad = run({ PORT: 'eighty', WFKIT_DATA_DIR: join(temp, 'b') });
    expect(await bad.exited).toBe(2);
    expect(bad.err.join('')).toContain('PORT must be a port number');
  });

  it('exits with 1 and a clear message when DATABASE_URL is unreachable', async () => {
    const bad = run({ PORT: '0', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(await bad.exited).toBe(1);
    expect(bad.err.join('')).toContain('Cannot reach PostgreSQL at postgres://postgres@127.0.0.1:1/none');
  });

  it('takes one Ctrl-C relayed by npm and pnpm (SIGINT, SIGINT, SIGTERM at once) as one clean stop: exit 0', async () => {
    const s = run({ PORT: '0', WFKIT_DATA_DIR: join(temp, 'ctrl-c') });
    await waitForUrl(s);
    s.child.kill('SIGINT');
    s.child.kill('SIGINT');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.out.map((l) => JSON.parse(l).msg)).toContain('stopped');
    expect(s.err.join('')).not.toContain('second signal');
  });
});
