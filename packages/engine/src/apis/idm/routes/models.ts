/**
 * `/openidm/workflow/model`: BPMN models stored in IDM — create (a template when `bpmnXML` is absent), query, read,
 * update (`If-Match`), delete, `validate_bpmn`, `deploy` (an unchanged model returns its existing definitions),
 * `list_deployments`. Admin only (IDM's router authorisation gives other users no access to models).
 */

import { type Problem, validateBpmn } from '../../../dialects/bpmn/index.js';
import type { RequestContext } from '../../../http/api-module.js';
import { sha256Hex } from '../../../runtime/digest.js';
import type { IdmContext, IdmRouter } from '../context.js';
import { badRequest, notFound } from '../crest/errors.js';
import { fieldRequested, parseFields, projectFields } from '../crest/fields.js';
import { parseQueryRequest, queryEnvelope, queryInSql } from '../crest/query.js';
import { checkIfMatch, created, crestReply, ordered } from '../crest/resource.js';
import * as repo from '../repository/models.js';
import type { IdmPrincipal } from '../security.js';

type Ctx = RequestContext<IdmPrincipal>;

interface ModelBody {
  _id?: string;
  name: string;
  description?: string | null;
  category?: string | null;
  bpmnXML?: string;
  resourceMap?: Record<string, string>;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toModel(row: repo.ModelRow, withContent = true): Record<string, unknown> {
  return ordered({
    _id: row.id,
    _rev: String(row.rev),
    ...(withContent ? { bpmnXML: row.bpmn_xml, resourceMap: row.resource_map ?? {} } : {}),
    category: row.category,
    createTime: iso(row.create_time),
    deploymentId: row.deployment_id,
    description: row.description,
    key: row.key,
    lastUpdateTime: iso(row.last_update_time),
    name: row.name,
    version: row.version,
  });
}

/** The `id` of the first `process` element, or null. */
export function processKeyOf(xml: string): string | null {
  const m = /<(?:[\w-]+:)?process\b[^>]*?\sid\s*=\s*["']([^"']+)["']/.exec(xml);
  return m ? m[1]! : null;
}

export function targetNamespaceOf(xml: string): string | null {
  const m = /<(?:[\w-]+:)?definitions\b[^>]*?\stargetNamespace\s*=\s*["']([^"']*)["']/.exec(xml);
  return m ? m[1]! : null;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `Badge request` → `badgeRequest`: NCName characters only, words joined in camel case. */
export function templateKey(name: string): string {
  const words = name.split(/[^A-Za-z0-9_.-]+/).filter(Boolean);
  const key = words
    .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
  return /^[A-Za-z_]/.test(key) ? key : `process${key.charAt(0).toUpperCase()}${key.slice(1)}`;
}

/** The template of a model created without `bpmnXML`: start → one user task for the creator → end. */
export function templateBpmn(name: string, category: string | null): string {
  const key = templateKey(name);
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn" targetNamespace="${escapeXml(category ?? 'Examples')}">
  <process id="${key}" name="${escapeXml(name)}" isExecutable="true">
    <startEvent id="start" flowable:initiator="startUserId"/>
    <sequenceFlow id="toTask" sourceRef="start" targetRef="task"/>
    <userTask id="task" name="${escapeXml(name)}" flowable:assignee="\${startUserId}"/>
    <sequenceFlow id="toEnd" sourceRef="task" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>
`;
}

/** The rule that found a problem, when the dialect names none: `xml`, `script`, `expression`, `unsupported-element`, `structure`. */
export function ruleOf(p: Problem): string {
  if (p.rule) return p.rule;
  if (
    !p.elementId &&
    (p.message.startsWith('XML error') || p.column !== undefined || /document is empty/.test(p.message))
  )
    return 'xml';
  if (/^(Groovy script|Script) of/.test(p.message)) return 'script';
  if (/does not parse|must be an expression/.test(p.message)) return 'expression';
  if (/not supported|unsupported|cannot be executed|cannot execute/i.test(p.message)) return 'unsupported-element';
  return 'structure';
}

/** A BPMN problem in the spec's `BpmnProblem` shape (every field present, `null` when unknown). */
export function toProblem(p: Problem) {
  return {
    severity: p.severity,
    message: p.message,
    elementId: p.elementId ?? null,
    line: p.line ?? null,
    column: p.column ?? null,
    rule: ruleOf(p),
  };
}

function contentHash(xml: string, resources: Record<string, string>): Promise<string> {
  const sorted = Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sha256Hex(xml, JSON.stringify(sorted));
}

export function register(router: IdmRouter, idm: IdmContext): void {
  const admin = (ctx: Ctx) => idm.security.assertAdmin(ctx.principal);
  const load = async (id: string) => {
    const row = await repo.getModel(idm.db, id);
    if (!row) throw notFound();
    return row;
  };
  const answer = (ctx: Ctx, model: Record<string, unknown>, status = 200) =>
    crestReply(ctx, projectFields(model, parseFields(ctx.rawQuery.get('_fields') ?? undefined)), {
      status,
      rev: model._rev as string,
    });

  router.operation('queryModels', async (ctx) => {
    admin(ctx);
    const q = parseQueryRequest(ctx, { what: 'models' });
    const withContent = fieldRequested(q.fields, 'bpmnXML') || fieldRequested(q.fields, 'resourceMap');
    const r = await queryInSql<repo.ModelRow>(idm.db, q, {
      select: repo.MODEL_SELECT,
      from: repo.MODEL_FROM,
      columns: repo.MODEL_COLUMNS,
      tieBreaker: 'm.id',
    });
    const items = r.rows.map((row) => projectFields(toModel(row, withContent), q.fields));
    return crestReply(ctx, queryEnvelope(items, q.paging, r));
  });

  router.operation('createOrValidateModel', async (ctx) => {
    admin(ctx);
    return createOrValidate(ctx, idm);
  });

  router.operation('readModel', async (ctx) => {
    admin(ctx);
    return answer(ctx, toModel(await load(ctx.params.id!)));
  });

  router.operation('updateModel', async (ctx) => {
    admin(ctx);
    const id = ctx.params.id!;
    const body = ctx.body as ModelBody;
    if (body._id !== undefined && body._id !== id)
      throw badRequest(`The body's _id '${body._id}' does not match the model id '${id}' of the path.`);
    const row = await idm.db.transaction(async (tx) => {
      const current = await repo.getModel(tx, id, true);
      if (!current) throw notFound();
      checkIfMatch(ctx.headers, String(current.rev));
      return repo.updateModel(tx, id, {
        name: body.name,
        description: body.description ?? null,
        category: body.category ?? null,
        key: processKeyOf(body.bpmnXML!),
        bpmnXml: body.bpmnXML!,
        resourceMap: body.resourceMap ?? {},
        now: idm.clock.now(),
      });
    });
    return answer(ctx, toModel(row));
  });

  router.operation('deleteModel', async (ctx) => {
    admin(ctx);
    const id = ctx.params.id!;
    const row = await idm.db.transaction(async (tx) => {
      const current = await repo.getModel(tx, id, true);
      if (!current) throw notFound();
      checkIfMatch(ctx.headers, String(current.rev));
      await repo.deleteModel(tx, id);
      return current;
    });
    return answer(ctx, toModel(row));
  });

  router.operation('modelAction', async (ctx) => {
    admin(ctx);
    const model = await load(ctx.params.id!);
    const action = ctx.rawQuery.get('_action');
    if (action === 'list_deployments') {
      const deployments = await repo.listDeployments(idm.db, model.id);
      return crestReply(ctx, {
        _id: model.id,
        deployments: deployments.map((d) => ({ ...d, deploymentTime: d.deploymentTime.toISOString() })),
      });
    }
    return crestReply(ctx, await deployModel(idm, model));
  });
}

/** Deploys the model's BPMN (once per content: the same content again answers the last deployment, `duplicate`). */
async function deployModel(idm: IdmContext, model: repo.ModelRow) {
  const resources = model.resource_map ?? {};
  const hash = await contentHash(model.bpmn_xml, resources);
  const last = await repo.lastDeployment(idm.db, model.id);
  if (last && last.content_hash === hash) {
    const ids = await repo.definitionIdsOf(idm.db, last.deployment_id);
    if (ids.length)
      return {
        _id: model.id,
        deploymentId: last.deployment_id,
        duplicate: true,
        processDefinitionIds: ids,
      };
  }
  const validation = await validateBpmn(model.bpmn_xml);
  const errors = validation.problems.filter((p) => p.severity === 'error');
  if (!validation.valid)
    throw badRequest(`The model's BPMN has ${errors.length} error${errors.length === 1 ? '' : 's'}.`, {
      problems: validation.problems.map(toProblem),
    });
  const graphs = validation.graphs.filter((g) => g.isExecutable);
  if (graphs.length === 0) throw badRequest('The model\'s BPMN has no executable process (isExecutable="true").');
  const deployed = await idm.runtime.deploy({
    graphs,
    name: model.name,
    source: model.bpmn_xml,
    resourceName: `${model.key ?? graphs[0]!.id}.bpmn20.xml`,
    ...(targetNamespaceOf(model.bpmn_xml) ? { category: targetNamespaceOf(model.bpmn_xml)! } : {}),
  });
  try {
    await repo.recordDeployment(idm.db, {
      deploymentId: deployed.deploymentId,
      modelId: model.id,
      hash,
      time: idm.clock.now(),
      resources,
    });
  } catch (e) {
    // Keep deployments and their model links together: undo the deployment when it can't be recorded.
    await idm.runtime.deleteDeployment(deployed.deploymentId).catch(() => {});
    throw e;
  }
  return {
    _id: model.id,
    deploymentId: deployed.deploymentId,
    duplicate: false,
    processDefinitionIds: deployed.definitions.map((d) => d.id),
  };
}

/** `_action=validate_bpmn` answers the BPMN's problems; create (the default) stores a model (a template without BPMN). */
async function createOrValidate(ctx: Ctx, idm: IdmContext) {
  const action = ctx.rawQuery.get('_action') ?? 'create';
  if (action === 'validate_bpmn') {
    const { bpmnXML } = ctx.body as { bpmnXML: string };
    const r = await validateBpmn(bpmnXML);
    return crestReply(ctx, { valid: r.valid, problems: r.problems.map(toProblem) });
  }
  const body = ctx.body as ModelBody;
  const category = body.category ?? (body.bpmnXML ? targetNamespaceOf(body.bpmnXML) : 'Examples');
  const bpmnXml = body.bpmnXML ?? templateBpmn(body.name, category);
  const row = await repo.insertModel(idm.db, {
    id: idm.ids.uuid(),
    name: body.name,
    description: body.description ?? null,
    category,
    key: processKeyOf(bpmnXml),
    bpmnXml,
    resourceMap: body.resourceMap ?? {},
    now: idm.clock.now(),
  });
  const model = toModel(row);
  return created(ctx, projectFields(model, parseFields(ctx.rawQuery.get('_fields') ?? undefined)), row.id, {
    rev: row.rev,
  });
}
