/** FLOW route handlers by operationId: read what the framework validated, apply the rules, answer. */
import type { FlowDefinitionBody, FlowTask } from '../../dialects/flow/validate.js';
import { validateFlowDefinition } from '../../dialects/flow/validate.js';
import type { ApiContext, ApiRouter, HandlerResult } from '../../http/api-module.js';
import { callerOf, type FlowContext, type FlowCredential, ownerScope } from './auth.js';
import { pageMeta, paging, renderDefinition, storedBody } from './definitions.js';
import { frankieError } from './errors.js';
import {
  chooseVersion,
  type ExecuteRequest,
  type ExecutionRunner,
  initialState,
  newExecution,
  Refusal,
  runnableIssues,
} from './execute.js';
import { renderExecution, renderSummary } from './executions.js';
import * as repo from './repository/index.js';

export interface FlowRoutesDeps {
  runner: ExecutionRunner;
  /** The ULID of each response and error body. */
  nextId: () => string;
}

/** Registers a handler that gets the call's owner scope; refusals answer in FLOW's shape (runtime errors: dispatch). */
type Op = (operationId: string, handler: (c: FlowContext, scope: repo.Scope) => Promise<HandlerResult>) => void;

export function routes(router: ApiRouter<FlowCredential>, _app: ApiContext, deps: FlowRoutesDeps): void {
  const { nextId } = deps;
  const op: Op = (operationId, handler) =>
    router.operation(operationId, async (c) => {
      try {
        return await handler(c, ownerScope(c, nextId));
      } catch (e) {
        if (e instanceof Refusal) throw frankieError(e.status, e.message, e.details, nextId());
        throw e;
      }
    });
  definitionRoutes(op, deps);
  executionRoutes(op, deps);
}

function definitionRoutes(op: Op, { nextId }: FlowRoutesDeps): void {
  const notFound = (id: string, what: string, location = 'path:workflowDefinitionId') =>
    new Refusal(404, `Workflow definition '${id}' ${what}`, [
      { issue: `Not found: ${what}`, issueLocation: location, issueType: 'NOT_FOUND' },
    ]);
  const wrap = (s: repo.Snapshot) => ({ body: { workflowDefinition: renderDefinition(s), requestId: nextId() } });

  op('createOrUpdateWorkflowDefinition', async (c, scope) => {
    const id = c.params.workflowDefinitionId!;
    const input = c.body as FlowDefinitionBody;
    const issues = validateFlowDefinition(input, id);
    if (issues.length > 0) throw new Refusal(400, 'The workflow definition is invalid', issues);
    const meta = { at: c.clock.now().toISOString(), versionId: c.ids.ulid(), ...callerOf(c) };
    const save = input.isDraft ? repo.saveDraft : repo.publish;
    return wrap(await save(c.db, scope, id, storedBody(input), meta));
  });

  op('getWorkflowDefinition', async (c, scope) => {
    const id = c.params.workflowDefinitionId!;
    const latest = await repo.readLatest(c.db, scope, id);
    if (!latest.exists) throw notFound(id, 'does not exist');
    if (!latest.snapshot) throw notFound(id, 'has no published version');
    return wrap(latest.snapshot);
  });

  op('getWorkflowDefinitionDraft', async (c, scope) => {
    const id = c.params.workflowDefinitionId!;
    const draft = await repo.readVersion(c.db, scope, id, -1);
    if (!draft) throw notFound(id, 'has no draft');
    return wrap(draft);
  });

  op('deleteWorkflowDefinitionDraft', async (c, scope) => {
    const id = c.params.workflowDefinitionId!;
    if (!(await repo.deleteDraft(c.db, scope, id))) throw notFound(id, 'has no draft');
    return { status: 204 };
  });

  op('getWorkflowDefinitionVersion', async (c, scope) => {
    const id = c.params.workflowDefinitionId!;
    const version = Number(c.params.version);
    const snapshot = await repo.readVersion(c.db, scope, id, version);
    if (!snapshot) throw notFound(id, `has no version ${version}`, 'path:version');
    return wrap(snapshot);
  });

  op('listWorkflowDefinitionVersions', async (c, scope) => {
    const id = c.params.workflowDefinitionId!;
    const p = paging(c.query);
    const found = await repo.listVersions(c.db, scope, id, p);
    if (!found) throw notFound(id, 'does not exist');
    return {
      body: {
        meta: pageMeta(p, found.versions.length, found.total, ['version']),
        requestId: nextId(),
        workflowDefinitionId: id,
        draft: found.draft,
        versions: found.versions,
      },
    };
  });

  op('listWorkflowDefinitions', async (c, scope) => {
    const p = paging(c.query);
    const sortFields = (c.query.sortFields as string[] | undefined) ?? ['updatedAt'];
    const found = await repo.listDefinitions(c.db, scope, {
      ...p,
      sortFields,
      ...(c.query.tag !== undefined ? { tag: c.query.tag as string } : {}),
      ...(c.query.isTemplate !== undefined ? { isTemplate: c.query.isTemplate as boolean } : {}),
    });
    return {
      body: {
        meta: pageMeta(p, found.items.length, found.total, sortFields),
        requestId: nextId(),
        workflowDefinitions: found.items,
      },
    };
  });
}

function executionRoutes(op: Op, { runner, nextId }: FlowRoutesDeps): void {
  const execution = (e: Parameters<typeof renderExecution>[0]) => ({
    body: { requestId: nextId(), workflowExecution: renderExecution(e) },
  });

  op('executeWorkflowDefinition', async (c, scope) => {
    const id = c.params.workflowDefinitionId!;
    const req = (c.body ?? {}) as ExecuteRequest;
    const snapshot = await chooseVersion(c.db, scope, id, req);
    const tasks = snapshot.body.tasks as FlowTask[];
    const notRunnable = runnableIssues(tasks);
    if (notRunnable.length > 0)
      throw new Refusal(
        409,
        snapshot.version === -1
          ? `The draft of '${id}' cannot be executed`
          : `Version ${snapshot.version} of '${id}' cannot be executed`,
        notRunnable,
      );
    const state = initialState(snapshot.body, req.input);
    const caller = callerOf(c);
    const row = newExecution(
      {
        id: c.ids.ulid(),
        scope,
        definitionId: id,
        version: snapshot.version,
        versionId: snapshot.versionId,
        startedAt: c.clock.now().toISOString(),
        createdBy: caller.by,
        channel: caller.channel,
        clientRequestId: caller.clientRequestId,
        comment: req.comment ?? null,
        initialState: state,
        timeoutMs: req.timeoutMs ?? null,
        variableNames: snapshot.body.variables.map((v) => (v as { name: string }).name),
      },
      tasks,
    );
    const background = c.headers.get('x-frankie-background') === '1';
    const instanceId = await runner.start(snapshot, row, background);
    if (!background) await runner.settle(row.id, instanceId);
    const after = (await repo.readExecutionById(c.db, row.id))!;
    return { ...execution(after), status: background ? 202 : 200 };
  });

  op('getWorkflowExecution', async (c, scope) => {
    const id = c.params.workflowExecutionId!;
    const row = await repo.readExecution(c.db, scope, id);
    if (!row)
      throw new Refusal(404, `Workflow execution '${id}' does not exist`, [
        { issue: 'Not found', issueLocation: 'path:workflowExecutionId', issueType: 'NOT_FOUND' },
      ]);
    return execution(row);
  });

  op('listWorkflowExecutions', async (c, scope) => {
    const p = paging(c.query);
    const sortFields = (c.query.sortFields as string[] | undefined) ?? ['startedAt'];
    const q = c.query;
    const found = await repo.listExecutions(c.db, scope, {
      ...p,
      sortFields,
      ...(q.workflowDefinitionId !== undefined ? { definitionId: q.workflowDefinitionId as string } : {}),
      ...(q.version !== undefined ? { version: q.version as number } : {}),
      ...(q.workflowExecutionState !== undefined ? { state: q.workflowExecutionState as string } : {}),
    });
    return {
      body: {
        meta: pageMeta(p, found.items.length, found.total, sortFields),
        requestId: nextId(),
        workflowExecutions: found.items.map(renderSummary),
      },
    };
  });
}
