/**
 * `/openidm/workflow/processdefinition`: the deployed process definitions (the runtime's definitions) — queries
 * (`_queryFilter`, `query-all-ids`, `filtered-query`), read with the start form, delete (409 while instances run),
 * and the user task definitions. Non-admin users see only the definitions `process-access` lets them start.
 */
import type { RequestContext } from '../../../http/api-module.js';
import type { DefinitionRow } from '../../../runtime/commands.js';
import { type FormProperty, type GraphNode, userTasks } from '../../../runtime/graph.js';
import type { IdmContext, IdmRouter } from '../context.js';
import { forbidden, notFound } from '../crest/errors.js';
import { parseFields, projectFields } from '../crest/fields.js';
import { parseQueryRequest, queryInMemory, queryInSql, queryPage } from '../crest/query.js';
import { checkIfMatch, crestReply, ordered } from '../crest/resource.js';
import { SqlParams } from '../crest/sql.js';
import * as defs from '../repository/definitions.js';
import { deploymentResource } from '../repository/models.js';
import type { IdmPrincipal } from '../security.js';
import { diagramFields } from './diagram-fields.js';

type Ctx = RequestContext<IdmPrincipal>;

export function toDefinition(row: DefinitionRow, deleted = false): Record<string, unknown> & { _id: string } {
  return ordered({
    _id: row.id,
    _rev: '1',
    category: row.category,
    deleted,
    deploymentId: row.deployment_id,
    description: row.description,
    key: row.key,
    name: row.name,
    processDiagramResourceName: null,
    resourceName: row.resource_name ?? `${row.key}.bpmn20.xml`,
    suspended: row.suspended,
    tenantId: row.tenant_id ?? '',
    updated: false,
    version: row.version,
  });
}

/** A form property as IDM serialises its handler. */
export function toFormProperty(fp: FormProperty): Record<string, unknown> {
  return ordered({
    _id: fp.id,
    defaultExpression: fp.default ?? null,
    name: fp.name ?? null,
    readable: fp.readable,
    required: fp.required,
    type: {
      name: fp.type ?? 'string',
      values: fp.values ? Object.fromEntries(fp.values.map((v) => [v.id, v.name ?? null])) : null,
      datePattern: fp.datePattern ?? null,
    },
    variableExpression: fp.expression ?? null,
    variableName: fp.variable ?? null,
    writable: fp.writable,
  });
}

export function toTaskDefinition(node: GraphNode, deploymentId: string): Record<string, unknown> & { _id: string } {
  const ut = node.userTask ?? { candidateUsers: [], candidateGroups: [], formProperties: [] };
  return ordered({
    _id: node.id,
    assignee: ut.assignee ?? null,
    category: ut.category ?? null,
    dueDate: ut.dueDate ?? null,
    exclusive: node.exclusive ?? true,
    formProperties: {
      deploymentId,
      formKey: ut.formKey ?? null,
      formPropertyHandlers: ut.formProperties.map(toFormProperty),
    },
    formResourceKey: ut.formKey ?? null,
    name: node.name ?? null,
    priority: ut.priority ?? null,
    taskCandidateGroup: [...ut.candidateGroups],
    taskCandidateUser: [...ut.candidateUsers],
  });
}

/** `filtered-query` parameters of process definitions → SQL conditions. */
const FILTERS: [param: string, sql: string][] = [
  ['version', 'd.version = $::integer'],
  ['deploymentId', 'd.deployment_id = $'],
  ['category', 'd.category = $'],
  ['categoryLike', 'd.category LIKE $'],
  ['key', 'd.key = $'],
  ['keyLike', 'd.key LIKE $'],
  ['name', 'd.name = $'],
  ['nameLike', 'd.name LIKE $'],
  ['processDefinitionResourceName', 'd.resource_name = $'],
  ['processDefinitionResourceNameLike', 'd.resource_name LIKE $'],
];

export function register(router: IdmRouter, idm: IdmContext): void {
  const sec = idm.security;
  const load = async (ctx: Ctx, id: string) => {
    const row = await defs.getDefinition(idm.db, id);
    if (!row) throw notFound();
    if (!sec.maySeeDefinition(ctx.principal, toDefinition(row))) throw forbidden();
    return row;
  };

  router.operation('queryProcessDefinitions', async (ctx) => {
    const q = parseQueryRequest(ctx, { queryIds: ['query-all-ids', 'filtered-query'], what: 'process definitions' });
    const params = new SqlParams();
    const where: string[] = [];
    if (q.queryId === 'filtered-query')
      for (const [name, sql] of FILTERS) {
        const v = ctx.rawQuery.get(name);
        if (v !== null) where.push(sql.replace('$', params.add(v)));
      }
    const spec = {
      select: defs.DEFINITION_SELECT,
      from: defs.DEFINITION_FROM,
      columns: defs.DEFINITION_COLUMNS,
      where,
      params,
      tieBreaker: 'd.id',
    };
    if (sec.isAdmin(ctx.principal)) {
      return crestReply(ctx, await queryPage(idm.db, q, spec, toDefinition));
    }
    // Others see what process-access lets them start: filter in memory, then page.
    const all = await queryInSql<DefinitionRow>(
      idm.db,
      { ...q, paging: { pageSize: 0, offset: 0, policy: 'NONE' } },
      spec,
    );
    const allowed = all.rows.map((row) => toDefinition(row)).filter((d) => sec.mayStart(ctx.principal, d));
    return crestReply(ctx, queryInMemory(allowed, { ...q, filter: { type: 'literal', value: true }, sortKeys: [] }));
  });

  router.operation('readProcessDefinition', async (ctx) => {
    const row = await load(ctx, ctx.params.id!);
    const start = row.graph.nodes[row.graph.startNodeId]?.startForm;
    const formKey = start?.formKey;
    const body: Record<string, unknown> = {
      ...toDefinition(row),
      formProperties: (start?.formProperties ?? []).map(toFormProperty),
    };
    if (formKey) {
      body.formResourceKey = formKey;
      body.formGenerationTemplate = (await deploymentResource(idm.db, row.deployment_id, formKey)) ?? null;
    }
    const fields = parseFields(ctx.rawQuery.get('_fields') ?? undefined);
    Object.assign(body, await diagramFields(idm, row, fields));
    return crestReply(ctx, projectFields(ordered(body), fields));
  });

  router.operation('deleteProcessDefinition', async (ctx) => {
    sec.assertAdmin(ctx.principal);
    const id = ctx.params.id!;
    if (!(await defs.getDefinition(idm.db, id))) throw notFound();
    checkIfMatch(ctx.headers, undefined);
    const row = await idm.runtime.deleteDefinition(id);
    return crestReply(
      ctx,
      projectFields(toDefinition(row, true), parseFields(ctx.rawQuery.get('_fields') ?? undefined)),
    );
  });

  router.operation('queryTaskDefinitions', async (ctx) => {
    const row = await load(ctx, ctx.params.procdefid!);
    const q = parseQueryRequest(ctx, { queryIds: ['query-all-ids'], what: 'task definitions' });
    const tasks = userTasks(row.graph).map((n) => toTaskDefinition(n, row.deployment_id));
    return crestReply(ctx, queryInMemory(tasks, q));
  });

  router.operation('readTaskDefinition', async (ctx) => {
    const row = await load(ctx, ctx.params.procdefid!);
    const node = row.graph.nodes[ctx.params.id!];
    if (node?.type !== 'userTask') throw notFound();
    const body: Record<string, unknown> = toTaskDefinition(node, row.deployment_id);
    const formKey = node.userTask?.formKey;
    if (formKey) body.formGenerationTemplate = (await deploymentResource(idm.db, row.deployment_id, formKey)) ?? null;
    return crestReply(ctx, projectFields(ordered(body), parseFields(ctx.rawQuery.get('_fields') ?? undefined)));
  });
}
