/**
 * The `openidm` of IGA's workflow scripts: the same router as IDM's BPMN scripts get, over IDM's managed objects and
 * the governance grants (`iga/governance/user/{id}/…`), inside the command's transaction, acting as the request's
 * requester. The script prelude (runnable.ts) answers a request's own `iga/governance/requests/{id}` calls itself
 * (the request is written after its workflow starts) and passes every other call here.
 */
import type { ApiContext } from '../../../http/api-module.js';
import { ManagedObjects } from '../../idm/managed/objects.js';
import { managedSchema } from '../../idm/managed/schema.js';
import { managedProvider } from '../../idm/openidm/managed-provider.js';
import { OpenidmRouter, openidmHostFunctions } from '../../idm/openidm/router.js';
import { userGrantsProvider } from './user-grants.js';

export function registerIgaScriptHost(ctx: ApiContext, api: string): void {
  const managed = new ManagedObjects(managedSchema(ctx.config.idm.managed), ctx.ids, ctx.clock);
  const router = new OpenidmRouter()
    .mount('managed', managedProvider(managed))
    .mount('iga/governance/user', userGrantsProvider(managed));
  ctx.runtime.registerScriptHost(api, ({ q, startUserId }) => openidmHostFunctions(router, q, startUserId ?? 'system'));
}
