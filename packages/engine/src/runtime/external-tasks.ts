/**
 * Asynchronous external service tasks: a service task whose work (an HTTP call, a remote check) runs outside any
 * database transaction, so no lock is held while a slow service answers.
 *
 * 1. A token enters the node: the behaviour's `start` runs inside the command (the root row locked) and either
 *    answers at once (`{ result }`, the token moves on) or describes a call (`{ call }`): the token then waits
 *    (`event_type = 'external'`) and an `wf.external` job carrying the call commits with the command.
 * 2. The job executor runs the job's `outside` phase with no transaction open: `perform(call)`. A failed attempt is a
 *    job retry after the behaviour's delay (`retryDelaysMs[n-1]` after attempt n; `maxAttempts` is the job's).
 * 3. The outcome (the value, or the error of the last attempt) completes the waiting execution in a new command,
 *    in the job's transaction: `complete` runs there and its value goes to `service.resultVariable`.
 *
 * A waiting execution that goes away (the instance ended, a terminate end event) cancels its job; a call already in
 * flight then finds nothing to complete and is dropped.
 */
import type { ServiceBehaviourContext } from './behaviours.js';
import { type JobContext, type JobHandler, RetryJobLater } from './jobs.js';

export const EXTERNAL_JOB = 'wf.external';

/** What `start` decides: answer now, or call out and wait for the outcome. */
export type ExternalStart =
  | { result: unknown }
  | {
      /** JSON: what `perform` receives (it is stored with the job). */
      call: unknown;
      /** Attempts including the first (default 1). */
      maxAttempts?: number;
      /** The wait before attempt n+1 after attempt n failed (index n-1); the last value repeats; default 0. */
      retryDelaysMs?: number[];
    };

export type ExternalOutcome =
  | { ok: true; value: unknown; attempts: number }
  | { ok: false; error: unknown; attempts: number };

export interface ExternalServiceBehaviour {
  readonly external: true;
  start(ctx: ServiceBehaviourContext): Promise<ExternalStart> | ExternalStart;
  /** The call, outside any transaction. A throw fails the attempt; `describeError` turns it into the outcome's JSON. */
  perform(call: unknown, attempt: { number: number; now: Date }): Promise<unknown>;
  describeError?(err: unknown): unknown;
  /** Inside the completing command: apply the outcome; the return value is the task's result. */
  complete(ctx: ServiceBehaviourContext, outcome: ExternalOutcome): Promise<unknown> | unknown;
}

export function isExternalBehaviour(b: unknown): b is ExternalServiceBehaviour {
  return typeof b === 'object' && b !== null && (b as { external?: unknown }).external === true;
}

export interface ExternalJobPayload {
  executionId: string;
  instanceId: string;
  rootId: string;
  behaviour: string;
  call: unknown;
  retryDelaysMs: number[];
}

/** A call a command made, for the command to enqueue when it flushes. */
export interface ExternalCall {
  executionId: string;
  payload: ExternalJobPayload;
  maxAttempts: number;
}

const describe = (b: ExternalServiceBehaviour, err: unknown) =>
  b.describeError ? b.describeError(err) : { message: err instanceof Error ? err.message : String(err) };

/**
 * The `wf.external` job handler: `find` names a behaviour of the app's Runtime (the job context's), `complete` is the
 * Runtime's command that continues the waiting execution inside the job's transaction (false when it is gone).
 */
export function externalJobHandler(
  find: (ctx: Omit<JobContext, 'tx' | 'prepared'>, name: string) => ExternalServiceBehaviour | undefined,
  complete: (
    ctx: JobContext,
    executionId: string,
    behaviour: ExternalServiceBehaviour,
    outcome: ExternalOutcome,
  ) => Promise<boolean>,
): JobHandler<ExternalJobPayload> {
  const behaviourOf = (ctx: Omit<JobContext, 'tx' | 'prepared'>, name: string) => {
    const b = find(ctx, name);
    if (!b) throw new Error(`No external service behaviour '${name}'`);
    return b;
  };
  const handler: JobHandler<ExternalJobPayload> = async (job, ctx) => {
    await complete(
      ctx,
      job.payload.executionId,
      behaviourOf(ctx, job.payload.behaviour),
      ctx.prepared as ExternalOutcome,
    );
  };
  handler.outside = async (job, ctx) => {
    const b = behaviourOf(ctx, job.payload.behaviour);
    const attempt = job.attempts + 1;
    try {
      const value = await b.perform(job.payload.call, { number: attempt, now: ctx.clock.now() });
      return { ok: true, value, attempts: attempt } satisfies ExternalOutcome;
    } catch (err) {
      if (attempt < job.maxAttempts) {
        const delays = job.payload.retryDelaysMs;
        const delay = delays.length ? delays[Math.min(attempt, delays.length) - 1]! : 0;
        throw new RetryJobLater(JSON.stringify(describe(b, err)), delay);
      }
      return { ok: false, error: describe(b, err), attempts: attempt } satisfies ExternalOutcome;
    }
  };
  return handler;
}
