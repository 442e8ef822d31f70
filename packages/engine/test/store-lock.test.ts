/** The PGlite data-folder lock tells a live holder from a stale lock whose pid now names something else. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../src/store/data-dir-lock.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wfkit-lock-'));
  dirs.push(d);
  return d;
};
const startOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ')[19]!;
const onLinux = process.platform === 'linux';

describe.runIf(onLinux)('data folder lock', () => {
  let other: ChildProcess;
  beforeAll(async () => {
    // A live process that is not a wfkit server: it stands for a pid reused after a kill -9.
    other = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((r) => other.once('spawn', r));
  });
  afterAll(() => {
    other.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('takes over a lock whose pid now belongs to another process (start time differs)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: hostname(), start: '1' }));
    const release = await lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('refuses a lock held by the live process that wrote it', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: other.pid, host: hostname(), start: startOf(other.pid!) }),
    );
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
  });

  it("takes over a lock naming this process's own pid (pid 1 in a container after a crash)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), start: '1' }));
    const release = await lockDataDir(dir);
    // ... but a second open of a folder this process holds is refused.
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    release();
    const again = await lockDataDir(dir);
    again();
  });

  it('records what identifies the holder: pid, host, start time and boot', async () => {
    const dir = tempDir();
    const release = await lockDataDir(dir);
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, host: hostname(), start: startOf(process.pid) });
    expect(typeof lock.boot).toBe('string');
    release();
  });
});
