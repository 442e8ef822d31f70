/**
 * The `openidm` of IGA's workflow scripts: the same router as IDM's BPMN scripts get, over IDM's managed objects, the
 * governance grants (`iga/governance/user/{id}/…`) and the outbox (`external/email`, outbox.ts), inside the command's
 * transaction, acting as the request's requester. IGA's script prelude (prelude.ts), registered with the host,
 * answers a request's own `iga/governance/requests/{id}` calls itself (the request is written after its workflow
 * starts) and passes every other call here.
 */
import type { ApiContext } from '../../../http/api-module.js';
import { ManagedObjects } from '../../idm/managed/objects.js';
import { managedSchema } from '../../idm/managed/schema.js';
import { managedProvider } from '../../idm/openidm/managed-provider.js';
import { OpenidmRouter, openidmHostFunctions } from '../../idm/openidm/router.js';
import { outboxProvider } from '../outbox.js';
import { PRELUDE } from './prelude.js';
import { userGrantsProvider } from './user-grants.js';

export function registerIgaScriptHost(ctx: ApiContext, api: string): void {
  const managed = new ManagedObjects(managedSchema(ctx.config.idm.managed), ctx.ids, ctx.clock);
  const managedObjects = managedProvider(managed);
  const grants = userGrantsProvider(managed);
  ctx.runtime.registerScriptHost(
    api,
    ({ q, instanceId, startUserId }) => {
      // One router per run: the outbox records the run's instance.
      const router = new OpenidmRouter()
        .mount('managed', managedObjects)
        .mount('iga/governance/user', grants)
        .mount(
          'external/email',
          outboxProvider({ newId: () => ctx.ids.uuid(), now: () => ctx.clock.now(), instanceId: () => instanceId }),
        );
      return openidmHostFunctions(router, q, startUserId ?? 'system');
    },
    { prelude: PRELUDE },
  );
}
