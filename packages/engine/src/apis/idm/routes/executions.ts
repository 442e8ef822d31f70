/**
 * `/openidm/workflow/execution`: the executions of running process instances (the instance itself and its tokens),
 * and `_action=message|signal|trigger` — synchronous when the variables are given, otherwise queued as a job.
 */
import type { RequestContext } from '../../../http/api-module.js';
import { MESSAGE_JOB, SIGNAL_JOB, TRIGGER_JOB } from '../../../runtime/commands.js';
import type { IdmContext, IdmRouter } from '../context.js';
import { badRequest, notFound } from '../crest/errors.js';
import { parseQueryRequest, queryPage } from '../crest/query.js';
import { crestReply, ordered } from '../crest/resource.js';
import { type ColumnMap, SqlParams } from '../crest/sql.js';
import { idmOwned, rel } from '../repository/owned.js';
import type { IdmPrincipal } from '../security.js';

type Ctx = RequestContext<IdmPrincipal>;

/** Process instances as executions, plus every token / scope execution. */
const EXECUTIONS = `(
  SELECT i.id, NULL::text AS parent_id, NULL::text AS activity_id, i.id AS instance_id, i.root_id, i.definition_id,
    i.definition_key, i.business_key, i.start_user_id, i.super_execution_id, i.start_time, NULL::text AS event_type,
    NULL::text AS event_name
  FROM ${rel.instances} i WHERE ${idmOwned('i')}
  UNION ALL
  SELECT e.id, COALESCE(e.parent_id, e.instance_id), e.activity_id, e.instance_id, i.root_id, i.definition_id,
    i.definition_key, i.business_key, i.start_user_id, NULL, e.created_at, e.event_type, e.event_name
  FROM ${rel.executions} e JOIN ${rel.instances} i ON i.id = e.instance_id WHERE ${idmOwned('i')}
) x LEFT JOIN ${rel.definitions} d ON d.id = x.definition_id`;

const COLUMNS: ColumnMap = {
  _id: { sql: 'x.id', type: 'text' },
  parentId: { sql: 'x.parent_id', type: 'text' },
  activityId: { sql: 'x.activity_id', type: 'text' },
  processInstanceId: { sql: 'x.instance_id', type: 'text' },
  rootProcessInstanceId: { sql: 'x.root_id', type: 'text' },
  processDefinitionId: { sql: 'x.definition_id', type: 'text' },
  processDefinitionKey: { sql: 'x.definition_key', type: 'text' },
  businessKey: { sql: 'x.business_key', type: 'text' },
  startUserId: { sql: 'x.start_user_id', type: 'text' },
  superExecutionId: { sql: 'x.super_execution_id', type: 'text' },
  startTime: { sql: 'x.start_time', type: 'timestamp' },
  ended: { sql: 'false', type: 'boolean' },
  suspended: { sql: 'false', type: 'boolean' },
  tenantId: { sql: "''", type: 'text' },
};

function toExecution(r: Record<string, any>) {
  return ordered({
    _id: r.id,
    activityId: r.activity_id ?? null,
    businessKey: r.business_key ?? null,
    ended: false,
    name: null,
    parentId: r.parent_id ?? null,
    processDefinitionId: r.definition_id,
    processDefinitionKey: r.definition_key,
    processInstanceId: r.instance_id,
    rootProcessInstanceId: r.root_id,
    startTime: new Date(r.start_time).toISOString(),
    startUserId: r.start_user_id ?? null,
    superExecutionId: r.super_execution_id ?? null,
    suspended: false,
    tenantId: '',
  });
}

const OPS: Record<string, string> = {
  equals: '=',
  notEquals: '<>',
  lessThan: '<',
  lessThanOrEquals: '<=',
  greaterThan: '>',
  greaterThanOrEquals: '>=',
  like: 'LIKE',
};

function variableCondition(
  ctx: Ctx,
  params: SqlParams,
  prefix: 'processVariable' | 'variable',
  scope: string,
): string | undefined {
  const name = ctx.rawQuery.get(`${prefix}Name`);
  const value = ctx.rawQuery.get(`${prefix}Value`);
  if (name === null && value === null) return undefined;
  if (name === null || value === null) throw badRequest(`${prefix}Name and ${prefix}Value go together.`);
  const type = ctx.rawQuery.get(`${prefix}ValueType`) ?? 'string';
  const op = ctx.rawQuery.get(`${prefix}Operator`) ?? 'equals';
  const text = "(CASE WHEN jsonb_typeof(v.value) = 'string' THEN v.value #>> '{}' ELSE v.value::text END)";
  let left = text;
  let right = params.add(value);
  if (['short', 'integer', 'long', 'double'].includes(type)) {
    if (Number.isNaN(Number(value))) throw badRequest(`${prefix}Value '${value}' is not a number.`);
    left = `(CASE WHEN jsonb_typeof(v.value) = 'number' THEN (v.value #>> '{}')::numeric END)`;
    right = `${right}::numeric`;
  } else if (type === 'boolean') {
    left = `(CASE WHEN jsonb_typeof(v.value) = 'boolean' THEN (v.value #>> '{}')::boolean END)`;
    right = `${right}::boolean`;
  } else if (type === 'date') {
    if (Number.isNaN(Date.parse(value))) throw badRequest(`${prefix}Value '${value}' is not a date.`);
    left = `(CASE WHEN v.type = 'date' THEN (v.value #>> '{}')::timestamptz END)`;
    right = `${right}::timestamptz`;
  }
  let cmp: string;
  if (op === 'equalsIgnoreCase' || op === 'notEqualsIgnoreCase')
    cmp = `lower(${text}) ${op === 'equalsIgnoreCase' ? '=' : '<>'} lower(${params.add(value)})`;
  else if (op === 'likeIgnoreCase') cmp = `${text} ILIKE ${params.add(value)}`;
  else if (OPS[op]) cmp = `${left} ${OPS[op]} ${right}`;
  else throw badRequest(`Unknown ${prefix}Operator '${op}'.`);
  return `EXISTS (SELECT 1 FROM ${rel.variables} v WHERE v.scope_id = ${scope} AND v.name = ${params.add(name)} AND ${cmp})`;
}

function filters(ctx: Ctx, params: SqlParams): string[] {
  const where: string[] = [];
  const get = (n: string) => ctx.rawQuery.get(n);
  const eq: [string, string][] = [
    ['executionId', 'x.id'],
    ['executionParentId', 'x.parent_id'],
    ['processDefinitionCategory', 'd.category'],
    ['processDefinitionId', 'x.definition_id'],
    ['processDefinitionKey', 'x.definition_key'],
    ['processDefinitionName', 'd.name'],
    ['processInstanceBusinessKey', 'x.business_key'],
    ['processInstanceId', 'x.instance_id'],
    ['activityId', 'x.activity_id'],
    ['startedBy', 'x.start_user_id'],
  ];
  for (const [p, col] of eq) {
    const v = get(p);
    if (v !== null) where.push(`${col} = ${params.add(v)}`);
  }
  const version = get('processDefinitionVersion');
  if (version !== null) {
    if (!/^\d+$/.test(version)) throw badRequest(`processDefinitionVersion must be an integer, got '${version}'.`);
    where.push(`d.version = ${params.add(Number(version))}`);
  }
  const signal = get('signalName');
  if (signal !== null)
    where.push(
      `EXISTS (SELECT 1 FROM ${rel.executions} s WHERE (s.id = x.id OR (s.parent_id = x.id AND s.kind = 'boundary')) AND s.event_type = 'signal' AND s.event_name = ${params.add(signal)})`,
    );
  const message = get('messageName');
  if (message !== null)
    where.push(
      `EXISTS (SELECT 1 FROM ${rel.executions} s WHERE (s.id = x.id OR (s.parent_id = x.id AND s.kind = 'boundary')) AND s.event_type = 'message' AND s.event_name = ${params.add(message)})`,
    );
  for (const [p, cmp] of [
    ['startedBefore', '<'],
    ['startedAfter', '>'],
  ] as const) {
    const v = get(p);
    if (v === null) continue;
    if (Number.isNaN(Date.parse(v))) throw badRequest(`${p} must be an ISO 8601 date, got '${v}'.`);
    where.push(`x.start_time ${cmp} ${params.add(new Date(v))}::timestamptz`);
  }
  const pv = variableCondition(ctx, params, 'processVariable', 'x.instance_id');
  if (pv) where.push(pv);
  const lv = variableCondition(ctx, params, 'variable', 'x.id');
  if (lv) where.push(lv);
  return where;
}

export function register(router: IdmRouter, idm: IdmContext): void {
  router.operation('queryExecutions', async (ctx) => {
    idm.security.assertAdmin(ctx.principal);
    const q = parseQueryRequest(ctx, { queryIds: ['filtered-query'], what: 'executions' });
    const params = new SqlParams();
    const where = q.queryId === 'filtered-query' ? filters(ctx, params) : [];
    return crestReply(
      ctx,
      await queryPage(
        idm.db,
        q,
        {
          select: `SELECT x.* FROM ${EXECUTIONS}`,
          from: `FROM ${EXECUTIONS}`,
          columns: COLUMNS,
          where,
          params,
          tieBreaker: 'x.id',
        },
        toExecution,
      ),
    );
  });

  router.operation('executionAction', async (ctx) => {
    idm.security.assertAdmin(ctx.principal);
    const action = ctx.rawQuery.get('_action');
    const body = (ctx.body ?? {}) as Record<string, any>;
    const reply = (synchronous: boolean) => crestReply(ctx, { 'Execution action performed': action, synchronous });
    const waiting = async (executionId: string, type: string, name?: string) => {
      const { rows } = await idm.db.query(
        `SELECT 1 FROM ${rel.executions} e WHERE (id = $1 OR (parent_id = $1 AND kind = 'boundary')) AND event_type = $2 ${name ? 'AND event_name = $3' : ''} LIMIT 1`,
        name ? [executionId, type, name] : [executionId, type],
      );
      return rows.length > 0;
    };
    // what the runtime does here it does for the caller (`authenticatedUserId` in expressions)
    const caller = idm.runtime.as(ctx.principal.username);
    if (action === 'message' && body.executionId == null) {
      // No execution: the message starts a process instance (Flowable's startProcessInstanceByMessage).
      const start = { businessKey: body.businessKey ?? null, startUserId: ctx.principal.username };
      if (body.processVariables != null) {
        const r = await caller.startInstanceByMessage(body.messageName, {
          ...start,
          variables: body.processVariables,
        });
        return crestReply(ctx, { 'Execution action performed': action, synchronous: true, processInstanceId: r.id });
      }
      if (!(await idm.runtime.hasMessageStart(body.messageName)))
        throw notFound(
          `Cannot start process instance by message: no subscription to message with name '${body.messageName}' found.`,
        );
      await idm.jobs.enqueue(idm.db, {
        type: MESSAGE_JOB,
        payload: { messageName: body.messageName, start: { ...start, variables: {} } },
      });
      return reply(false);
    }
    if (action === 'message') {
      if (!(await waiting(body.executionId, 'message', body.messageName))) throw notFound();
      if (body.processVariables != null) {
        await caller.messageReceived(body.messageName, body.executionId, body.processVariables);
        return reply(true);
      }
      await idm.jobs.enqueue(idm.db, {
        type: MESSAGE_JOB,
        payload: { messageName: body.messageName, executionId: body.executionId },
      });
      return reply(false);
    }
    if (action === 'signal') {
      if (body.processVariables != null) {
        await caller.signalReceived(body.signalName, body.processVariables, body.executionId);
        return reply(true);
      }
      await idm.jobs.enqueue(idm.db, {
        type: SIGNAL_JOB,
        payload: { signalName: body.signalName, executionId: body.executionId },
      });
      return reply(false);
    }
    if (action === 'trigger') {
      const { rows } = await idm.db.query<{ state: Record<string, unknown> }>(
        `SELECT state FROM ${rel.executions} e WHERE id = $1`,
        [body.executionId],
      );
      if (!rows[0]) throw notFound();
      if (body.transientVariables != null) {
        await caller.trigger(body.executionId, { ...(body.processVariables ?? {}) }, body.transientVariables);
        return reply(true);
      }
      await idm.jobs.enqueue(idm.db, {
        type: TRIGGER_JOB,
        payload: { executionId: body.executionId, variables: body.processVariables ?? {} },
      });
      return reply(false);
    }
    throw badRequest(`Unknown action '${action}'.`);
  });
}
