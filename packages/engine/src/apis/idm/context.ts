/** What every route file of the IDM module receives: the engine context, the shared runtime, security. */

import type { ApiContext, ApiRouter } from '../../http/api-module.js';
import type { Runtime } from '../../runtime/commands.js';
import { ManagedObjects } from './managed/objects.js';
import { managedSchema } from './managed/schema.js';
import { endpointProvider, type IdmEndpoint } from './openidm/endpoint-provider.js';
import {
  externalEmailProvider,
  externalRestProvider,
  identityServerHostFunctions,
} from './openidm/external-provider.js';
import { managedProvider } from './openidm/managed-provider.js';
import { repoProvider } from './openidm/repo-provider.js';
import { OpenidmRouter, openidmHostFunctions } from './openidm/router.js';
import { workflowProvider } from './openidm/workflow-provider.js';
import { forgetDeployment } from './repository/models.js';
import { IDM_SCOPE } from './scope.js';
import { type IdmPrincipal, IdmSecurity, type ProcessAccessRule } from './security.js';

export type IdmRouter = ApiRouter<IdmPrincipal>;

export interface IdmOptions {
  /** `process-access.json` rules; default IDM's (every definition for `openidm-authorized` and `openidm-admin`). */
  processAccess?: readonly ProcessAccessRule[];
  /** Custom scripted endpoints scripts reach as `endpoint/{name}` (IDM's `conf/endpoint-{name}.json`). */
  endpoints?: Readonly<Record<string, IdmEndpoint>>;
}

export interface IdmContext extends ApiContext {
  /** The app's Runtime scoped to IDM: it sees and changes only IDM's processes. */
  runtime: Runtime;
  security: IdmSecurity;
  /** Managed objects (`managed/{type}`): the identities workflows change. */
  managed: ManagedObjects;
  /** The resources IDM scripts reach through `openidm` (managed/, repo/; other modules mount theirs). */
  openidm: OpenidmRouter;
}

export { IDM_SCOPE };

export function createIdmContext(ctx: ApiContext, options: IdmOptions = {}): IdmContext {
  const managed = new ManagedObjects(managedSchema(ctx.config.idm.managed), ctx.ids, ctx.clock);
  const runtime = ctx.runtime.scoped(IDM_SCOPE);
  const openidm = new OpenidmRouter()
    .mount('managed', managedProvider(managed))
    .mount('repo', repoProvider(ctx.ids, ctx.clock))
    .mount('workflow', workflowProvider(runtime))
    .mount('external/email', externalEmailProvider(ctx.ids, ctx.clock))
    .mount('external/rest', externalRestProvider(ctx.ids, ctx.clock));
  openidm.mount(
    'endpoint',
    endpointProvider(options.endpoints ?? {}, (q, caller) => openidmHostFunctions(openidm, q, caller)),
  );
  // IDM's BPMN scripts get `openidm`, acting for the process's start user, inside the command's transaction.
  ctx.runtime.registerScriptHost(IDM_SCOPE.api, ({ q, startUserId }) => ({
    ...openidmHostFunctions(openidm, q, startUserId ?? 'system'),
    ...identityServerHostFunctions(),
  }));
  // A deployment's model link and form resources go with it, whoever deletes it (deploy undo, definition delete).
  ctx.runtime.registerDeploymentCleanup(IDM_SCOPE.api, (q, deploymentId) => forgetDeployment(q, deploymentId));
  return {
    ...ctx,
    runtime,
    security: new IdmSecurity(options.processAccess ?? ctx.config.idm.processAccess),
    managed,
    openidm,
  };
}

/** A resource's routes: one file per resource under routes/, listed in index.ts. */
export type RegisterRoutes = (router: IdmRouter, idm: IdmContext) => void;
