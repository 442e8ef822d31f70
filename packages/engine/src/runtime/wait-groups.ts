/**
 * Due timers and async continuations of many process instances in one transaction (the job executor's groups): the
 * group locks the instances' roots and reads the instances in two statements, runs each job's command in memory in
 * its own session, and writes the commands together in one statement for the group (its deletes go apart when they
 * share a table with its writes), where one job at a time costs about six round trips.
 *
 * A command that needs the database while it runs (a script's host call, a signal to another instance, a task to
 * cancel) gets it: its first query writes the commands before it and sets a savepoint, so it sees what they did and a
 * failure rolls back to there; what it touched is read again by the jobs after it. A command that fails in memory
 * leaves nothing to undo. Either way a failed job is reported to the executor, which retries it later.
 */

import type { Queryable } from '../store/db.js';
import type { CommandJobs, Runtime } from './commands.js';
import type { ExternalCall } from './external-tasks.js';
import { type LoadedInstanceRow, loadInstanceRows, lockRoots, type Session } from './session.js';
import type { QueuedSignal } from './signals.js';

export type WaitKind = 'timer' | 'async';

/** A job continuing one waiting execution; instanceId and rootId come from its payload (older jobs may lack them). */
export interface WaitJob {
  jobId: string;
  executionId: string;
  instanceId?: string;
  rootId?: string;
}

/**
 * Continues the executions of `jobs` in `tx`, in order, calling `pause` between them; returns the jobs that failed,
 * with their errors.
 */
export async function continueWaitGroup(
  rt: Runtime,
  tx: Queryable,
  kind: WaitKind,
  jobs: readonly WaitJob[],
  pause?: () => Promise<void>,
): Promise<Map<string, unknown>> {
  const failures = new Map<string, unknown>();
  const ahead = await readAhead(rt, tx, jobs);
  const pending = new PendingCommands(rt, tx);
  /** Roots whose rows a command changed through the database: what was read ahead of them is stale. */
  const stale = new Set<string>();
  for (const [i, job] of jobs.entries()) {
    // The commands run in memory back to back: let HTTP in between them.
    if (i > 0) await pause?.();
    const row = job.instanceId ? ahead.get(job.instanceId) : undefined;
    const inMemory = row !== undefined && !stale.has(job.rootId!) && !pending.covers(job.rootId!);
    const gate = new Gate(tx, () => pending.write());
    const s = rt.session(gate);
    const x = rt.executor(s);
    try {
      if (inMemory) {
        ahead.delete(job.instanceId!);
        const inst = await s.adopt(row);
        const e = inst.execs.get(job.executionId);
        if (e?.eventType === kind) await x.trigger(inst, e);
      } else await rt.continueWaiting(s, x, kind, job.executionId);
      await x.run();
      if (gate.opened) {
        await rt.write(s, x);
        for (const inst of s.instances.values()) stale.add(inst.rootId);
      } else pending.add(s, x);
    } catch (error) {
      if (gate.broken) throw gate.broken;
      if (gate.opened) await tx.query('ROLLBACK TO SAVEPOINT wf_wait');
      failures.set(job.jobId, error);
    }
  }
  await pending.write();
  return failures;
}

/** Locks the roots of the jobs' instances and reads the instances (and caches their graphs) ahead of the commands. */
async function readAhead(
  rt: Runtime,
  tx: Queryable,
  jobs: readonly WaitJob[],
): Promise<Map<string, LoadedInstanceRow>> {
  const known = jobs.filter((j) => j.instanceId && j.rootId);
  const locked = await lockRoots(tx, [...new Set(known.map((j) => j.rootId!))]);
  const ids = [...new Set(known.filter((j) => locked.has(j.rootId!)).map((j) => j.instanceId!))];
  const rows = await loadInstanceRows(tx, ids);
  for (const definitionId of new Set(rows.map((r) => r.inst.definition_id as string)))
    await rt.graphOf(tx, definitionId);
  return new Map(rows.map((r) => [r.inst.id as string, r]));
}

/** Commands that ran in memory, written together when the group ends or a command needs the database. */
class PendingCommands {
  private sessions: Session[] = [];
  private jobs: { externalCalls: ExternalCall[]; signalJobs: QueuedSignal[] } = { externalCalls: [], signalJobs: [] };
  private readonly roots = new Set<string>();

  constructor(
    private readonly rt: Runtime,
    private readonly tx: Queryable,
  ) {}

  covers(rootId: string): boolean {
    return this.roots.has(rootId);
  }

  add(s: Session, out: CommandJobs): void {
    this.sessions.push(s);
    this.jobs.externalCalls.push(...out.externalCalls);
    this.jobs.signalJobs.push(...out.signalJobs);
    for (const inst of s.instances.values()) this.roots.add(inst.rootId);
  }

  async write(): Promise<void> {
    const [first, ...rest] = this.sessions;
    if (!first) return;
    for (const s of rest) first.absorb(s);
    const jobs = this.jobs;
    this.sessions = [];
    this.jobs = { externalCalls: [], signalJobs: [] };
    this.roots.clear();
    await this.rt.write(first, jobs, this.tx);
  }
}

/**
 * The transaction as one command of the group sees it: its first statement writes the pending commands and sets a
 * savepoint. A failure of that (the group's writes) is the group's, not the command's: `broken`.
 */
class Gate implements Queryable {
  private opening: Promise<void> | undefined;
  broken: unknown;

  constructor(
    private readonly tx: Queryable,
    private readonly before: () => Promise<void>,
  ) {}

  get opened(): boolean {
    return this.opening !== undefined;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
    await this.open();
    return this.tx.query<T>(sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.open();
    await this.tx.exec(sql);
  }

  private open(): Promise<void> {
    this.opening ??= (async () => {
      try {
        await this.before();
        await this.tx.query('SAVEPOINT wf_wait');
      } catch (e) {
        this.broken = e;
        throw e;
      }
    })();
    return this.opening;
  }
}
