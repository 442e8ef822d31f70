/**
 * The FLOW API (specs/flow.yaml): versioned workflow definitions per customer (and child), and their executions.
 * An execution runs on the shared runtime: the version's graph (dialects/flow/compile.ts) is deployed once per
 * versionId and each execution is one process instance whose tasks are FLOW service behaviours (tasks.ts); HTTP,
 * SCRIPT and check tasks are external service tasks, run by the job executor outside any transaction.
 *
 *   index.ts ─▶ auth.ts (who, for which owner) · routes.ts ─▶ definitions.ts / execute.ts / executions.ts (rules)
 *            ─▶ repository/ (SQL) · tasks.ts + calls.ts (the behaviours the runtime runs)
 */
import { flowSpec } from '../../generated/specs.js';
import { defineApiModule } from '../../http/api-module.js';
import { ulidFactory } from '../../runtime/ids.js';
import { authenticator, type FlowCredential } from './auth.js';
import type { FlowRunOptions } from './calls.js';
import { flowErrorShape } from './errors.js';
import { ExecutionRunner } from './execute.js';
import { routes } from './routes.js';
import { flowBehaviours } from './tasks.js';

export type { FlowCredential } from './auth.js';
export type { CheckProvider, CheckRequest, FlowRunOptions } from './calls.js';

export interface FlowModuleOptions {
  /** Keys in addition to the configured one (WFKIT_FLOW_API_KEY for WFKIT_FLOW_CUSTOMER_ID). */
  credentials?: FlowCredential[];
  /** How executions run checks, call HTTP and wait for retries (defaults: the stub provider, fetch, real timers). */
  run?: FlowRunOptions;
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createFlowModule(options: FlowModuleOptions = {}) {
  // Error bodies carry a ULID requestId; the injected id generator once routes() has run, a ULID factory before.
  const fallback = ulidFactory();
  let nextId: () => string = () => fallback(Date.now());

  return defineApiModule<FlowCredential>({
    name: 'flow',
    spec: flowSpec,
    basePath: '',
    errors: flowErrorShape(() => nextId()),
    // A command the runtime could not carry out (the graph cannot proceed): the request conflicts with the state.
    runtimeFailureStatus: 409,
    authenticate: authenticator(options.credentials),
    routes(router, ctx) {
      nextId = () => ctx.ids.ulid();
      // On the app's Runtime, so its job handlers (timers, external calls) run them too; scripts follow its clock.
      const behaviours = flowBehaviours({ now: () => ctx.clock.now(), ...options.run });
      for (const [name, b] of Object.entries(behaviours)) ctx.runtime.registerServiceBehaviour(name, b);
      routes(router, ctx, { runner: new ExecutionRunner(ctx, options.run?.sleep ?? sleepFor), nextId });
    },
  });
}

export const apiModule = createFlowModule();
