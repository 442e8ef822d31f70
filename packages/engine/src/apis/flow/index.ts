/**
 * The FLOW API (specs/flow.yaml): versioned workflow definitions per customer, and their executions, which run on the
 * shared runtime: a version's execution graph (dialects/flow/execution-graph.ts) is deployed once per versionId and
 * each execution is one process instance whose FLOW tasks are service behaviours (executions.ts).
 */
import type { WfkitConfig } from '../../config.js';
import { compileFlowDefinition } from '../../dialects/flow/compile.js';
import { BACKGROUND_VARIABLE, executionGraph } from '../../dialects/flow/execution-graph.js';
import { type FlowDefinitionBody, validateFlowDefinition } from '../../dialects/flow/validate.js';
import { flowSpec } from '../../generated/specs.js';
import { defineApiModule, type RequestContext } from '../../http/api-module.js';
import type { Runtime } from '../../runtime/commands.js';
import { sameSecret } from '../../runtime/digest.js';
import { ulidFactory } from '../../runtime/ids.js';
import { flowErrorShape, frankieError } from './errors.js';
import * as exec from './executions.js';
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
  /** How executions run checks, wait between retries and call HTTP (defaults: the stub provider, real timers, fetch). */
  run?: exec.FlowRunOptions;
}

const VARIABLE_TYPES: Record<string, (v: unknown) => boolean> = {
  STRING: (v) => typeof v === 'string',
  NUMBER: (v) => typeof v === 'number',
  BOOLEAN: (v) => typeof v === 'boolean',
  OBJECT: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  ARRAY: (v) => Array.isArray(v),
};

/** What each task type needs to run (spec: 409 when a task of the chosen version lacks it). */
function runnableIssues(tasks: { configuration: Record<string, unknown> }[]) {
  const issues: { issue: string; issueLocation: string; issueType: string }[] = [];
  tasks.forEach((t, i) => {
    const c = t.configuration;
    const need = (field: string, what: string) => {
      if (c[field] === undefined)
        issues.push({ issue: what, issueLocation: `tasks[${i}].configuration.${field}`, issueType: 'REQUIRED' });
    };
    switch (c.type) {
      case 'HTTP':
        need('url', 'An HTTP task needs a url');
        break;
      case 'SCRIPT':
        need('script', 'A SCRIPT task needs a script');
        break;
      case 'DECISION':
        need('cases', 'A DECISION task needs cases');
        break;
      case 'SET_VARIABLES':
        need('values', 'A SET_VARIABLES task needs values');
        break;
      case 'WAIT':
        if ((c.durationMs === undefined) === (c.until === undefined))
          issues.push({
            issue: 'A WAIT task needs exactly one of durationMs and until',
            issueLocation: `tasks[${i}].configuration`,
            issueType: 'REQUIRED',
          });
        break;
      default:
        need('entityId', `A ${String(c.type)} task needs an entityId`);
    }
  });
  return issues;
}

const CHANNEL_MAX = 64;

export function createFlowModule(options: FlowModuleOptions = {}) {
  // Error bodies carry a ULID requestId; the injected id generator once routes() has run, a ULID factory before.
  const fallback = ulidFactory();
  let nextId: () => string = () => fallback(Date.now());
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
      const cred = key ? credentials(config).find((k) => sameSecret(k.apiKey, key)) : undefined;
      if (!cred) return { ok: false, status: 401, message: 'Missing or invalid api_key' };
      return { ok: true, principal: cred };
    },
    routes(router, ctx) {
      nextId = () => ctx.ids.ulid();
      // On the app's Runtime, so its job handlers (timers) find them too.
      for (const [name, b] of Object.entries(exec.flowBehaviours(options.run))) ctx.runtime.registerServiceBehaviour(name, b);
      // FLOW's tenant: the customer and child (runtime/owner.ts).
      const runtimeOf = (scope: { customerId: string; childId: string }) =>
        ctx.runtime.scoped({ api: 'flow', tenant: `${scope.customerId}/${scope.childId}` });
      const deployed = new Map<string, Awaited<ReturnType<Runtime['deploy']>>['definitions'][number]>();
      const executionNotFound = (id: string) =>
        frankieError(
          404,
          `Workflow execution '${id}' does not exist`,
          [{ issue: 'Not found', issueLocation: 'path:workflowExecutionId', issueType: 'NOT_FOUND' }],
          nextId(),
        );

      router.operation('executeWorkflowDefinition', async (c) => {
        const scope = scopeOf(c);
        const id = c.params.workflowDefinitionId!;
        const req = (c.body ?? {}) as {
          version?: number;
          versionId?: string;
          draft?: boolean;
          input?: Record<string, unknown>;
          timeoutMs?: number;
          comment?: { text: string };
        };
        const chosen = (['version', 'versionId', 'draft'] as const).filter((k) =>
          k === 'draft' ? req.draft === true : req[k] !== undefined,
        );
        if (chosen.length > 1)
          throw frankieError(
            400,
            'Choose at most one of version, versionId and draft',
            chosen.map((k) => ({
              issue: `${k} chooses the version too`,
              issueLocation: k,
              issueType: 'INVALID_VALUE',
            })),
            nextId(),
          );
        let snapshot: repo.Snapshot | undefined;
        if (req.version !== undefined) {
          snapshot = await repo.readVersion(c.db, scope, id, req.version);
          if (!snapshot) throw notFound(id, `has no version ${req.version}`, 'version');
        } else if (req.versionId !== undefined) {
          snapshot = await repo.readVersionById(c.db, scope, id, req.versionId);
          if (!snapshot) throw notFound(id, `has no version with versionId ${req.versionId}`, 'versionId');
        } else if (req.draft === true) {
          snapshot = await repo.readVersion(c.db, scope, id, -1);
          if (!snapshot) throw notFound(id, 'has no draft', 'draft');
        } else {
          const latest = await repo.readLatest(c.db, scope, id);
          if (!latest.exists) throw notFound(id, 'does not exist');
          if (!latest.snapshot)
            throw frankieError(409, `Workflow definition '${id}' has no published version`, [], nextId());
          snapshot = latest.snapshot;
        }
        const body = snapshot.body;
        const tasks = body.tasks as import('../../dialects/flow/validate.js').FlowTask[];
        const notRunnable = runnableIssues(tasks);
        if (notRunnable.length > 0)
          throw frankieError(
            409,
            snapshot.version === -1
              ? `The draft of '${id}' cannot be executed`
              : `Version ${snapshot.version} of '${id}' cannot be executed`,
            notRunnable,
            nextId(),
          );
        // The initial state: initialState, overlaid with variable defaults, overlaid with the input.
        const variables = body.variables as import('../../dialects/flow/validate.js').FlowVariable[];
        const state: Record<string, unknown> = structuredClone(body.initialState);
        for (const v of variables) if (v.default !== undefined) state[v.name] = structuredClone(v.default);
        Object.assign(state, structuredClone(req.input ?? {}));
        const issues = [];
        for (const v of variables) {
          const present = Object.hasOwn(state, v.name) && state[v.name] !== undefined;
          if (!present && v.required)
            issues.push({
              issue: `The variable ${v.name} is required`,
              issueLocation: `input.${v.name}`,
              issueType: 'REQUIRED',
            });
          else if (present && !VARIABLE_TYPES[v.type]?.(state[v.name]))
            issues.push({
              issue: `The variable ${v.name} must be of type ${v.type}`,
              issueLocation: `input.${v.name}`,
              issueType: 'INVALID_TYPE',
            });
        }
        if (issues.length > 0) throw frankieError(400, 'The input does not match the variables', issues, nextId());

        // Deploy the version's graph once per versionId (the runtime dedupes on the source too, across restarts).
        let definition = deployed.get(snapshot.versionId);
        if (!definition) {
          const key = `flow/${scope.customerId}/${scope.childId}/${id}`;
          const graph = executionGraph({ ...body, tasks }, key);
          const d = await runtimeOf(scope).deploy({
            graphs: [graph],
            name: `${id} ${snapshot.version === -1 ? 'draft' : `v${snapshot.version}`}`,
            source: JSON.stringify({ flowVersionId: snapshot.versionId, graph }),
            dedupe: true,
            category: 'flow',
          });
          definition = d.definitions[0]!;
          deployed.set(snapshot.versionId, definition);
        }
        const channel = c.headers.get('x-frankie-channel');
        const background = c.headers.get('x-frankie-background') === '1';
        const row: exec.ExecutionRow = {
          id: c.ids.ulid(),
          scope,
          definitionId: id,
          version: snapshot.version,
          versionId: snapshot.versionId,
          instanceId: null,
          state: 'INPROGRESS',
          startedAt: c.clock.now().toISOString(),
          endedAt: null,
          createdBy: userOf(c),
          channel: channel === null ? null : [...channel].slice(0, CHANNEL_MAX).join(''),
          clientRequestId: c.headers.get('x-frankie-requestid'),
          comment: req.comment ?? null,
          initialState: state,
          data: structuredClone(state),
          tasks: tasks.map((t) => ({
            taskId: t.id,
            type: t.configuration.type,
            status: 'PENDING',
            attempts: 0,
            startedAt: null,
            endedAt: null,
            output: null,
            error: null,
            errorIgnored: false,
          })),
          taskOrder: [],
          failure: null,
          timeoutMs: req.timeoutMs ?? null,
          variableNames: variables.map((v) => v.name),
        };
        await exec.insertExecution(c.db, row);
        const started = await runtimeOf(scope).startInstance({
          definition,
          businessKey: row.id,
          variables: { [BACKGROUND_VARIABLE]: background },
        });
        await c.db.query('UPDATE flow_executions SET instance_id = $2 WHERE id = $1', [row.id, started.id]);
        const after = (await exec.readExecutionById(c.db, row.id))!;
        return {
          status: background ? 202 : 200,
          body: { requestId: nextId(), workflowExecution: exec.renderExecution(after) },
        };
      });

      router.operation('getWorkflowExecution', async (c) => {
        const id = c.params.workflowExecutionId!;
        const row = await exec.readExecution(c.db, scopeOf(c), id);
        if (!row) throw executionNotFound(id);
        if (exec.expireIfDue(row, c.clock.now())) {
          await exec.saveExecution(c.db, row);
          if (row.instanceId) await runtimeOf(row.scope).deleteInstance(row.instanceId, 'TIMEOUT').catch(() => undefined);
        }
        return { body: { requestId: nextId(), workflowExecution: exec.renderExecution(row) } };
      });

      router.operation('listWorkflowExecutions', async (c) => {
        const p = paging(c);
        const sortFields = (c.query.sortFields as string[] | undefined) ?? ['startedAt'];
        const now = c.clock.now();
        const found = await exec.listExecutions(c.db, scopeOf(c), {
          ...p,
          sortFields,
          ...(c.query.workflowDefinitionId !== undefined
            ? { definitionId: c.query.workflowDefinitionId as string }
            : {}),
          ...(c.query.version !== undefined ? { version: c.query.version as number } : {}),
          ...(c.query.workflowExecutionState !== undefined ? { state: c.query.workflowExecutionState as string } : {}),
        });
        for (const row of found.items) if (exec.expireIfDue(row, now)) await exec.saveExecution(c.db, row);
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
            workflowExecutions: found.items.map(exec.renderSummary),
          },
        };
      });

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
