/**
 * IGA access requests (specs/iga.yaml, tag Requests) on the shared runtime. Creating a request resolves its request
 * type (`<catalog type>Grant|Remove` for `?_action=create`; any type, built-in lifecycle or custom, for
 * `/requests/{requestTypeId}?_action=publish`, checked against the type's schemas by request-schema.ts) → the bound
 * published workflow, deploys that definition's graph (compiled, made runnable by runnable.ts) once per definition
 * `_rev` and body (deploy dedupe), starts an instance with the request as variables and stores the request with its
 * instance id, all in one transaction. The request's phases follow the instance's open user tasks and timers; approve /
 * reject / fulfill / deny / remediate / allow / exception complete the phase's task with the matching outcome, for a
 * caller who is an actor of the phase with that permission (callers.ts).
 */

import { compileIgaDefinition } from '../../dialects/iga/compile.js';
import type { ApiRouter, RequestContext } from '../../http/api-module.js';
import type { Runtime } from '../../runtime/commands.js';
import { RuntimeQueries } from '../../runtime/queries.js';
import type { Queryable } from '../../store/db.js';
import { ManagedObjects } from '../idm/managed/objects.js';
import { managedSchema } from '../idm/managed/schema.js';
import { ADMIN_CALLER, actsOn, callerRecord, type IgaCaller, mayAct, rolesOf } from './callers.js';
import { igaError } from './errors.js';
import { page } from './paging.js';
import { parseQueryFilter, pickFields, QueryError, sortBy } from './query.js';
import * as repo from './repository.js';
import { publishedIdentities, requestIdentities } from './request-index.js';
import { COMMON_REQUEST_SCHEMA, checkAgainst, type SchemaBlock } from './request-schema.js';
import { runnableGraph } from './runnable.js';

/** The system's own entries (decisions a workflow script sets) are recorded under the admin. */
export const CALLER = { id: ADMIN_CALLER.id, userName: ADMIN_CALLER.userId };

/** Managed objects, for callers' roles and records (one per config: the rules hold no state). */
const managedByConfig = new WeakMap<object, ManagedObjects>();
function managedOf(c: RequestContext): ManagedObjects {
  let m = managedByConfig.get(c.config);
  if (!m) {
    m = new ManagedObjects(managedSchema(c.config.idm.managed), c.ids, c.clock);
    managedByConfig.set(c.config, m);
  }
  return m;
}
const callerOf = (c: RequestContext): IgaCaller => (c.principal as IgaCaller | undefined) ?? ADMIN_CALLER;

interface Phase {
  name: string;
  displayName?: string;
  type: string;
  status: 'in-progress' | 'complete';
  decision: string | null;
  startDate: string;
  completionDate: string | null;
  resumeDate?: string;
  workflowTaskId?: string;
}

interface Actor {
  id: string;
  phase?: string;
  permissions: Record<string, boolean>;
}

export interface RequestDoc {
  id: string;
  requestType: string;
  request: { common: Record<string, unknown>; custom?: Record<string, unknown> };
  requester: Record<string, unknown>;
  user: Record<string, unknown>;
  application?: Record<string, unknown>;
  entitlement?: Record<string, unknown>;
  role?: Record<string, unknown>;
  /** From IDM's managed objects at creation (request-index.ts), for actor expressions. */
  manager?: { id: string };
  applicationOwner?: { id: string }[];
  entitlementOwner?: { id: string }[];
  roleOwner?: { id: string }[];
  workflow: { id: string; instanceId?: string };
  decision: {
    status: 'in-progress' | 'complete' | 'cancelled' | 'suspended';
    decision: 'approved' | 'rejected' | null;
    outcome: string | null;
    startDate: string;
    completionDate: string | null;
    deadline: string | null;
    failure?: boolean;
    comments: Record<string, unknown>[];
    actors: { active: Actor[]; inactive: Actor[] };
    phases: Phase[];
  };
  metadata: { createdDate: string; modifiedDate: string };
}

const PERMISSIONS = [
  'approve',
  'reject',
  'reassign',
  'modify',
  'comment',
  'fulfill',
  'deny',
  'allow',
  'exception',
  'remediate',
  'cancel',
] as const;
const ACTOR_ID = /^managed\/(user|role)\/[^/\s]+$/;

/** IGA owns its request workflows, with no tenants (runtime/owner.ts). */
const IGA_SCOPE = { api: 'iga', tenant: '' } as const;

/** IGA's view of the runtime's read model. */
const queries = new RuntimeQueries(IGA_SCOPE);

/** The app's Runtime, scoped to IGA, its commands inside the caller's transaction (one request = one transaction). */
function runtimeIn(tx: Queryable, c: RequestContext): Runtime {
  return c.runtime.scoped(IGA_SCOPE).in(tx);
}

// --- storage -----------------------------------------------------------------------------------------------------------

interface RequestRow {
  id: string;
  body: RequestDoc | string;
}
const toDoc = (r: RequestRow): RequestDoc => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body);

async function insertRequest(tx: Queryable, doc: RequestDoc): Promise<void> {
  await tx.query(
    `INSERT INTO iga_requests (id, request_type, workflow_id, status, created_at, body, instance_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $5)`,
    [
      doc.id,
      doc.requestType,
      doc.workflow.id,
      doc.decision.status,
      doc.metadata.createdDate,
      JSON.stringify(doc),
      doc.workflow.instanceId ?? null,
    ],
  );
}

async function saveRequest(tx: Queryable, doc: RequestDoc): Promise<void> {
  await tx.query('UPDATE iga_requests SET status = $2, body = $3, updated_at = $4 WHERE id = $1', [
    doc.id,
    doc.decision.status,
    JSON.stringify(doc),
    doc.metadata.modifiedDate,
  ]);
}

async function readRequest(q: Queryable, id: string, lock = false): Promise<RequestDoc | undefined> {
  const { rows } = await q.query<RequestRow>(
    `SELECT id, body FROM iga_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? toDoc(rows[0]) : undefined;
}

async function allRequests(q: Queryable): Promise<RequestDoc[]> {
  const { rows } = await q.query<RequestRow>(
    `SELECT id, body FROM iga_requests WHERE body <> '{}'::jsonb ORDER BY created_at, id`,
  );
  return rows.map(toDoc);
}

// --- runtime state → request -------------------------------------------------------------------------------------------

/** Brings the request's phases, actors and status up to date with its instance. */
async function sync(tx: Queryable, doc: RequestDoc, now: string): Promise<void> {
  const instanceId = doc.workflow.instanceId;
  if (!instanceId) return;
  const d = doc.decision;
  const open = await queries.openTasks(tx, instanceId);
  // Wait steps' timers (an approval's expiration timer, `<step>__expiration`, is not a phase of its own).
  const waits = (await queries.timerWaits(tx, instanceId)).filter((w) => !w.activity_id.endsWith('__expiration'));
  const openIds = new Set([...open.map((t) => t.id), ...waits.map((w) => w.id)]);
  for (const p of d.phases) {
    if (p.status === 'in-progress' && (!p.workflowTaskId || !openIds.has(p.workflowTaskId))) {
      p.status = 'complete';
      p.completionDate = now;
    }
  }
  for (const t of open) {
    if (d.phases.some((p) => p.workflowTaskId === t.id)) continue;
    d.phases.push({
      name: t.task_def_key,
      ...(t.name ? { displayName: t.name } : {}),
      type: t.category === 'violationTask' ? 'violation' : 'request',
      status: 'in-progress',
      decision: null,
      startDate: new Date(t.create_time).toISOString(),
      completionDate: null,
      workflowTaskId: t.id,
    });
  }
  for (const w of waits) {
    const resumeDate = new Date(w.due_at).toISOString();
    const known = d.phases.find((p) => p.workflowTaskId === w.id);
    if (known) {
      known.resumeDate = resumeDate;
      continue;
    }
    d.phases.push({
      name: w.activity_id,
      type: 'request',
      status: 'in-progress',
      decision: null,
      startDate: new Date(w.created_at).toISOString(),
      completionDate: null,
      resumeDate,
      workflowTaskId: w.id,
    });
  }
  const vars = await queries.instanceVariables(tx, instanceId);
  for (const p of d.phases)
    if (p.status === 'complete' && p.decision === null && vars[`__expired_${p.name}`] === true) p.decision = 'expired';
  const deadlines = d.phases
    .filter((p) => p.status === 'in-progress' && typeof vars[`__deadline_${p.name}`] === 'string')
    .map((p) => vars[`__deadline_${p.name}`] as string)
    .filter((x) => !x.startsWith('9999'))
    .sort();
  d.deadline = deadlines[0] ?? null;
  const active: Actor[] = [];
  for (const p of d.phases) {
    if (p.status !== 'in-progress') continue;
    const actors = (vars[`__actors_${p.name}`] ?? []) as Actor[];
    for (const a of actors) {
      if (typeof a?.id !== 'string' || !ACTOR_ID.test(a.id)) continue;
      // One actor named twice (the entitlement's and the application's owner) is one actor with both grants.
      const same = active.find((x) => x.id === a.id && x.phase === p.name);
      const permissions: Record<string, boolean> = same?.permissions ?? {};
      for (const k of PERMISSIONS)
        if (k !== 'cancel') permissions[k] = permissions[k] === true || a.permissions?.[k] === true;
      if (!same) active.push({ id: a.id, phase: p.name, permissions });
    }
  }
  d.actors = { active, inactive: [] };

  const set = (vars.requestDecision ?? null) as Record<string, unknown> | null;
  if (set && typeof set === 'object') {
    if (set.status === 'complete' || set.status === 'in-progress' || set.status === 'suspended')
      d.status = set.status as RequestDoc['decision']['status'];
    if (set.decision === 'approved' || set.decision === 'rejected') d.decision = set.decision;
    if (typeof set.outcome === 'string') d.outcome = set.outcome;
    if (set.failure === true) d.failure = true;
    if (typeof set.comment === 'string' && !d.comments.some((x) => x.action === 'system' && x.comment === set.comment))
      d.comments.push({ timeStamp: now, user: CALLER, action: 'system', comment: set.comment });
  }
  const running = await queries.isRunning(tx, instanceId);
  if (running && (d.status === 'in-progress' || d.status === 'suspended'))
    d.status = waits.length > 0 && open.length === 0 ? 'suspended' : 'in-progress';
  if (!running && (d.status === 'in-progress' || d.status === 'suspended')) d.status = 'complete';
  if (d.status === 'complete') {
    if (d.decision === null) {
      const last = [...d.phases].reverse().find((p) => p.decision === 'approved' || p.decision === 'rejected');
      d.decision = (last?.decision as 'approved' | 'rejected' | undefined) ?? null;
    }
    d.completionDate ??= now;
    d.actors.active = [];
  }
  doc.metadata.modifiedDate = now;
}

// --- routes -----------------------------------------------------------------------------------------------------------

interface CreateBody {
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

interface TargetFilter {
  operator: string;
  operand: { targetName: string; targetValue?: unknown } | TargetFilter[];
}

const getPath = (obj: unknown, path: string) =>
  path
    .split(/[./]/)
    .filter(Boolean)
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

function matchesTarget(f: TargetFilter | undefined, doc: unknown, fail: (m: string) => Error): boolean {
  if (!f) return true;
  const op = f.operator;
  if (op === 'AND' || op === 'OR' || op === 'NOT') {
    if (!Array.isArray(f.operand)) throw fail(`targetFilter: ${op} takes a list of filters`);
    const subs = f.operand as TargetFilter[];
    if (op === 'AND') return subs.every((s) => matchesTarget(s, doc, fail));
    if (op === 'OR') return subs.some((s) => matchesTarget(s, doc, fail));
    return !subs.every((s) => matchesTarget(s, doc, fail));
  }
  if (Array.isArray(f.operand) || !f.operand || typeof f.operand.targetName !== 'string')
    throw fail(`targetFilter: ${op} takes {targetName, targetValue}`);
  const v = getPath(doc, f.operand.targetName);
  const want = f.operand.targetValue;
  const values = Array.isArray(v) ? v : [v];
  return values.some((x) => {
    switch (op) {
      case 'EXISTS':
        return x !== undefined && x !== null;
      case 'EQUALS':
        return typeof x === 'string' && typeof want === 'string' ? x.toLowerCase() === want.toLowerCase() : x === want;
      case 'CONTAINS':
        return typeof x === 'string' && typeof want === 'string' && x.toLowerCase().includes(want.toLowerCase());
      case 'STARTS_WITH':
        return typeof x === 'string' && typeof want === 'string' && x.toLowerCase().startsWith(want.toLowerCase());
      default: {
        if (x === undefined || x === null || want === undefined || want === null) return false;
        const cmp = x < want ? -1 : x > want ? 1 : 0;
        return op === 'GT' ? cmp > 0 : op === 'GTE' ? cmp >= 0 : op === 'LT' ? cmp < 0 : cmp <= 0;
      }
    }
  });
}

export function registerRequestRoutes(router: ApiRouter): void {
  const now = (c: RequestContext) => c.clock.now().toISOString();

  /** Why each pair would be refused: a request of the same type for the same user and item still in progress. */
  const problems = async (q: Queryable, body: CreateBody) => {
    const pending = (await allRequests(q)).filter(
      (r) => r.decision.status === 'in-progress' || r.decision.status === 'suspended',
    );
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
  };

  type Deployed = { id: string; key: string; graph: never; owner_api: string; tenant: string };
  interface BoundType {
    type: repo.RequestTypeRecord;
    workflowId: string;
    deployed: Deployed;
  }

  /** The request type's bound published workflow, deployed to the runtime (once per definition rev and body). */
  const deployType = async (tx: Queryable, c: RequestContext, t: repo.RequestTypeRecord): Promise<BoundType> => {
    const wf = t.workflow.id;
    // FOR SHARE: a forced delete of the definition waits for this transaction, then sees its requests.
    if (!wf || !(await repo.sharePublished(tx, wf)))
      throw igaError(409, `Request type ${t.id} is not bound to a published workflow`);
    const def = (await repo.read(tx, wf, 'published'))!;
    const graph = runnableGraph(compileIgaDefinition(def), `iga_${def.id}`);
    const { definitions } = await runtimeIn(tx, c).deploy({
      graphs: [graph],
      name: `iga ${def.id} rev ${def._rev}`,
      source: JSON.stringify({ iga: def.id, rev: def._rev, body: repo.bodyOf(def) }),
      category: 'iga',
      dedupe: true,
    });
    const d = definitions[0]!;
    return {
      type: t,
      workflowId: wf,
      deployed: { id: d.id, key: d.key, graph: d.graph as never, owner_api: d.owner_api, tenant: d.tenant },
    };
  };

  /** A new request document, in progress, before its workflow starts. */
  const newDoc = (
    c: RequestContext,
    at: string,
    fields: Pick<RequestDoc, 'requestType' | 'request' | 'requester' | 'user'> & Partial<RequestDoc>,
    workflowId: string,
  ): RequestDoc => ({
    id: c.ids.uuid(),
    ...fields,
    workflow: { id: workflowId },
    decision: {
      status: 'in-progress',
      decision: null,
      outcome: null,
      startDate: at,
      completionDate: null,
      deadline: null,
      comments: [],
      actors: { active: [], inactive: [] },
      phases: [],
    },
    metadata: { createdDate: at, modifiedDate: at },
  });

  /** Starts the request's workflow (the request as its variables), brings the request up to date and stores it. */
  const start = async (tx: Queryable, c: RequestContext, bound: BoundType, doc: RequestDoc, at: string) => {
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
    await insertRequest(tx, doc);
  };

  const create = async (c: RequestContext) => {
    const body = c.body as CreateBody;
    const caller = callerOf(c);
    return c.db.transaction(async (tx) => {
      const at = now(c);
      const requester = await callerRecord(tx, managedOf(c), caller);
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
            c,
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
      return { status: 201, body: { result: created, resultCount: created.length } };
    });
  };

  /**
   * A request of one type with the type's own properties (`POST …/requests/{requestTypeId}?_action=publish`, body
   * `{common, custom}`): the lifecycle types (createUser, modifyRole, extendEndDate, …) and custom types. `common` is
   * checked against the type's `schemas.common` (the common request schema when a custom type has none), `custom`
   * against its `schemas.custom`.
   */
  const publish = async (c: RequestContext) => {
    // The path's segment names the request type here (`/requests/{requestTypeId}?_action=publish`).
    const typeId = c.params.requestId!;
    const body = (c.body ?? {}) as { common?: Record<string, unknown>; custom?: Record<string, unknown> };
    return c.db.transaction(async (tx) => {
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
      const at = now(c);
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
        c,
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
      return { status: 201, body: doc };
    });
  };

  router.operation('requestsAction', async (c) => {
    if (c.query._action === 'create') return create(c);
    return { body: { errors: await problems(c.db, c.body as CreateBody) } };
  });

  /** Requests as they are now: an open request is synced with its instance (a timer may have moved it on). */
  const current = async (c: RequestContext, docs: RequestDoc[]): Promise<RequestDoc[]> => {
    const open = docs.filter((d) => d.decision?.status === 'in-progress' || d.decision?.status === 'suspended');
    if (open.length === 0) return docs;
    const fresh = new Map<string, RequestDoc>();
    await c.db.transaction(async (tx) => {
      for (const stale of open) {
        const doc = await readRequest(tx, stale.id, true);
        if (!doc) continue;
        const before = JSON.stringify(doc.decision);
        const modified = doc.metadata.modifiedDate;
        await sync(tx, doc, now(c));
        if (JSON.stringify(doc.decision) !== before) await saveRequest(tx, doc);
        else doc.metadata.modifiedDate = modified;
        fresh.set(doc.id, doc);
      }
    });
    return docs.map((d) => fresh.get(d.id) ?? d);
  };

  router.operation('readRequest', async (c) => {
    const doc = await readRequest(c.db, c.params.requestId!);
    if (!doc) throw igaError(404, `Request with id: ${c.params.requestId} was not found`);
    return { body: (await current(c, [doc]))[0] };
  });

  const list = (c: RequestContext, docs: RequestDoc[]) => {
    const sorted = sortBy(docs, c.query._sortKeys as string | undefined, 'metadata.createdDate,id');
    const { slice, searchAfterKey } = page(c, sorted);
    const fields = c.query._fields as string | undefined;
    return {
      body: {
        result: slice.map((d) => pickFields(d, fields, ['id'])),
        searchAfterKey,
        resultCount: slice.length,
        totalCount: docs.length,
      },
    };
  };

  router.operation('queryRequests', async (c) => {
    const f = c.query._queryFilter as string | undefined;
    let match: (o: unknown) => boolean = () => true;
    if (f !== undefined) {
      try {
        match = parseQueryFilter(f);
      } catch (e) {
        if (e instanceof QueryError) throw igaError(400, `Invalid _queryFilter '${f}': ${e.message}`);
        throw e;
      }
    }
    return list(
      c,
      (await allRequests(c.db)).filter((d) => match(d)),
    );
  });

  const search = async (c: RequestContext, scope: (d: RequestDoc) => boolean) => {
    const tf = (c.body as { targetFilter?: TargetFilter } | undefined)?.targetFilter;
    const fail = (m: string) => igaError(400, m);
    return list(
      c,
      (await current(c, await allRequests(c.db))).filter((d) => scope(d) && matchesTarget(tf, d, fail)),
    );
  };
  const isUser = (ref: unknown, userId: string) =>
    typeof ref === 'string' && (ref === userId || ref === `managed/user/${userId}`);

  router.operation('searchRequests', (c) => search(c, () => true));
  router.operation('searchUserRequests', (c) =>
    search(c, (d) => isUser(d.requester.id, c.params.userId!) || isUser(d.user.id, c.params.userId!)),
  );
  router.operation('searchUserTasks', (c) =>
    search(c, (d) => d.decision.actors.active.some((a) => isUser(a.id, c.params.userId!))),
  );

  // --- actions ---------------------------------------------------------------------------------------------------------

  const OUTCOMES: Record<string, { outcome: string; decision: string; category: string }> = {
    approve: { outcome: 'APPROVE', decision: 'approved', category: 'approvalTask' },
    reject: { outcome: 'REJECT', decision: 'rejected', category: 'approvalTask' },
    fulfill: { outcome: 'FULFILL', decision: 'fulfilled', category: 'fulfillmentTask' },
    deny: { outcome: 'DENY', decision: 'denied', category: 'fulfillmentTask' },
    // wfkit: Ping acts on violation phases through its violation API (`…/violation/{id}/phases/{phase}/remediate|allow|
    // exception`); a request's violation phase takes the same three actions here.
    remediate: { outcome: 'REMEDIATE', decision: 'remediated', category: 'violationTask' },
    allow: { outcome: 'ALLOW', decision: 'allowed', category: 'violationTask' },
    exception: { outcome: 'ALLOW', decision: 'exception', category: 'violationTask' },
  };
  const KIND: Record<string, string> = {
    approvalTask: 'an approval',
    fulfillmentTask: 'a fulfillment',
    violationTask: 'a violation',
  };

  router.operation('requestAction', async (c) => {
    const action = c.query._action as string;
    if (action === 'publish') return publish(c);
    const id = c.params.requestId!;
    const body = (c.body ?? {}) as Record<string, unknown>;
    return c.db.transaction(async (tx) => {
      const doc = await readRequest(tx, id, true);
      if (!doc) throw igaError(404, `Request with id: ${id} was not found`);
      const at = now(c);
      const rt = runtimeIn(tx, c);
      // A timer may have moved the instance on since the request was last stored.
      if (doc.decision.status === 'in-progress' || doc.decision.status === 'suspended') await sync(tx, doc, at);
      const d = doc.decision;
      const caller = callerOf(c);
      const managed = managedOf(c);
      const who = await callerRecord(tx, managed, caller);
      const comment = (text: unknown, act: string, phase?: string) => {
        if (typeof text === 'string' && text !== '')
          d.comments.push({ timeStamp: at, user: who, action: act, ...(phase ? { phase } : {}), comment: text });
      };
      const actorsOf = (p: Phase) => d.actors.active.filter((a) => a.phase === p.name);
      /** 403 unless the caller is an actor of the phase with this permission (the admin token always is). */
      const allow = async (p: Phase, permission: string) => {
        if (!(await mayAct(tx, managed, caller, actorsOf(p), permission)))
          throw igaError(403, `${caller.id} may not ${permission} phase ${p.name} of request ${id}`);
      };
      const isRequester = () => caller.admin || doc.requester.id === caller.id;
      const inProgress = () => {
        if (d.status !== 'in-progress' && d.status !== 'suspended')
          throw igaError(409, `Request ${id} is ${d.status}: it can't be acted on`);
      };
      /** The active phase the action is for: `phaseName`, or the only active one the caller acts on. */
      const phase = async (ofAnyActor = false) => {
        const all = d.phases.filter((p) => p.status === 'in-progress');
        const name = c.query.phaseName as string | undefined;
        if (name !== undefined) {
          const p = all.find((x) => x.name === name);
          if (!p) throw igaError(409, `Request ${id} has no active phase ${name}`);
          return p;
        }
        if (all.length === 0) throw igaError(409, `Request ${id} has no active phase`);
        const roles = await rolesOf(tx, managed, caller);
        const active = ofAnyActor ? all : all.filter((p) => actsOn(caller, actorsOf(p), roles));
        if (active.length === 0) throw igaError(403, `${caller.id} is not an actor of request ${id}`);
        if (active.length > 1)
          throw igaError(
            400,
            `The caller is an actor of ${active.length} active phases of this request; give phaseName`,
            [
              {
                step: null,
                field: '',
                rule: 'schema',
                message: 'query parameter phaseName is required when the caller acts on several phases',
              },
            ],
          );
        return active[0]!;
      };

      switch (action) {
        case 'approve':
        case 'reject':
        case 'fulfill':
        case 'deny':
        case 'remediate':
        case 'allow':
        case 'exception': {
          inProgress();
          const p = await phase();
          await allow(p, action);
          const spec = OUTCOMES[action]!;
          const task = p.workflowTaskId ? await queries.task(tx, p.workflowTaskId) : undefined;
          if (task?.category !== spec.category)
            throw igaError(409, `Can't ${action} phase ${p.name}: it is not ${KIND[spec.category]} phase`);
          comment(body.justification ?? body.comment, action, p.name);
          p.decision = spec.decision;
          const until = action === 'exception' ? body.exceptionExpirationDate : undefined;
          if (until !== undefined && (typeof until !== 'string' || Number.isNaN(Date.parse(until))))
            throw igaError(400, 'exceptionExpirationDate must be a date-time', [
              { step: null, field: '/exceptionExpirationDate', rule: 'schema', message: 'must be a date-time' },
            ]);
          await rt.completeTask(
            p.workflowTaskId!,
            { outcome: spec.outcome, ...(until !== undefined ? { exceptionExpirationDate: until } : {}) },
            { userId: caller.id },
          );
          break;
        }
        case 'cancel': {
          inProgress();
          if (!isRequester()) throw igaError(403, `${caller.id} may not cancel request ${id}: only its requester can`);
          comment(body.comment, 'cancel');
          await rt.deleteInstance(doc.workflow.instanceId!, 'cancelled');
          for (const p of d.phases)
            if (p.status === 'in-progress') {
              p.status = 'complete';
              p.decision = 'cancelled';
              p.completionDate = at;
            }
          d.status = 'cancelled';
          d.outcome = 'cancelled';
          d.completionDate = at;
          d.actors = { active: [], inactive: [] };
          doc.metadata.modifiedDate = at;
          await saveRequest(tx, doc);
          return { body: doc };
        }
        case 'comment': {
          const name = c.query.phaseName as string | undefined;
          const commenters = name ? d.actors.active.filter((a) => a.phase === name) : d.actors.active;
          if (!isRequester() && !(await mayAct(tx, managed, caller, commenters, 'comment')))
            throw igaError(403, `${caller.id} may not comment on request ${id}`);
          comment(body.comment, 'comment', name);
          doc.metadata.modifiedDate = at;
          await saveRequest(tx, doc);
          return { body: doc };
        }
        case 'reassign': {
          inProgress();
          const p = await phase();
          await allow(p, 'reassign');
          const updated = body.updatedActors as { id: string[]; permissions: Record<string, boolean> }[];
          const actors = updated.flatMap((u) => u.id.map((aid) => ({ id: aid, permissions: u.permissions })));
          comment(body.comment, 'reassign', p.name);
          await rt.setVariables(doc.workflow.instanceId!, { [`__actors_${p.name}`]: actors });
          break;
        }
        case 'modify': {
          inProgress();
          const p = await phase();
          await allow(p, 'modify');
          const change = body.request as { common?: Record<string, unknown>; custom?: Record<string, unknown> };
          doc.request.common = { ...doc.request.common, ...(change.common ?? {}) };
          if (change.custom) doc.request.custom = { ...(doc.request.custom ?? {}), ...change.custom };
          comment(body.comment, 'modify', p.name);
          const { decision: _d, metadata: _m, ...asked } = doc;
          await rt.setVariables(doc.workflow.instanceId!, { request: asked, requestIndex: asked });
          break;
        }
        case 'changeResumeDate': {
          inProgress();
          if (!isRequester()) throw igaError(403, `${caller.id} may not change the resume date of request ${id}`);
          const p = await phase(true);
          const waits = await queries.timerWaits(tx, doc.workflow.instanceId!);
          if (!waits.some((w) => w.id === p.workflowTaskId))
            throw igaError(409, `Can't changeResumeDate of phase ${p.name}: it is not a wait phase`);
          const when = new Date(body.resumeDate as string);
          await rt.rescheduleTimer(p.workflowTaskId!, when);
          comment(body.comment, 'changeResumeDate', p.name);
          break;
        }
        default:
          throw igaError(400, `Unknown _action ${action}`);
      }
      await sync(tx, doc, at);
      await saveRequest(tx, doc);
      return { body: doc };
    });
  });
}
