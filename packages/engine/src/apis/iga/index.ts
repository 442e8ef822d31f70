/**
 * The IGA API (specs/iga.yaml): workflow definitions (both families, `/auto/orchestration/definition` and
 * `/iga/governance/workflow`, on one store), request types and their binding, script validation, the outbox, and
 * access requests with their actions, which run on the shared runtime.
 *
 *   index.ts (routes) ─▶ definitions.ts · request-types.ts · requests.ts ─▶ request-*.ts (rules) ─▶ repository.ts (SQL)
 *   listing.ts: lists as CREST queries (http/crest) · callers.ts: who acts · openidm/: the script host and prelude
 *   IGA scripts run on · email.ts: the email step's service behaviour
 */

import { igaSpec } from '../../generated/specs.js';
import { defineApiModule } from '../../http/api-module.js';
import { authenticateIga } from './callers.js';
import * as definitions from './definitions.js';
import { registerIgaEmail } from './email.js';
import { igaErrors } from './errors.js';
import { filterOf, listPage } from './listing.js';
import { registerIgaScriptHost } from './openidm/host.js';
import { listOutbox } from './outbox.js';
import * as requestTypes from './request-types.js';
import { registerRequestRoutes } from './requests.js';

const ORCHESTRATION = '/auto/orchestration/definition';
const GOVERNANCE = '/iga/governance/workflow';

export const apiModule = defineApiModule({
  name: 'iga',
  spec: igaSpec,
  basePath: '',
  errors: igaErrors,
  authenticate: authenticateIga,
  routes(router, ctx) {
    registerIgaScriptHost(ctx, 'iga');
    registerIgaEmail(ctx);

    router.operation('listOrchestrationDefinitions', definitions.list);
    router.operation('listWorkflows', definitions.list);
    router.operation('orchestrationDefinitionAction', definitions.action(ORCHESTRATION));
    router.operation('workflowAction', definitions.action(GOVERNANCE));
    router.operation('updateOrchestrationDraft', definitions.update);
    router.operation('updateWorkflowDraft', definitions.update);
    router.operation('readOrchestrationDraft', definitions.readOne('draft'));
    router.operation('readWorkflowDraft', definitions.readOne('draft'));
    router.operation('readOrchestrationPublished', definitions.readOne('published'));
    router.operation('readWorkflowPublished', definitions.readOne('published'));
    router.operation('deleteOrchestrationDraft', definitions.deleteDraft);
    router.operation('deleteWorkflowDraft', definitions.deleteDraft);
    router.operation('forceDeleteOrchestrationPublished', definitions.forceDelete);
    router.operation('deleteWorkflowPublished', definitions.governanceDelete);
    router.operation('validateOrchestrationScript', definitions.validateScript);
    router.operation('readDefaultScript', () => ({
      body: definitions.DEFAULT_SCRIPT,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    }));

    router.operation('listRequestTypes', requestTypes.listRequestTypes);
    router.operation('createRequestType', requestTypes.createRequestType);
    router.operation('readRequestType', requestTypes.readRequestType);
    router.operation('patchRequestType', requestTypes.patchRequestType);

    router.operation('listOutbox', async (c) => {
      const match = filterOf(c);
      return {
        body: listPage(
          c,
          (await listOutbox(c.db)).filter((m) => match(m)),
        ),
      };
    });

    registerRequestRoutes(router);
  },
});
