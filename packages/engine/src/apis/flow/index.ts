/**
 * The FLOW API (specs/flow.yaml): versioned workflow definitions per customer. Executions are not served yet (the
 * framework answers 501 in FrankieOne's error shape) — they will run on the shared runtime from the compiled graph.
 */
import { monotonicFactory } from 'ulid';
import type { WfkitConfig } from '../../config.js';
import { compileFlowDefinition } from '../../dialects/flow/compile.js';
import { type FlowDefinitionBody, validateFlowDefinition } from '../../dialects/flow/validate.js';
import { flowSpec } from '../../generated/specs.js';
import { defineApiModule, type RequestContext } from '../../http/api-module.js';
import { flowErrorShape, frankieError } from './errors.js';
import * as repo from './repository.js';

export interface FlowCredential {
  apiKey: string;
  customerId: string;
  /** Child ids this key may act for; undefined: any child of the customer. */
  childIds?: string[];
}

export interface FlowModuleOptions {
  /** Keys in addition to the configured one (WFKIT_FLOW_API_KEY for WFKIT_FLOW_CUSTOMER_ID). */
  credentials?: FlowCredential[];
}

const CHANNEL_MAX = 64;

export function createFlowModule(options: FlowModuleOptions = {}) {
  // Error bodies carry a ULID requestId; the injected id generator once routes() has run, a ULID factory before.
  const fallback = monotonicFactory();
  let nextId: () => string = () => fallback();
  const credentials = (config: WfkitConfig): FlowCredential[] => [
    { apiKey: config.flow.apiKey, customerId: config.flow.customerId },
    ...(options.credentials ?? []),
  ];

  /** The (customer, child) scope of the call, after checking the key may act for it (403 otherwise). */
  const scopeOf = (c: RequestContext<FlowCredential>): repo.Scope => {
    const customerId = (c.headers.get('x-frankie-customerid') ?? '').toLowerCase();
    const childId = (c.headers.get('x-frankie-customerchildid') ?? '').toLowerCase();
    const cred = c.principal;
    const ok =
      cred.customerId.toLowerCase() === customerId &&
      (!childId || !cred.childIds || cred.childIds.map((x) => x.toLowerCase()).includes(childId));
    if (!ok) {
      throw frankieError(
        403,
        'The api_key may not act for this customer',
        [
          {
            issue:
              childId && cred.customerId.toLowerCase() === customerId
                ? `The api_key is not issued for child ${childId}`
                : `The api_key is not issued for customer ${customerId}`,
            issueLocation:
              childId && cred.customerId.toLowerCase() === customerId
                ? 'header:X-Frankie-CustomerChildID'
                : 'header:X-Frankie-CustomerID',
            issueType: 'FORBIDDEN',
          },
        ],
        nextId(),
      );
    }
    return { customerId, childId };
  };

  const userOf = (c: RequestContext<FlowCredential>) => c.headers.get('x-frankie-username') ?? 'SYSTEM';

  const render = (s: repo.Snapshot) => ({
    id: s.id,
    name: s.body.name,
    tasks: s.body.tasks,
    ...(s.body.description !== undefined ? { description: s.body.description } : {}),
    owner: s.body.owner,
    isDraft: s.version === -1,
    isTemplate: s.body.isTemplate,
    tags: s.body.tags,
    initialState: s.body.initialState,
    ...(s.body.defaultErrorHandling !== undefined ? { defaultErrorHandling: s.body.defaultErrorHandling } : {}),
    variables: s.body.variables,
    versions: Array.from({ length: s.latestVersion }, (_, i) => i + 1),
    version: s.version,
    versionId: s.versionId,
    createdAt: s.createdAt,
    createdBy: s.createdBy,
    updatedAt: s.updatedAt,
    updatedBy: s.updatedBy,
  });
  const wrap = (s: repo.Snapshot) => ({ body: { workflowDefinition: render(s), requestId: nextId() } });
  const notFound = (id: string, what: string, location = 'path:workflowDefinitionId') =>
    frankieError(
      404,
      `Workflow definition '${id}' ${what}`,
      [{ issue: `Not found: ${what}`, issueLocation: location, issueType: 'NOT_FOUND' }],
      nextId(),
    );
  const paging = (c: RequestContext<FlowCredential>) => {
    const page = (c.query.page as number | undefined) ?? 1;
    const limit = (c.query.limit as number | undefined) ?? 20;
    const sort = (c.query.sort as 'asc' | 'desc' | undefined) ?? 'desc';
    return { page, limit, sort, offset: (page - 1) * limit };
  };

  return defineApiModule<FlowCredential>({
    name: 'flow',
    spec: flowSpec,
    basePath: '',
    errors: flowErrorShape(() => nextId()),
    authenticate(req, config) {
      const key = req.headers.get('api_key');
      const cred = key ? credentials(config).find((k) => k.apiKey === key) : undefined;
      if (!cred) return { ok: false, status: 401, message: 'Missing or invalid api_key' };
      return { ok: true, principal: cred };
    },
    routes(router, ctx) {
      nextId = () => ctx.ids.ulid();

      router.operation('createOrUpdateWorkflowDefinition', async (c) => {
        const scope = scopeOf(c);
        const id = c.params.workflowDefinitionId!;
        const input = c.body as FlowDefinitionBody;
        const issues = validateFlowDefinition(input, id);
        if (issues.length > 0) throw frankieError(400, 'The workflow definition is invalid', issues, nextId());
        const body: repo.StoredBody = {
          name: input.name,
          tasks: input.tasks,
          ...(input.description !== undefined ? { description: input.description } : {}),
          owner: input.owner ?? 'SYSTEM',
          isTemplate: input.isTemplate ?? false,
          tags: input.tags ?? [],
          initialState: input.initialState ?? {},
          ...(input.defaultErrorHandling !== undefined ? { defaultErrorHandling: input.defaultErrorHandling } : {}),
          variables: input.variables ?? [],
        };
        const graph = compileFlowDefinition({ ...input, id });
        const channel = c.headers.get('x-frankie-channel');
        const meta: repo.SaveMeta = {
          at: c.clock.now().toISOString(),
          by: userOf(c),
          versionId: c.ids.ulid(),
          channel: channel === null ? null : [...channel].slice(0, CHANNEL_MAX).join(''),
          clientRequestId: c.headers.get('x-frankie-requestid'),
        };
        const saved = input.isDraft
          ? await repo.saveDraft(c.db, scope, id, body, graph, meta)
          : await repo.publish(c.db, scope, id, body, graph, meta);
        return wrap(saved);
      });

      router.operation('getWorkflowDefinition', async (c) => {
        const id = c.params.workflowDefinitionId!;
        const latest = await repo.readLatest(c.db, scopeOf(c), id);
        if (!latest.exists) throw notFound(id, 'does not exist');
        if (!latest.snapshot) throw notFound(id, 'has no published version');
        return wrap(latest.snapshot);
      });

      router.operation('getWorkflowDefinitionDraft', async (c) => {
        const id = c.params.workflowDefinitionId!;
        const draft = await repo.readVersion(c.db, scopeOf(c), id, -1);
        if (!draft) throw notFound(id, 'has no draft');
        return wrap(draft);
      });

      router.operation('deleteWorkflowDefinitionDraft', async (c) => {
        const id = c.params.workflowDefinitionId!;
        if (!(await repo.deleteDraft(c.db, scopeOf(c), id))) throw notFound(id, 'has no draft');
        return { status: 204 };
      });

      router.operation('getWorkflowDefinitionVersion', async (c) => {
        const id = c.params.workflowDefinitionId!;
        const version = Number(c.params.version);
        const snapshot = await repo.readVersion(c.db, scopeOf(c), id, version);
        if (!snapshot) throw notFound(id, `has no version ${version}`, 'path:version');
        return wrap(snapshot);
      });

      router.operation('listWorkflowDefinitionVersions', async (c) => {
        const id = c.params.workflowDefinitionId!;
        const p = paging(c);
        const found = await repo.listVersions(c.db, scopeOf(c), id, p);
        if (!found) throw notFound(id, 'does not exist');
        return {
          body: {
            meta: {
              page: p.page,
              limit: p.limit,
              count: found.versions.length,
              total: found.total,
              sort: p.sort,
              sortFields: ['version'],
            },
            requestId: nextId(),
            workflowDefinitionId: id,
            draft: found.draft,
            versions: found.versions,
          },
        };
      });

      router.operation('listWorkflowDefinitions', async (c) => {
        const scope = scopeOf(c);
        const p = paging(c);
        const sortFields = (c.query.sortFields as string[] | undefined) ?? ['updatedAt'];
        const found = await repo.listDefinitions(c.db, scope, {
          ...p,
          sortFields,
          ...(c.query.tag !== undefined ? { tag: c.query.tag as string } : {}),
          ...(c.query.isTemplate !== undefined ? { isTemplate: c.query.isTemplate as boolean } : {}),
        });
        return {
          body: {
            meta: {
              page: p.page,
              limit: p.limit,
              count: found.items.length,
              total: found.total,
              sort: p.sort,
              sortFields,
            },
            requestId: nextId(),
            workflowDefinitions: found.items,
          },
        };
      });
    },
  });
}

export const apiModule = createFlowModule();
