/**
 * `/openidm/workflow/taskinstance`: open user tasks — queries (every filter, candidate user and group,
 * `unassignedTaskQuery`), read with `formProperties`, `candidates` and `variables`, PUT of the supported fields,
 * claim, complete (process-wide variables), delete. Non-admin users see tasks they are assigned to or a candidate
 * of, and complete only their own (403 `Access denied`).
 */
import type { RequestContext } from '../../../http/api-module.js';
import type { IdmContext, IdmRouter } from '../context.js';
import { badRequest, conflict, forbidden, notFound } from '../crest/errors.js';
import { parseFields, projectFields } from '../crest/fields.js';
import { parseQueryRequest, queryPage } from '../crest/query.js';
import { checkIfMatch, crestReply, ordered } from '../crest/resource.js';
import { SqlParams } from '../crest/sql.js';
import { rel } from '../repository/owned.js';
import type { IdmPrincipal } from '../security.js';
import {
  formPropertyValues,
  getTaskRow,
  graphFormProperties,
  jsonVariables,
  TASK_COLUMNS,
  TASK_FROM,
  TASK_SELECT,
  taskVariables,
  toTask,
} from './runtime-shapes.js';

type Ctx = RequestContext<IdmPrincipal>;

/** The roles of a configured user (for `taskCandidateUser`: a candidate through one of their groups). */
function rolesOf(idm: IdmContext, username: string): string[] {
  return [...(idm.config.idm.users.find((u) => u.username === username)?.roles ?? [])];
}

/** `filtered-query` parameters of tasks → SQL over `t` (tasks or task history). */
export function taskFilters(ctx: Ctx, params: SqlParams, idm: IdmContext, history = false): string[] {
  const where: string[] = [];
  const get = (n: string) => ctx.rawQuery.get(n);
  const eq: [string, string][] = [
    ['executionId', 't.execution_id'],
    ['processDefinitionId', 't.definition_id'],
    ['processDefinitionKey', 't.definition_key'],
    ['processInstanceId', 't.instance_id'],
    ['taskId', 't.id'],
    ['assignee', 't.assignee'],
    [history ? 'taskName' : 'name', 't.name'],
    ['owner', 't.owner'],
    ['description', 't.description'],
    ['taskDefinitionKey', 't.task_def_key'],
  ];
  for (const [p, col] of eq) {
    const v = get(p);
    if (v !== null) where.push(`${col} = ${params.add(v)}`);
  }
  const prio = get('priority');
  if (prio !== null) {
    if (!/^-?\d+$/.test(prio)) throw badRequest(`priority must be an integer, got '${prio}'.`);
    where.push(`t.priority = ${params.add(Number(prio))}`);
  }
  if (get('unassigned') === 'true') where.push('t.assignee IS NULL');
  const tenant = get('tenantId');
  if (tenant !== null && tenant !== '') where.push('FALSE');
  const cu = get('taskCandidateUser');
  if (cu !== null) {
    where.push(
      `(t.assignee IS NULL AND (${params.add(cu)} = ANY(t.candidate_users) OR t.candidate_groups && ${params.add(rolesOf(idm, cu))}::text[]))`,
    );
  }
  const cg = get('taskCandidateGroup');
  if (cg !== null) {
    const groups = cg
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    where.push(`(t.assignee IS NULL AND t.candidate_groups && ${params.add(groups)}::text[])`);
  }
  const co = get('taskCandidateOrAssigned');
  if (co !== null) {
    const u = params.add(co);
    where.push(
      `(t.assignee = ${u} OR (t.assignee IS NULL AND (${u} = ANY(t.candidate_users) OR t.candidate_groups && ${params.add(rolesOf(idm, co))}::text[])))`,
    );
  }
  if (history) {
    if (get('finished') === 'true') where.push('t.end_time IS NOT NULL');
    if (get('unfinished') === 'true') where.push('t.end_time IS NULL');
    if (get('processFinished') === 'true')
      where.push(
        `EXISTS (SELECT 1 FROM ${rel.instanceHistory} h WHERE h.id = t.instance_id AND h.end_time IS NOT NULL)`,
      );
    if (get('processUnfinished') === 'true')
      where.push(`EXISTS (SELECT 1 FROM ${rel.instanceHistory} h WHERE h.id = t.instance_id AND h.end_time IS NULL)`);
    const dr = get('deleteReason');
    if (dr !== null) where.push(`t.delete_reason = ${params.add(dr)}`);
  }
  const varTable = history ? rel.variableHistory : rel.variables;
  for (const [name, value] of ctx.rawQuery) {
    const m = /^var-(.+)$/.exec(name);
    if (!m) continue;
    where.push(
      `EXISTS (SELECT 1 FROM ${varTable} v WHERE v.scope_id = t.instance_id AND v.name = ${params.add(m[1])} AND (CASE WHEN jsonb_typeof(v.value) = 'string' THEN v.value #>> '{}' ELSE v.value::text END) = ${params.add(value)})`,
    );
  }
  return where;
}

function facts(row: Record<string, any>) {
  return {
    assignee: row.assignee as string | null,
    candidateUsers: (row.candidate_users ?? []) as string[],
    candidateGroups: (row.candidate_groups ?? []) as string[],
  };
}

export function register(router: IdmRouter, idm: IdmContext): void {
  const sec = idm.security;
  const load = async (ctx: Ctx) => {
    const row = await getTaskRow(idm.db, ctx.params.id!);
    if (!row) throw notFound();
    if (!sec.maySeeTask(ctx.principal, facts(row))) throw forbidden();
    return row;
  };

  router.operation('queryTaskInstances', (ctx) => queryTasks(ctx, idm));

  router.operation('readTaskInstance', async (ctx) => {
    const row = await load(ctx);
    const vars = await taskVariables(idm.db, row);
    const { graph } = await idm.runtime.graphOf(idm.db, row.definition_id);
    const body = ordered({
      ...toTask(row),
      candidates: { candidateUsers: row.candidate_users ?? [], candidateGroups: row.candidate_groups ?? [] },
      formProperties: formPropertyValues(graphFormProperties(graph, row.task_def_key), vars),
      variables: jsonVariables(vars),
    });
    return crestReply(ctx, projectFields(body, parseFields(ctx.rawQuery.get('_fields') ?? undefined)), {
      rev: String(row.rev),
    });
  });

  router.operation('updateTaskInstance', async (ctx) => {
    const row = await load(ctx);
    checkIfMatch(ctx.headers, String(row.rev));
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const allowed = ['assignee', 'category', 'description', 'dueDate', 'name', 'owner', 'priority'];
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length) throw badRequest(`Unsupported task field(s): ${unknown.join(', ')}.`);
    if (!Object.keys(body).length) throw badRequest('Nothing to update.');
    // IDM task security: only an administrator or the task's assignee changes who has it (assignee, owner); a
    // candidate may only take an unassigned task for themselves, as a claim does.
    if (!sec.isAdmin(ctx.principal) && ('assignee' in body || 'owner' in body)) {
      const me = ctx.principal.username;
      const isAssignee = row.assignee === me;
      const takesUnassigned = row.assignee == null && body.assignee === me && !('owner' in body);
      if (!isAssignee && !takesUnassigned) throw forbidden();
    }
    const fields = taskFields(body);
    await idm.runtime.updateTask(row.id, fields);
    return crestReply(ctx, { 'Task updated': row.id });
  });

  router.operation('deleteTaskInstance', async (ctx) => {
    const row = await load(ctx);
    checkIfMatch(ctx.headers, String(row.rev));
    throw conflict('The task cannot be deleted because is part of a running process');
  });

  router.operation('taskInstanceAction', async (ctx) => {
    const action = ctx.rawQuery.get('_action');
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    // The permission checks run inside the runtime's command, on the task it has locked and loaded: one
    // transaction, no lookup before it (and no window between the check and the change).
    if (action === 'claim') {
      const userId = body.userId;
      await idm.runtime.claimTask(ctx.params.id!, typeof userId === 'string' ? userId : null, {
        guard: (task) => {
          if (!sec.maySeeTask(ctx.principal, facts(task))) throw forbidden();
          if (typeof userId !== 'string' || !userId) throw badRequest('claim needs a userId.');
          if (!sec.isAdmin(ctx.principal) && userId !== ctx.principal.username) throw forbidden();
        },
      });
      return crestReply(ctx, { 'Task action performed': 'claim' });
    }
    if (action === 'complete') {
      await idm.runtime.as(ctx.principal.username).completeTask(ctx.params.id!, body, {
        userId: ctx.principal.username,
        guard: (task) => sec.assertMayComplete(ctx.principal, facts(task)),
      });
      return crestReply(ctx, { 'Task action performed': 'complete' });
    }
    throw badRequest(`Unknown action '${action}'.`);
  });
}

/** `_queryId` query-all-ids, filtered-query or unassignedTaskQuery, or a `_queryFilter`: the tasks the caller may see. */
async function queryTasks(ctx: Ctx, idm: IdmContext) {
  const q = parseQueryRequest(ctx, {
    queryIds: ['query-all-ids', 'filtered-query', 'unassignedTaskQuery'],
    what: 'task instances',
  });
  const params = new SqlParams();
  const where = q.queryId === 'filtered-query' ? taskFilters(ctx, params, idm) : [];
  const me = ctx.principal;
  if (q.queryId === 'unassignedTaskQuery') {
    where.push(
      `(t.assignee IS NULL AND (${params.add(me.username)} = ANY(t.candidate_users) OR t.candidate_groups && ${params.add(me.roles)}::text[]))`,
    );
  }
  if (!idm.security.isAdmin(me)) {
    const u = params.add(me.username);
    where.push(
      `(t.assignee = ${u} OR ${u} = ANY(t.candidate_users) OR t.candidate_groups && ${params.add(me.roles)}::text[])`,
    );
  }
  return crestReply(
    ctx,
    await queryPage(
      idm.db,
      q,
      {
        select: TASK_SELECT,
        from: TASK_FROM,
        columns: TASK_COLUMNS,
        where,
        params,
        tieBreaker: 't.id',
      },
      toTask,
    ),
  );
}

/** The task's columns an update changes (`priority` null: the default 50). */
function taskFields(body: Record<string, unknown>): Record<string, any> {
  const fields: Record<string, any> = {};
  for (const k of ['assignee', 'description', 'name', 'owner', 'category'] as const)
    if (k in body) fields[k] = body[k] ?? null;
  if ('priority' in body) fields.priority = body.priority === null ? 50 : Number(body.priority);
  if ('dueDate' in body) fields.due_date = body.dueDate ? new Date(String(body.dueDate)) : null;
  return fields;
}
