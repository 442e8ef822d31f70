/**
 * IGA email steps: the service behaviour `iga.email` (dialects/iga/compile.ts) records the step's message in the
 * outbox (outbox.ts, as a script's `openidm.action('external/email', 'send', …)` would). The runtime has evaluated
 * the step's recipients, template and object into its input `email` (JavaScript over the process variables; one that
 * fails is null). The outcome is SUCCESS, or FAILED with `emailFailure` when the message can't be sent (no recipient,
 * a bad address).
 */
import { EMAIL_BEHAVIOUR, type IgaGraphNode } from '../../dialects/iga/compile.js';
import type { ApiContext } from '../../http/api-module.js';
import type { ServiceBehaviourContext } from '../../runtime/behaviours.js';
import { outboxProvider } from './outbox.js';

export function registerIgaEmail(ctx: ApiContext): void {
  ctx.runtime.registerServiceBehaviour(EMAIL_BEHAVIOUR, async (run: ServiceBehaviourContext) => {
    const outbox = outboxProvider({
      newId: () => ctx.ids.uuid(),
      now: () => ctx.clock.now(),
      instanceId: () => run.instanceId,
    });
    const email = (run.getVariable('email') ?? {}) as Record<string, unknown>;
    const step = (run.node as IgaGraphNode).igaStep?.name ?? run.node.id;
    const requestId = run.getVariable('id');
    try {
      await outbox.handle(run.tx, {
        method: 'action',
        path: '',
        action: 'send',
        params: { _action: 'send' },
        content: { ...email, requestId: requestId === undefined ? null : requestId, step },
        caller: 'system',
      });
      return 'SUCCESS';
    } catch (e) {
      run.setVariable('emailFailure', String((e as Error)?.message ?? e));
      return 'FAILED';
    }
  });
}
