/**
 * The IGA API (specs/iga.yaml): workflow definitions (both families, `/auto/orchestration/definition` and
 * `/iga/governance/workflow`, on one store), request types and their binding, script validation, and access requests
 * with their actions, which run on the shared runtime (requests.ts).
 */

import { compileIgaDefinition } from '../../dialects/iga/compile.js';
import type { IgaDefinition } from '../../dialects/iga/types.js';
import { expressionError, scriptError, validateIgaDefinition } from '../../dialects/iga/validate.js';
import { igaSpec } from '../../generated/specs.js';
import { defineApiModule, type RequestContext } from '../../http/api-module.js';
import type { IgaCaller } from './callers.js';
import { authenticateIga } from './callers.js';
import { igaError, igaErrors } from './errors.js';
import { filterOf, listPage } from './listing.js';
import { registerIgaScriptHost } from './openidm/host.js';
import { listOutbox } from './outbox.js';
import * as repo from './repository.js';
import { registerRequestRoutes } from './requests.js';

const notFound = (id: string) => igaError(404, `Workflow with id: ${id} was not found`);
const isBuiltIn = (d: repo.StoredDefinition | undefined) => d !== undefined && !d.mutable;

const DEFAULT_SCRIPT = `/*
Script nodes are used to invoke APIs or execute business logic.
You can invoke governance APIs or IDM APIs.
See https://backstage.forgerock.com/docs/idcloud/latest/identity-governance/administration/workflow-configure.html for more details.

Script nodes should return a single value and should have the
logic enclosed in a try-catch block.

Example:
try {
  var requestObj = openidm.action('iga/governance/requests/' + requestId, 'GET', {}, {});
  applicationId = requestObj.application.id;
}
catch (e) {
  failureReason = 'Validation failed: Error reading request with id ' + requestId;
}
*/`;

/** Fills the defaults of an input definition (displayName = name, description '', childType false). */
function normalise(input: IgaDefinition): IgaDefinition {
  const { _rev, status, mutable, ...rest } = input;
  return {
    ...rest,
    displayName: input.displayName ?? input.name,
    description: input.description ?? '',
    childType: input.childType ?? false,
  };
}

export const apiModule = defineApiModule({
  name: 'iga',
  spec: igaSpec,
  basePath: '',
  errors: igaErrors,
  // Requests run on the shared runtime: its timers (wait steps) are jobs.
  authenticate: authenticateIga,
  routes(router, ctx) {
    registerIgaScriptHost(ctx, 'iga');
    const now = (c: RequestContext) => c.clock.now().toISOString();

    const list = async (c: RequestContext) => {
      const all = await repo.listAll(c.db);
      const text = ((c.query._queryString as string | undefined) ?? '').toLowerCase();
      const match = filterOf(c);
      const found = all.filter(
        (d) =>
          match(d) &&
          (!text ||
            [d.name, d.displayName, d.description].some(
              (v) => typeof v === 'string' && v.toLowerCase().includes(text),
            )),
      );
      return { body: listPage(c, found, { sort: 'id,status', always: ['id', 'status'] }) };
    };

    const create = async (c: RequestContext, familyBase: string) => {
      const def = normalise(c.body as IgaDefinition);
      if (isBuiltIn(await repo.read(c.db, def.id, 'published'))) {
        throw igaError(403, `Workflow ${def.id} is built in and can't be modified; duplicate it under a new id`);
      }
      try {
        const draft = await repo.createDraft(c.db, def, now(c));
        return { status: 201, body: draft, headers: { location: `${familyBase}/${encodeURIComponent(def.id)}/draft` } };
      } catch (e) {
        if (e instanceof repo.DraftExistsError || (e as { code?: string }).code === '23505') {
          throw igaError(
            409,
            `A draft already exists for workflow id: ${def.id}; update it with PUT or delete it first`,
          );
        }
        throw e;
      }
    };

    const publish = async (c: RequestContext) => {
      const input = c.body as Partial<IgaDefinition> & { id: string };
      const full = Object.keys(input).some((k) => !['id', '_rev', 'status', 'mutable'].includes(k));
      if (full && (input.name === undefined || input.steps === undefined || input.staticNodes === undefined)) {
        const missing = (['name', 'steps', 'staticNodes'] as const).filter((k) => input[k] === undefined);
        throw igaError(
          400,
          'The request body is invalid',
          missing.map((k) => ({
            step: null,
            field: `/${k}`,
            rule: 'schema' as const,
            message: 'is required when publishing a full definition',
          })),
        );
      }
      return c.db.transaction(async (tx) => {
        const published = await repo.read(tx, input.id, 'published');
        if (isBuiltIn(published))
          throw igaError(403, `Workflow ${input.id} is built in and can't be modified; duplicate it under a new id`);
        let draft = await repo.lockDraft(tx, input.id);
        if (!draft) throw notFound(input.id);
        if (full) draft = (await repo.updateDraft(tx, normalise(input as IgaDefinition), now(c)))!;
        const problems = validateIgaDefinition(draft);
        if (problems.length > 0)
          throw igaError(400, `Workflow ${input.id} is not valid and can't be published`, problems);
        compileIgaDefinition(draft); // what publishes must compile: a request deploys it
        return { body: await repo.publishDraft(tx, draft, now(c)) };
      });
    };

    const action = (familyBase: string) => async (c: RequestContext) => {
      switch (c.query._action) {
        case 'create':
          return create(c, familyBase);
        case 'validate': {
          const errors = validateIgaDefinition(c.body as IgaDefinition);
          return { body: { valid: errors.length === 0, errors } };
        }
        default:
          return publish(c);
      }
    };

    const update = async (c: RequestContext) => {
      const id = c.params.id!;
      const def = normalise(c.body as IgaDefinition);
      if (def.id !== id) {
        throw igaError(400, `The id of the body (${def.id}) differs from the id in the path (${id})`, [
          { step: null, field: '/id', rule: 'idMismatch', message: `must be equal to the path's id ${id}` },
        ]);
      }
      const published = await repo.read(c.db, id, 'published');
      if (isBuiltIn(published))
        throw igaError(403, `Workflow ${id} is built in and can't be modified; duplicate it under a new id`);
      const updated = await repo.updateDraft(c.db, def, now(c));
      if (updated) return { body: updated };
      if (published) throw igaError(409, 'Workflow must be in draft to update');
      throw notFound(id);
    };

    const readOne = (status: repo.Status) => async (c: RequestContext) => {
      const d = await repo.read(c.db, c.params.id!, status);
      if (!d) throw notFound(c.params.id!);
      return { body: d };
    };

    const deleteDraft = async (c: RequestContext) => {
      const id = c.params.id!;
      if (!(await repo.deleteRow(c.db, id, 'draft'))) throw notFound(id);
      return { body: { message: `Definition with id:${id} deleted successfully` } };
    };

    const forceDelete = async (c: RequestContext) => {
      const id = c.params.id!;
      return c.db.transaction(async (tx) => {
        const published = await repo.lockPublished(tx, id);
        if (!published) throw notFound(id);
        if (isBuiltIn(published)) throw igaError(403, `Workflow ${id} is built in and can't be deleted`);
        const use = await repo.usage(tx, id);
        if (use.requests > 0)
          throw igaError(409, `Workflow ${id} can't be deleted: ${use.requests} in-progress requests run it`);
        if (use.requestTypes.length > 0) {
          throw igaError(
            409,
            `Workflow ${id} can't be deleted: request types ${use.requestTypes.join(', ')} are bound to it`,
          );
        }
        await repo.deleteRow(tx, id, 'published');
        return { body: published };
      });
    };

    const governanceDelete = async (c: RequestContext) => {
      if (c.query.force === true) return forceDelete(c);
      const id = c.params.id!;
      const published = await repo.read(c.db, id, 'published');
      if (!published) throw notFound(id);
      if (isBuiltIn(published)) throw igaError(403, `Workflow ${id} is built in and can't be deleted`);
      throw igaError(
        409,
        "Workflow must be in draft to delete: published definitions can't be deleted without force=true",
      );
    };

    router.operation('listOrchestrationDefinitions', list);
    router.operation('listWorkflows', list);
    router.operation('orchestrationDefinitionAction', action('/auto/orchestration/definition'));
    router.operation('workflowAction', action('/iga/governance/workflow'));
    router.operation('updateOrchestrationDraft', update);
    router.operation('updateWorkflowDraft', update);
    router.operation('readOrchestrationDraft', readOne('draft'));
    router.operation('readWorkflowDraft', readOne('draft'));
    router.operation('readOrchestrationPublished', readOne('published'));
    router.operation('readWorkflowPublished', readOne('published'));
    router.operation('deleteOrchestrationDraft', deleteDraft);
    router.operation('deleteWorkflowDraft', deleteDraft);
    router.operation('forceDeleteOrchestrationPublished', forceDelete);
    router.operation('deleteWorkflowPublished', governanceDelete);

    router.operation('validateOrchestrationScript', (c) => {
      const { script, isExpression } = c.body as { script: string; isExpression?: boolean };
      const err = isExpression ? expressionError(script) : scriptError(script);
      return { body: { valid: !err, errors: err ? [err] : [] } };
    });
    router.operation('readDefaultScript', () => ({
      body: DEFAULT_SCRIPT,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    }));

    router.operation('listRequestTypes', async (c) => {
      const match = filterOf(c);
      const found = (await repo.listRequestTypes(c.db)).filter((t) => match(t));
      const { searchAfterKey: _key, ...list } = listPage(c, found, { sort: 'id' });
      return { body: list };
    });
    router.operation('createRequestType', async (c) => {
      if ((c.principal as IgaCaller | undefined)?.admin === false)
        throw igaError(403, 'Only an administrator may create request types');
      const body = c.body as {
        id?: string;
        displayName: string;
        description?: string;
        workflow?: { id?: string };
        schemas?: { common?: unknown[]; custom?: unknown[] };
      };
      return c.db.transaction(async (tx) => {
        const workflowId = body.workflow?.id;
        if (workflowId && !(await repo.sharePublished(tx, workflowId)))
          throw igaError(400, `Workflow ${workflowId} has no published definition`);
        const t: repo.RequestTypeRecord = {
          id: body.id ?? c.ids.uuid(),
          displayName: body.displayName,
          ...(body.description !== undefined ? { description: body.description } : {}),
          workflow: workflowId ? { id: workflowId } : {},
          _rev: 0,
          custom: true,
          schemas: {
            ...(body.schemas?.common ? { common: body.schemas.common } : {}),
            ...(body.schemas?.custom ? { custom: body.schemas.custom } : {}),
          },
        };
        if (!(await repo.insertRequestType(tx, t))) throw igaError(409, `Request type with id: ${t.id} already exists`);
        return { status: 201, body: t };
      });
    });
    router.operation('readRequestType', async (c) => {
      const t = await repo.readRequestType(c.db, c.params.requestTypeId!);
      if (!t) throw igaError(404, `Request type with id: ${c.params.requestTypeId} was not found`);
      return { body: t };
    });
    router.operation('patchRequestType', async (c) => {
      const id = c.params.requestTypeId!;
      const ops = c.body as { operation: string; field: string; value: string }[];
      return c.db.transaction(async (tx) => {
        const t = await repo.readRequestType(tx, id, true);
        if (!t) throw igaError(404, `Request type with id: ${id} was not found`);
        const changes: { workflowId?: string; displayName?: string } = {};
        for (const op of ops) {
          if (op.field === '/workflow/id') {
            // FOR SHARE: a forced delete of that definition (FOR UPDATE) can't slip in before this commits.
            if (!(await repo.sharePublished(tx, op.value)))
              throw igaError(400, `Workflow ${op.value} has no published definition`);
            changes.workflowId = op.value;
          } else changes.displayName = op.value;
        }
        return { body: await repo.updateRequestType(tx, id, changes) };
      });
    });

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
