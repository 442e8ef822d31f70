/**
 * A restart after `kill -9` inside a container, where the server is PID 1 every time: the lock file left behind
 * names PID 1, which is alive (it is the new server itself), yet the data folder must open. Runs the built server in
 * a fresh PID namespace (`unshare --pid --fork --mount-proc`); skips with a message where that is not allowed (not
 * root, no unshare).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const temp = mkdtempSync(join(tmpdir(), 'wfkit-pid1-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const UNSHARE = ['--pid', '--fork', '--mount-proc', '--kill-child'];
const probe = spawnSync('unshare', [...UNSHARE, 'true'], { stdio: 'ignore' });
const canUnshare = probe.status === 0;
if (!canUnshare) console.warn('pid1 restart test skipped: `unshare --pid --fork --mount-proc` is not allowed here');

function startAsPid1(dataDir: string) {
  const child: ChildProcess = spawn('unshare', [...UNSHARE, process.execPath, main], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', WFKIT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const ready = (async () => {
    for (let i = 0; i < 600; i++) {
      for (const line of out.split('\n')) {
        try {
          const l = JSON.parse(line);
          if (l.msg === 'ready') return l.url as string;
        } catch {}
      }
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`server did not become ready: ${err} ${out}`);
  })();
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { child, ready, exited };
}

describe.skipIf(!canUnshare)('restart as PID 1 in a PID namespace', () => {
  it('opens the data folder again after kill -9, though the lock names PID 1, and keeps the data', async () => {
    const dataDir = join(temp, 'data');
    const first = startAsPid1(dataDir);
    const url = await first.ready;
    // The server inside the namespace is PID 1, and says so in its lock file.
    expect(readFileSync(join(dataDir, 'wfkit.lock'), 'utf8')).toMatch(/"pid":\s*1\b|^1\b/);
    const saved = await fetch(`${url}/openidm/workflow/model?_action=create`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-OpenIDM-Username': 'openidm-admin',
        'X-OpenIDM-Password': 'openidm-admin',
      },
      body: JSON.stringify({ name: 'survivor' }),
    });
    expect(saved.status).toBe(201);
    // kill -9 of unshare with --kill-child takes the namespace's PID 1 down with it, as a container runtime would.
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startAsPid1(dataDir);
    try {
      const again = await second.ready;
      const models = await fetch(`${again}/openidm/workflow/model?_queryFilter=true`, {
        headers: { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' },
      });
      expect((await models.json()).result.map((m: { name: string }) => m.name)).toContain('survivor');
    } finally {
      // unshare --fork ignores SIGTERM; the namespace goes with its PID 1 (--kill-child).
      second.child.kill('SIGKILL');
      await second.exited;
    }
  }, 120_000);
});
