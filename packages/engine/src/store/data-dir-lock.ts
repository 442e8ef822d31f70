/**
 * PGlite is one connection in one process, and two processes on one data folder corrupt it. So the engine takes a
 * lock file in the folder and refuses a second start. A lock whose holder is gone is taken over; "gone" is decided by
 * what identifies a process, not its pid alone, since pids are reused:
 * - the lock records the holder's pid, host, boot id and process start time (Linux `/proc/<pid>/stat`); a live pid
 *   whose start time or boot differs is another process that got the pid (e.g. after a `kill -9` and a reboot or
 *   many forks): the lock is stale;
 * - a lock naming this very process's pid that this process does not hold is stale too: that is the container case,
 *   where every start of the server is pid 1;
 * - within one process, a second open of a folder this process holds is refused.
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
  /** Linux: the holder's start time in clock ticks since boot, and the boot id. */
  start?: string;
  boot?: string;
}

/** Folders this process holds (resolved paths). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lock's holder is still the process that wrote it. */
export function holderIsAlive(
  lock: LockInfo,
  me: { pid: number; host: string; boot: string | undefined },
  startOf: (pid: number) => string | undefined,
): boolean {
  if (lock.host !== me.host) return true; // another machine's process: we can't tell, so it holds
  if (lock.pid === me.pid) return false; // not held by this process (checked before): a previous life of this pid
  if (!alive(lock.pid)) return false;
  if (lock.boot && me.boot && lock.boot !== me.boot) return false; // written before a reboot
  const start = startOf(lock.pid);
  if (lock.start && start && lock.start !== start) return false; // the pid now belongs to another process
  return true;
}

/** Takes the lock; returns its release function. Throws DataDirLockedError when a live process holds it. */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  const [{ closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync }, { hostname }, { join, resolve }] =
    await Promise.all([
      importNodeOnly<typeof import('node:fs')>('node:fs'),
      importNodeOnly<typeof import('node:os')>('node:os'),
      importNodeOnly<typeof import('node:path')>('node:path'),
    ]);
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  // Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses).
  const startOf = (pid: number) => read(`/proc/${pid}/stat`)?.split(') ').pop()?.split(' ')[19];
  const boot = read('/proc/sys/kernel/random/boot_id')?.trim();
  const key = resolve(dataDir);
  if (held.has(key)) throw new DataDirLockedError(dataDir, process.pid);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const me = { pid: process.pid, host: hostname(), boot };
  const mine: LockInfo = { pid: me.pid, host: me.host };
  const start = startOf(me.pid);
  if (start) mine.start = start;
  if (boot) mine.boot = boot;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ ...mine, since: new Date().toISOString() }));
      closeSync(fd);
      held.add(key);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(key);
        process.off('exit', release);
        try {
          const lock = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
          if (lock.pid === me.pid && lock.host === me.host) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      // A crash still releases it; a SIGKILL leaves it, and the next start sees its holder is gone.
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let lock: LockInfo | undefined;
    try {
      lock = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      lock = undefined; // half-written or unreadable: treat as stale
    }
    if (lock && holderIsAlive(lock, me, startOf)) throw new DataDirLockedError(dataDir, lock.pid);
    try {
      unlinkSync(file);
    } catch {
      // someone else took it over first; loop and see
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}
