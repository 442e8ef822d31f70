/**
 * Rules of `POST /v2/workflowDefinitions/{id}/execute`: which version runs, whether it can run, its initial state,
 * and the run itself. The execution row and its runtime instance are written in one transaction, so they never
 * disagree; a synchronous execute then lets the instance's own jobs (external calls, their retries) run until the
 * execution ends, waits on a timer, or 30 seconds have passed (spec).
 */
import { BACKGROUND_VARIABLE, compileFlowDefinition, TIMEOUT_VARIABLE } from '../../dialects/flow/compile.js';
import type { FlowTask, FlowVariable } from '../../dialects/flow/validate.js';
import type { ApiContext } from '../../http/api-module.js';
import type { DefinitionRow } from '../../runtime/commands.js';
import { ASYNC_JOB } from '../../runtime/commands.js';
import { EXTERNAL_JOB } from '../../runtime/external-tasks.js';
import type { Queryable } from '../../store/db.js';
import { runtimeOwner } from './auth.js';
import type { FrankieErrorDetail } from './errors.js';
import type { ExecutionRow } from './executions.js';
import * as repo from './repository/index.js';

export interface ExecuteRequest {
  version?: number;
  versionId?: string;
  draft?: boolean;
  input?: Record<string, unknown>;
  timeoutMs?: number;
  comment?: { text: string };
}

/** Why a request cannot run: a status and FrankieOne details (the route turns it into the error). */
export class Refusal extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly details: FrankieErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** The version the request chooses: `version`, `versionId`, `draft`, or the latest published one. */
export async function chooseVersion(q: Queryable, scope: repo.Scope, id: string, req: ExecuteRequest) {
  const chosen = (['version', 'versionId', 'draft'] as const).filter((k) =>
    k === 'draft' ? req.draft === true : req[k] !== undefined,
  );
  if (chosen.length > 1)
    throw new Refusal(
      400,
      'Choose at most one of version, versionId and draft',
      chosen.map((k) => ({ issue: `${k} chooses the version too`, issueLocation: k, issueType: 'INVALID_VALUE' })),
    );
  const missing = (what: string, location: string) =>
    new Refusal(404, `Workflow definition '${id}' ${what}`, [
      { issue: `Not found: ${what}`, issueLocation: location, issueType: 'NOT_FOUND' },
    ]);
  if (req.version !== undefined)
    return (
      (await repo.readVersion(q, scope, id, req.version)) ??
      Promise.reject(missing(`has no version ${req.version}`, 'version'))
    );
  if (req.versionId !== undefined)
    return (
      (await repo.readVersionById(q, scope, id, req.versionId)) ??
      Promise.reject(missing(`has no version with versionId ${req.versionId}`, 'versionId'))
    );
  if (req.draft === true)
    return (await repo.readVersion(q, scope, id, -1)) ?? Promise.reject(missing('has no draft', 'draft'));
  const latest = await repo.readLatest(q, scope, id);
  if (!latest.exists) throw missing('does not exist', 'path:workflowDefinitionId');
  if (!latest.snapshot) throw new Refusal(409, `Workflow definition '${id}' has no published version`);
  return latest.snapshot;
}

/** What each task type needs to run (spec: 409 when a task of the chosen version lacks it). */
export function runnableIssues(tasks: FlowTask[]): FrankieErrorDetail[] {
  const issues: FrankieErrorDetail[] = [];
  const needs: Record<string, [string, string]> = {
    HTTP: ['url', 'An HTTP task needs a url'],
    SCRIPT: ['script', 'A SCRIPT task needs a script'],
    DECISION: ['cases', 'A DECISION task needs cases'],
    SET_VARIABLES: ['values', 'A SET_VARIABLES task needs values'],
  };
  tasks.forEach((t, i) => {
    const c = t.configuration;
    if (c.type === 'WAIT') {
      if ((c.durationMs === undefined) === (c.until === undefined))
        issues.push({
          issue: 'A WAIT task needs exactly one of durationMs and until',
          issueLocation: `tasks[${i}].configuration`,
          issueType: 'REQUIRED',
        });
      return;
    }
    const [field, what] = needs[String(c.type)] ?? ['entityId', `A ${String(c.type)} task needs an entityId`];
    if (c[field] === undefined)
      issues.push({ issue: what, issueLocation: `tasks[${i}].configuration.${field}`, issueType: 'REQUIRED' });
  });
  return issues;
}

const VARIABLE_TYPES: Record<string, (v: unknown) => boolean> = {
  STRING: (v) => typeof v === 'string',
  NUMBER: (v) => typeof v === 'number',
  BOOLEAN: (v) => typeof v === 'boolean',
  OBJECT: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  ARRAY: (v) => Array.isArray(v),
};

/** initialState, overlaid with variable defaults, overlaid with the input; every declared variable checked. */
export function initialState(body: repo.StoredBody, input: Record<string, unknown> = {}): Record<string, unknown> {
  const variables = body.variables as FlowVariable[];
  const state: Record<string, unknown> = structuredClone(body.initialState);
  for (const v of variables) if (v.default !== undefined) state[v.name] = structuredClone(v.default);
  Object.assign(state, structuredClone(input));
  const issues: FrankieErrorDetail[] = [];
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
  if (issues.length > 0) throw new Refusal(400, 'The input does not match the variables', issues);
  return state;
}

/** A new execution record (INPROGRESS, every task PENDING). */
export function newExecution(
  fields: Omit<ExecutionRow, 'state' | 'endedAt' | 'instanceId' | 'data' | 'tasks' | 'taskOrder' | 'failure'>,
  tasks: FlowTask[],
): ExecutionRow {
  return {
    ...fields,
    instanceId: null,
    state: 'INPROGRESS',
    endedAt: null,
    data: structuredClone(fields.initialState),
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
  };
}

/** Runs executions on the app's Runtime, each under its owner's scope (auth.ts). */
export class ExecutionRunner {
  /** Deployed definitions by versionId (the runtime also dedupes on the source, across restarts). */
  private readonly deployed = new Map<string, DefinitionRow>();

  constructor(
    private readonly app: ApiContext,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  private runtime(scope: repo.Scope) {
    return this.app.runtime.scoped(runtimeOwner(scope));
  }

  private async deploy(snapshot: repo.Snapshot, scope: repo.Scope): Promise<DefinitionRow> {
    const hit = this.deployed.get(snapshot.versionId);
    if (hit) return hit;
    const key = `flow/${scope.customerId}/${scope.childId}/${snapshot.id}`;
    const graph = compileFlowDefinition({ ...snapshot.body, tasks: snapshot.body.tasks as FlowTask[] }, key);
    const d = await this.runtime(scope).deploy({
      graphs: [graph],
      name: `${snapshot.id} ${snapshot.version === -1 ? 'draft' : `v${snapshot.version}`}`,
      source: JSON.stringify({ flowVersionId: snapshot.versionId, graph }),
      dedupe: true,
      category: 'flow',
    });
    this.deployed.set(snapshot.versionId, d.definitions[0]!);
    return d.definitions[0]!;
  }

  /** Starts an execution: its row and its instance in one transaction. */
  async start(snapshot: repo.Snapshot, row: ExecutionRow, background: boolean): Promise<string> {
    const definition = await this.deploy(snapshot, row.scope);
    const timeoutAt = row.timeoutMs === null ? null : new Date(Date.parse(row.startedAt) + row.timeoutMs).toISOString();
    return this.app.db.transaction(async (tx) => {
      await repo.insertExecution(tx, row);
      const started = await this.runtime(row.scope)
        .in(tx)
        .startInstance({
          definition,
          businessKey: row.id,
          variables: { [BACKGROUND_VARIABLE]: background, [TIMEOUT_VARIABLE]: timeoutAt },
        });
      await repo.setInstance(tx, row.id, started.id);
      return started.id;
    });
  }

  /**
   * Lets the instance's external calls and continuations run (through the job executor) until the execution ends,
   * only timers are left, or `budgetMs` has passed; waits for a retry that falls due within the budget.
   */
  async settle(executionId: string, instanceId: string, budgetMs = 30_000): Promise<void> {
    const ctx = this.app;
    const deadline = ctx.clock.now().getTime() + budgetMs;
    for (;;) {
      await ctx.executor.runDueJobs(100, { scopeId: instanceId });
      const row = await repo.readExecutionById(ctx.db, executionId);
      if (row?.state !== 'INPROGRESS') return;
      const jobs = await ctx.jobs.list(ctx.db, { scopeId: instanceId });
      if (!jobs.some((j) => j.type === EXTERNAL_JOB || j.type === ASYNC_JOB)) return;
      const now = ctx.clock.now().getTime();
      // A job leased by another executor (the polling one) is its to run: look again shortly.
      const ready = (j: (typeof jobs)[number]) =>
        Math.max(j.dueAt.getTime(), j.lockExpiresAt && j.lockExpiresAt.getTime() > now ? now + 20 : 0);
      const next = Math.min(...jobs.map(ready));
      if (next > deadline) return;
      await this.sleep(Math.max(next - now, 0));
    }
  }
}
