/**
 * Service behaviours: named host functions a service task can run instead of evaluating its expression
 * (`service.behaviour` on the node). A dialect's API registers its behaviours on the app's Runtime
 * (`runtime.registerServiceBehaviour`, or `RuntimeOptions.serviceBehaviours`), so two apps in one process never share
 * them. The runtime knows nothing of what they do: it passes the command's transaction and the token's context and
 * stores the result in `service.resultVariable` when one is set. A thrown error fails the command as a failing
 * expression would.
 */
import type { Queryable } from '../store/db.js';
import type { ExternalServiceBehaviour } from './external-tasks.js';
import type { GraphNode } from './graph.js';

export interface ServiceBehaviourContext {
  /** The command's transaction (the root instance row is locked). */
  tx: Queryable;
  node: GraphNode;
  instanceId: string;
  rootInstanceId: string;
  businessKey: string | null;
  now: Date;
  getVariable(name: string): unknown;
  setVariable(name: string, value: unknown): void;
  variables(): Record<string, unknown>;
}

/** Runs inside the command; or an external behaviour (runtime/external-tasks.ts) whose call runs outside it. */
export type ServiceBehaviour =
  | ((ctx: ServiceBehaviourContext) => Promise<unknown> | unknown)
  | ExternalServiceBehaviour;
