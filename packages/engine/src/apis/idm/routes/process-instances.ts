/**
 * `/openidm/workflow/processinstance` (running instances) and `/processinstance/history` (all): start as IDM does
 * (`_processDefinitionId` over `_key`, latest version for `_key`, `_businessKey`, every other field a variable, ISO
 * date strings as dates, 201 with `status` `ended` or `suspended`), queries with every filter, read with `tasks`,
 * delete. Runs on the runtime (src/runtime/commands.ts).
 */
import type { RequestContext } from '../../../http/api-module.js';
import type { DefinitionRow } from '../../../runtime/commands.js';
import type { IdmContext, IdmRouter } from '../context.js';
import { badRequest, forbidden, notFound } from '../crest/errors.js';
import { parseFields, projectFields } from '../crest/fields.js';
import { parseQueryRequest, type QueryRequest, queryPage } from '../crest/query.js';
import { checkIfMatch, created, crestReply, ordered } from '../crest/resource.js';
import { SqlParams } from '../crest/sql.js';
import { getDefinition } from '../repository/definitions.js';
import { activeActivityIds } from '../repository/diagrams.js';
import { rel } from '../repository/owned.js';
import type { IdmPrincipal } from '../security.js';
import { diagramFields } from './diagram-fields.js';
import { toDefinition } from './process-definitions.js';
import {
  datesFromIso,
  getInstanceRow,
  HI_TASK_SELECT,
  INSTANCE_COLUMNS,
  INSTANCE_FROM,
  INSTANCE_SELECT,
  toHistoricTask,
  toProcessInstance,
} from './runtime-shapes.js';

type Ctx = RequestContext<IdmPrincipal>;

export const DELETE_REASON = 'Deleted by IDM.';

/** `filtered-query` parameters of process instances → SQL conditions over `h` (the instance history). */
function instanceFilters(ctx: Ctx, params: SqlParams): string[] {
  const where: string[] = [];
  const get = (n: string) => ctx.rawQuery.get(n);
  const eq: [string, string][] = [
    ['processDefinitionId', 'h.definition_id'],
    ['processDefinitionKey', 'h.definition_key'],
    ['processInstanceBusinessKey', 'h.business_key'],
    ['processInstanceId', 'h.id'],
    ['superProcessInstanceId', 'h.super_instance_id'],
    ['startUserId', 'h.start_user_id'],
  ];
  for (const [p, col] of eq) {
    const v = get(p);
    if (v !== null) where.push(`${col} = ${params.add(v)}`);
  }
  if (get('finished') === 'true') where.push('h.end_time IS NOT NULL');
  if (get('unfinished') === 'true') where.push('h.end_time IS NULL');
  const dates: [string, string][] = [
    ['startedAfter', 'h.start_time >'],
    ['startedBefore', 'h.start_time <'],
    ['finishedAfter', 'h.end_time >'],
    ['finishedBefore', 'h.end_time <'],
  ];
  for (const [p, cmp] of dates) {
    const v = get(p);
    if (v === null) continue;
    if (Number.isNaN(Date.parse(v))) throw badRequest(`${p} must be an ISO 8601 date, got '${v}'.`);
    where.push(`${cmp} ${params.add(new Date(v))}::timestamptz`);
  }
  const involved = get('involvedUserId');
  if (involved !== null) {
    const p = params.add(involved);
    where.push(
      `(h.start_user_id = ${p} OR EXISTS (SELECT 1 FROM ${rel.taskHistory} x WHERE x.instance_id = h.id AND (x.assignee = ${p} OR x.owner = ${p} OR ${p} = ANY(x.candidate_users))))`,
    );
  }
  if (get('businessStatus') !== null) where.push('FALSE');
  for (const [name, value] of ctx.rawQuery) {
    const m = /^var-(.+)$/.exec(name);
    if (!m) continue;
    where.push(
      `EXISTS (SELECT 1 FROM ${rel.variableHistory} v WHERE v.scope_id = h.id AND v.name = ${params.add(m[1])} AND (CASE WHEN jsonb_typeof(v.value) = 'string' THEN v.value #>> '{}' ELSE v.value::text END) = ${params.add(value)})`,
    );
  }
  return where;
}

/** A CREST query over the instance history; `running` limits it to unfinished instances. */
export async function queryInstances(idm: IdmContext, ctx: Ctx, running: boolean) {
  const q: QueryRequest = parseQueryRequest(ctx, {
    queryIds: ['query-all-ids', 'filtered-query'],
    what: 'process instances',
  });
  const params = new SqlParams();
  const where = q.queryId === 'filtered-query' ? instanceFilters(ctx, params) : [];
  if (running) where.push('h.end_time IS NULL');
  if (!idm.security.isAdmin(ctx.principal)) where.push(`h.start_user_id = ${params.add(ctx.principal.username)}`);
  return crestReply(
    ctx,
    await queryPage(
      idm.db,
      q,
      {
        select: INSTANCE_SELECT,
        from: INSTANCE_FROM,
        columns: INSTANCE_COLUMNS,
        where,
        params,
        tieBreaker: 'h.id',
      },
      toProcessInstance,
    ),
  );
}

/** Reads an instance (with its tasks); `running` answers 404 for an ended one. */
export async function readInstance(idm: IdmContext, ctx: Ctx, running: boolean) {
  const row = await getInstanceRow(idm.db, ctx.params.id!);
  if (!row || (running && row.end_time)) throw notFound();
  if (!idm.security.isAdmin(ctx.principal) && row.start_user_id !== ctx.principal.username) throw forbidden();
  const tasks = await idm.db.query<Record<string, any>>(
    `${HI_TASK_SELECT} WHERE t.instance_id = $1 ORDER BY t.create_time, t.id`,
    [row.id],
  );
  const fields = parseFields(ctx.rawQuery.get('_fields') ?? undefined);
  const def = await getDefinition(idm.db, row.definition_id);
  const diagram = def
    ? await diagramFields(idm, def, fields, async () => (row.end_time ? [] : activeActivityIds(idm.db, row.id)))
    : {};
  const body = ordered({ ...toProcessInstance(row), tasks: tasks.rows.map(toHistoricTask), ...diagram });
  return crestReply(ctx, projectFields(body, fields));
}

export function register(router: IdmRouter, idm: IdmContext): void {
  const sec = idm.security;

  router.operation('createProcessInstance', async (ctx) => {
    const action = ctx.rawQuery.get('_action');
    if (action !== null && action !== 'create') throw badRequest(`Unknown action '${action}'.`);
    const body = { ...((ctx.body ?? {}) as Record<string, unknown>) };
    const defId = body._processDefinitionId;
    const key = body._key;
    const businessKey = body._businessKey;
    delete body._processDefinitionId;
    delete body._key;
    delete body._businessKey;
    let def: DefinitionRow | undefined;
    if (defId !== undefined && defId !== null) {
      def = await getDefinition(idm.db, String(defId));
      if (!def) throw notFound(`No process definition found for id '${defId}'`);
    } else if (key !== undefined && key !== null) {
      def = await idm.runtime.latestDefinition(idm.db, String(key));
      if (!def) throw notFound(`No process definition found for key '${key}'`);
    } else throw badRequest('The request must contain either _processDefinitionId or _key.');
    sec.assertMayStart(ctx.principal, toDefinition(def));
    const r = await idm.runtime.as(ctx.principal.username).startInstance({
      definition: def,
      businessKey: businessKey === undefined || businessKey === null ? null : String(businessKey),
      variables: datesFromIso(body),
      startUserId: ctx.principal.username,
    });
    const answer = ordered({
      _id: r.id,
      businessKey: r.businessKey,
      processDefinitionId: r.definitionId,
      processInstanceId: r.id,
      status: r.ended ? 'ended' : 'suspended',
    });
    return created(ctx, projectFields(answer, parseFields(ctx.rawQuery.get('_fields') ?? undefined)), r.id, {
      collectionPath: ctx.url.pathname,
    });
  });

  router.operation('queryProcessInstances', (ctx) => queryInstances(idm, ctx, true));
  router.operation('readProcessInstance', (ctx) => readInstance(idm, ctx, true));

  router.operation('processInstanceAction', async (ctx) => {
    sec.assertAdmin(ctx.principal);
    const action = ctx.rawQuery.get('_action');
    if (action !== 'migrate' && action !== 'validateMigration') throw badRequest(`Unknown action '${action}'.`);
    const id = ctx.params.id!;
    const row = await getInstanceRow(idm.db, id);
    if (!row || row.end_time) throw notFound();
    const body = (ctx.body ?? {}) as {
      processDefinitionId?: string;
      variables?: Record<string, unknown>;
      fromActivityIdMap?: Record<string, { toActivityId?: string; localVariables?: Record<string, unknown> }>;
    };
    const r = await idm.runtime.migrateInstance(id, {
      definitionId: body.processDefinitionId,
      variables: body.variables,
      activityMap: body.fromActivityIdMap,
      validateOnly: action === 'validateMigration',
    });
    if (action === 'validateMigration')
      return crestReply(ctx, { migrationValid: r.messages.length === 0, validationMessages: r.messages });
    if (r.messages.length)
      throw badRequest(`Cannot migrate process instance '${id}': ${r.messages[0]}`, { validationMessages: r.messages });
    return crestReply(ctx, { 'Successfully migrated process instance': id });
  });

  router.operation('deleteProcessInstance', async (ctx) => {
    sec.assertAdmin(ctx.principal);
    const id = ctx.params.id!;
    const row = await getInstanceRow(idm.db, id);
    if (!row || row.end_time) throw notFound();
    checkIfMatch(ctx.headers, undefined);
    await idm.runtime.deleteInstance(id, DELETE_REASON);
    const after = await getInstanceRow(idm.db, id);
    return crestReply(
      ctx,
      projectFields(toProcessInstance(after ?? row), parseFields(ctx.rawQuery.get('_fields') ?? undefined)),
    );
  });
}
