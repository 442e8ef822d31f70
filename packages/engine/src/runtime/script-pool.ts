/**
 * A pool of script workers (worker_threads, Node only): scripts run off the main thread, so an endless loop or a
 * memory bomb costs a worker, never the server. The main thread answers the workers' host calls (they may be async
 * here: an `openidm` call inside the command's transaction) while the worker blocks on Atomics.wait. A worker that
 * overruns its run (wall time + grace) or dies (its own heap limit) is terminated and replaced.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { importNodeOnly } from '../store/node-only.js';
import { SCRIPT_WORKER_SOURCE } from './script-worker-source.js';

export interface PoolRunLimits {
  timeoutMs: number;
  memoryBytes: number;
  maxCalls: number;
  maxOutputBytes: number;
  maxLogBytes: number;
}

export interface PoolRun {
  source: string;
  /** JSON text of the globals. */
  globals: string;
  functions: Record<string, (...args: unknown[]) => unknown>;
  limits: PoolRunLimits;
  nowMs: number;
}

export interface PoolOutcome {
  result?: string;
  logs: string[];
  error?: { message: string; line?: number; limit?: string };
}

/** Time a worker gets beyond the script's limit before it is terminated (its own interrupt should stop it first). */
const GRACE_MS = 1000;
/** Time a fresh worker gets to start and load QuickJS (a busy machine can take seconds). */
const STARTUP_MS = 60_000;

interface Slot {
  worker: Worker;
  flag: Int32Array;
  reply: MessagePort;
  job:
    | { id: number; run: PoolRun; resolve: (o: PoolOutcome) => void; timer: ReturnType<typeof setTimeout> }
    | undefined;
}

let nextId = 1;

export class ScriptPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { run: PoolRun; resolve: (o: PoolOutcome) => void }[] = [];
  private modules: Promise<{ wt: typeof import('node:worker_threads'); quickjsPath: string }> | undefined;

  constructor(readonly size: number) {}

  private load() {
    this.modules ??= (async () => {
      const wt = await importNodeOnly<typeof import('node:worker_threads')>('node:worker_threads');
      const { createRequire } = await importNodeOnly<typeof import('node:module')>('node:module');
      const quickjsPath = createRequire(import.meta.url).resolve('quickjs-emscripten');
      return { wt, quickjsPath };
    })();
    return this.modules;
  }

  run(run: PoolRun): Promise<PoolOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ run, resolve });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    const { wt, quickjsPath } = await this.load();
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn(wt, quickjsPath);
      }
      const next = this.queue.shift()!;
      this.start(slot, next.run, next.resolve);
    }
  }

  private spawn(wt: typeof import('node:worker_threads'), quickjsPath: string): Slot {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const channel = new wt.MessageChannel();
    const worker = new wt.Worker(SCRIPT_WORKER_SOURCE, {
      eval: true,
      workerData: { flag, replyPort: channel.port1, quickjsPath },
      transferList: [channel.port1],
      // The worker's own heap: a bug in our worker code can't grow the server's.
      resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    const slot: Slot = { worker, flag, reply: channel.port2, job: undefined };
    worker.on('message', (m: { type: string; id: number } & Record<string, unknown>) => this.onMessage(slot, m));
    // After the listener: adding a 'message' listener refs the worker again, and an idle worker must not keep the
    // process alive (a script run left `pnpm bench` and scripts using createApp hanging at their end).
    worker.unref();
    channel.port2.unref();
    const dead = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      this.finish(slot, { logs: [], error: { message: why, limit: 'memory' } });
      void this.pump();
    };
    worker.on('error', (e: NodeJS.ErrnoException) =>
      dead(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'Script exceeded its memory limit (the script worker ran out of memory)'
          : `The script worker failed: ${e.message}`,
      ),
    );
    worker.on('exit', () => dead('The script worker stopped'));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, run: PoolRun, resolve: (o: PoolOutcome) => void) {
    const id = nextId++;
    slot.job = { id, run, resolve, timer: this.deadline(slot, id, run, STARTUP_MS) };
    slot.worker.postMessage({
      type: 'run',
      id,
      source: run.source,
      globals: run.globals,
      functions: Object.keys(run.functions),
      limits: run.limits,
      nowMs: run.nowMs,
    });
  }

  /** Terminates and replaces the worker if the job is still running after `ms`. */
  private deadline(slot: Slot, id: number, run: PoolRun, ms: number) {
    return setTimeout(() => {
      // Its interrupt handler should have stopped it: the worker is stuck (e.g. in a host call); replace it.
      if (slot.job?.id !== id) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      this.finish(slot, {
        logs: [],
        error: { message: `Script exceeded its time limit of ${run.limits.timeoutMs} ms`, limit: 'time' },
      });
      void slot.worker.terminate();
      void this.pump();
    }, ms);
  }

  private finish(slot: Slot, outcome: PoolOutcome) {
    const job = slot.job;
    if (!job) return;
    slot.job = undefined;
    clearTimeout(job.timer);
    job.resolve(outcome);
  }

  private async onMessage(slot: Slot, m: { type: string; id: number } & Record<string, unknown>) {
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    if (m.type === 'done') {
      this.finish(slot, m as unknown as PoolOutcome);
      void this.pump();
      return;
    }
    if (m.type === 'started') {
      clearTimeout(job.timer);
      job.timer = this.deadline(slot, job.id, job.run, job.run.limits.timeoutMs + GRACE_MS);
      return;
    }
    if (m.type !== 'call') return;
    let answer: { ok: true; value: string | undefined } | { ok: false; error: string };
    try {
      const fn = job.run.functions[m.name as string];
      if (!fn) throw new Error(`${String(m.name)} is not a function`);
      const value = await fn(...(JSON.parse(m.args as string) as unknown[]));
      answer = { ok: true, value: value === undefined ? undefined : JSON.stringify(value) };
    } catch (e) {
      answer = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    if (slot.job !== job) return; // timed out meanwhile
    slot.reply.postMessage({ ...answer, seq: m.seq });
    Atomics.store(slot.flag, 0, 1);
    Atomics.notify(slot.flag, 0);
  }
}
