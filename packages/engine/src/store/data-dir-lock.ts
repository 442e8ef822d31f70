/**
 * PGlite is one connection in one process, and two processes on one data folder corrupt it. So the engine takes a
 * lock file in the folder (with its pid) and refuses a second start. A lock left by a process that is gone is taken
 * over.
 */
import { importNodeOnly } from './node-only.js';

export const LOCK_FILE = 'wfkit.lock';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by another wfkit process (pid ${pid}). PGlite allows one process per data ` +
        `folder: stop that process, or use another WFKIT_DATA_DIR, or PostgreSQL (DATABASE_URL) for several nodes.`,
    );
  }
}

interface LockInfo {
  pid: number;
  host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock; returns its release function. Throws DataDirLockedError when a live process holds it. */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  const [{ closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync }, { hostname }, { join }] =
    await Promise.all([
      importNodeOnly<typeof import('node:fs')>('node:fs'),
      importNodeOnly<typeof import('node:os')>('node:os'),
      importNodeOnly<typeof import('node:path')>('node:path'),
    ]);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const me: LockInfo = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ ...me, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          const held = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
          if (held.pid === me.pid && held.host === me.host) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      // A crash still releases it; a SIGKILL leaves it, and the next start sees the pid is dead.
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let held: LockInfo | undefined;
    try {
      held = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      held = undefined; // half-written or unreadable: treat as stale
    }
    const otherHost = held && held.host !== me.host;
    if (held && (otherHost || alive(held.pid))) throw new DataDirLockedError(dataDir, held.pid);
    try {
      unlinkSync(file);
    } catch {
      // someone else took it over first; loop and see
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
