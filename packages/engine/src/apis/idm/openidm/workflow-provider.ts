/**
 * `workflow/processinstance` for the `openidm` script object: `openidm.create('workflow/processinstance', null,
 * {_key | _processDefinitionId, _businessKey?, ...variables})` starts an IDM process inside the calling command's
 * transaction, as PingIDM's scripts do (seed 002); the answer is the create answer of
 * `POST /openidm/workflow/processinstance`. wfkit: other `workflow/` resources are not reachable from scripts yet.
 */
import type { Runtime } from '../../../runtime/commands.js';
import type { Queryable } from '../../../store/db.js';
import { getDefinition } from '../repository/definitions.js';
import { OpenidmError, type OpenidmProvider, type OpenidmRequest } from './router.js';

export function workflowProvider(runtime: Runtime): OpenidmProvider {
  return {
    async handle(q: Queryable, req: OpenidmRequest) {
      if (req.path.replace(/\/+$/, '') !== 'processinstance' || req.method !== 'create')
        throw new OpenidmError(400, `workflow/${req.path}: scripts may only create workflow/processinstance`);
      const body = { ...((req.content ?? {}) as Record<string, unknown>) };
      const { _processDefinitionId: defId, _key: key, _businessKey: businessKey } = body;
      delete body._processDefinitionId;
      delete body._key;
      delete body._businessKey;
      const rt = runtime.in(q).as(req.caller);
      const def =
        defId != null
          ? await getDefinition(q, String(defId))
          : key != null
            ? await rt.latestDefinition(q, String(key))
            : undefined;
      if (defId == null && key == null) throw new OpenidmError(400, 'Give _key or _processDefinitionId');
      if (!def)
        throw new OpenidmError(
          404,
          `No process definition found for ${defId != null ? `id '${defId}'` : `key '${key}'`}`,
        );
      const r = await rt.startInstance({
        definition: def,
        businessKey: businessKey == null ? null : String(businessKey),
        variables: body,
        startUserId: req.caller,
      });
      return {
        _id: r.id,
        businessKey: r.businessKey,
        processDefinitionId: r.definitionId,
        processInstanceId: r.id,
        status: r.ended ? 'ended' : 'suspended',
      };
    },
  };
}
