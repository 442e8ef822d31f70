/**
 * Creating requests: `?_action=create` (one request per user and catalog item, of type `<catalog type>Grant|Remove`)
 * and `/requests/{requestTypeId}?_action=publish` (any type, built-in lifecycle or custom, checked against the type's
 * schemas by request-schema.ts). Each resolves its request type → the bound published workflow, deploys that
 * definition's graph (dialects/iga/compile.ts) once per definition `_rev`, body and compiler version (deploy dedupe),
 * starts an instance with the request as variables and stores the request with its instance id, in the caller's
 * transaction.
 */

import { compileIgaDefinition, IGA_GRAPH_VERSION } from '../../dialects/iga/compile.js';
import type { RequestContext } from '../../http/api-module.js';
import type { Queryable } from '../../store/db.js';
import { callerRecord } from './callers.js';
import { igaError } from './errors.js';
import * as repo from './repository.js';
import { callerOf, managedOf, nowOf, runtimeIn } from './request-context.js';
import { isOpen, newDoc, type RequestDoc } from './request-doc.js';
import { publishedIdentities, requestIdentities } from './request-index.js';
import { COMMON_REQUEST_SCHEMA, checkAgainst, type SchemaBlock } from './request-schema.js';
import { sync } from './request-sync.js';

export interface CreateBody {
  users: string[];
  catalogs: { type: 'application' | 'entitlement' | 'role'; id: string }[];
  accessModifier: 'add' | 'remove';
  priority?: string;
  justification?: string;
  externalRequestId?: string;
  startDate?: string;
  endDate?: string;
  expiryDate?: string;
  context?: Record<string, unknown>;
}

const typeOf = (catalogType: string, modifier: string) => `${catalogType}${modifier === 'add' ? 'Grant' : 'Remove'}`;

/** Why each pair would be refused: a request of the same type for the same user and item still in progress. */
export async function problems(q: Queryable, body: CreateBody) {
  const pending = (await repo.allRequests(q)).filter(isOpen);
  const errors: { userId: string; catalogId: string; error: string }[] = [];
  for (const userId of body.users) {
    for (const item of body.catalogs) {
      const type = typeOf(item.type, body.accessModifier);
      const dup = pending.find(
        (r) =>
          r.requestType === type &&
          r.user.id === userId &&
          (r[item.type] as { id?: string } | undefined)?.id === item.id,
      );
      if (dup)
        errors.push({
          userId,
          catalogId: item.id,
          error: `A pending request (${dup.id}) already asks for ${item.type} ${item.id} for user ${userId}`,
        });
    }
  }
  return errors;
}

type Deployed = { id: string; key: string; graph: never; owner_api: string; tenant: string };
interface BoundType {
  type: repo.RequestTypeRecord;
  workflowId: string;
  deployed: Deployed;
}

/** The request type's bound published workflow, deployed to the runtime (once per definition rev and body). */
async function deployType(tx: Queryable, c: RequestContext, t: repo.RequestTypeRecord): Promise<BoundType> {
  const wf = t.workflow.id;
  // FOR SHARE: a forced delete of the definition waits for this transaction, then sees its requests.
  if (!wf || !(await repo.sharePublished(tx, wf)))
    throw igaError(409, `Request type ${t.id} is not bound to a published workflow`);
  const def = (await repo.read(tx, wf, 'published'))!;
  const graph = compileIgaDefinition(def, { processId: `iga_${def.id}` });
  const { definitions } = await runtimeIn(tx, c).deploy({
    graphs: [graph],
    name: `iga ${def.id} rev ${def._rev}`,
    source: JSON.stringify({ iga: def.id, rev: def._rev, body: repo.bodyOf(def), compiler: IGA_GRAPH_VERSION }),
    category: 'iga',
    dedupe: true,
  });
  const d = definitions[0]!;
  return {
    type: t,
    workflowId: wf,
    deployed: { id: d.id, key: d.key, graph: d.graph as never, owner_api: d.owner_api, tenant: d.tenant },
  };
}

/** Starts the request's workflow (the request as its variables), brings the request up to date and stores it. */
async function start(tx: Queryable, c: RequestContext, bound: BoundType, doc: RequestDoc, at: string) {
  const { decision: _d, metadata: _m, workflow: _w, ...asked } = doc;
  const started = await runtimeIn(tx, c).startInstance({
    definition: { ...bound.deployed, suspended: false },
    businessKey: doc.id,
    variables: {
      id: doc.id,
      requestId: doc.id,
      request: { ...asked, workflow: doc.workflow },
      requestIndex: asked,
    },
    startUserId: callerOf(c).id,
  });
  doc.workflow.instanceId = started.id;
  await sync(tx, doc, at);
  await repo.insertRequest(tx, doc);
}

/** The bound workflow of each request type the catalogs name, deployed; 400 for a type that does not exist. */
async function boundTypes(tx: Queryable, c: RequestContext, body: CreateBody): Promise<Map<string, BoundType>> {
  const types = new Map<string, BoundType>();
  for (const item of body.catalogs) {
    const typeId = typeOf(item.type, body.accessModifier);
    if (types.has(typeId)) continue;
    const t = await repo.readRequestType(tx, typeId);
    if (!t)
      throw igaError(400, `Unknown request type ${typeId}`, [
        { step: null, field: '/catalogs', rule: 'schema', message: `request type ${typeId} does not exist` },
      ]);
    types.set(typeId, await deployType(tx, c, t));
  }
  return types;
}

/** `?_action=create`: one request per user and catalog item, all or none. */
export async function createRequests(tx: Queryable, c: RequestContext, body: CreateBody) {
  const at = nowOf(c);
  const requester = await callerRecord(tx, managedOf(c), callerOf(c));
  const types = await boundTypes(tx, c, body);
  const errors = await problems(tx, body);
  if (errors.length > 0) throw igaError(409, errors.map((e) => e.error).join('; '));
  const common: Record<string, unknown> = { priority: body.priority ?? 'low', isDraft: false };
  for (const k of ['justification', 'externalRequestId', 'startDate', 'endDate', 'expiryDate'] as const)
    if (body[k] !== undefined) common[k] = body[k];
  common.context = body.context ?? { type: 'request' };
  const created: RequestDoc[] = [];
  for (const userId of body.users) {
    for (const item of body.catalogs) {
      const typeId = typeOf(item.type, body.accessModifier);
      const t = types.get(typeId)!;
      const known = await requestIdentities(tx, managedOf(c), userId, item);
      const doc = newDoc(
        c.ids.uuid(),
        at,
        {
          requestType: typeId,
          request: { common: structuredClone(common) },
          requester: { ...requester },
          user: known.user as RequestDoc['user'],
          ...(known.index as Partial<RequestDoc>),
          [item.type]: known.item,
        },
        t.workflowId,
      );
      await start(tx, c, t, doc, at);
      created.push(doc);
    }
  }
  return created;
}

export interface PublishBody {
  common?: Record<string, unknown>;
  custom?: Record<string, unknown>;
}

/**
 * A request of one type with the type's own properties (`POST …/requests/{requestTypeId}?_action=publish`, body
 * `{common, custom}`): the lifecycle types (createUser, modifyRole, extendEndDate, …) and custom types. `common` is
 * checked against the type's `schemas.common` (the common request schema when a custom type has none), `custom`
 * against its `schemas.custom`.
 */
export async function publishRequest(tx: Queryable, c: RequestContext, typeId: string, body: PublishBody) {
  const t = await repo.readRequestType(tx, typeId);
  if (!t) throw igaError(404, `Request type with id: ${typeId} was not found`);
  const schemas = t.schemas as { common?: SchemaBlock[]; custom?: SchemaBlock[] };
  const bad = [
    ...checkAgainst(body.common ?? {}, schemas.common ?? COMMON_REQUEST_SCHEMA, '/common'),
    ...(body.custom !== undefined || schemas.custom?.length
      ? checkAgainst(body.custom ?? {}, schemas.custom ?? [], '/custom')
      : []),
  ];
  if (bad.length > 0) throw igaError(400, `The request does not fit request type ${typeId}`, bad);
  const bound = await deployType(tx, c, t);
  const at = nowOf(c);
  const common: Record<string, unknown> = {
    priority: 'low',
    isDraft: false,
    context: { type: 'request' },
    ...structuredClone(body.common ?? {}),
  };
  const known = await publishedIdentities(tx, managedOf(c), common);
  const profile = common.user as Record<string, unknown> | undefined;
  const user =
    known.user.id === undefined && profile && typeof profile === 'object'
      ? Object.fromEntries(
          ['userName', 'givenName', 'sn', 'mail'].filter((k) => k in profile).map((k) => [k, profile[k]]),
        )
      : known.user;
  const doc = newDoc(
    c.ids.uuid(),
    at,
    {
      requestType: typeId,
      request: { common, ...(body.custom !== undefined ? { custom: structuredClone(body.custom) } : {}) },
      requester: { ...(await callerRecord(tx, managedOf(c), callerOf(c))) },
      user,
      ...(known.index as Partial<RequestDoc>),
      ...(known.itemType ? { [known.itemType]: known.item } : {}),
    },
    bound.workflowId,
  );
  await start(tx, c, bound, doc, at);
  return doc;
}
