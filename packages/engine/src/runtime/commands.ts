/**
 * The runtime's commands. Each runs in one transaction: lock the root process instance row, load state, advance
 * tokens until every path waits, write runtime and history rows, commit. Dialect- and API-neutral.
 *
 * One Runtime per app (it caches compiled graphs and holds the service behaviours). An API works through a view of
 * it: `runtime.scoped({ api: 'iga' })` sees only IGA's rows (another owner's id is not found), and
 * `runtime.in(tx)` runs commands inside the caller's transaction (a job's, or a request's that writes its own rows
 * too). Views share the app's Runtime state.
 */

import type { Db, Queryable } from '../store/db.js';
import type { ServiceBehaviour } from './behaviours.js';
import { type Clock, systemClock } from './clock.js';
import { badRequest, conflict, notFound, RuntimeError } from './errors.js';
import { assertUniqueMessageStarts, eventStartDefinitions } from './event-starts.js';
import { Executor, type ExecutorHooks } from './executor.js';
import {
  EXTERNAL_JOB,
  type ExternalCall,
  type ExternalOutcome,
  type ExternalServiceBehaviour,
  externalJobHandler,
  isExternalBehaviour,
} from './external-tasks.js';
import type { ProcessGraph } from './graph.js';
import { defaultIds, type IdGenerator } from './ids.js';
import { type EnqueueOptions, type Job, type JobContext, type JobHandler, JobQueue } from './jobs.js';
import { notifyTask } from './listeners.js';
import { inScope, type Owner, type OwnerScope, ownerOf, scopeSql } from './owner.js';
import type { HostFunction, ScriptLimits } from './script-sandbox.js';
import { type HistoryLevel, type InstanceState, Session, type TaskRow } from './session.js';
import { deliverSignal, type QueuedSignal, received, type SignalJobPayload, startBySignal } from './signals.js';
import { armTimerStarts, fireTimerStart, TIMER_START_JOB, type TimerStartPayload } from './timer-starts.js';
import { continueWaitGroup, type WaitKind } from './wait-groups.js';

/** The host functions of one script run: `q` is the command's transaction, so their writes commit or roll back with it. */
export type ScriptHostFactory = (run: {
  q: Queryable;
  instanceId: string;
  startUserId: string | null;
}) => Record<string, HostFunction>;

/** An API's own rows about a deployment, deleted with it (registerDeploymentCleanup). */
export type DeploymentCleanup = (q: Queryable, deploymentId: string) => Promise<void>;

export interface RuntimeOptions {
  db: Db;
  clock?: Clock;
  ids?: IdGenerator;
  history?: HistoryLevel;
  scriptLimits?: ScriptLimits;
  expressionGlobals?: Record<string, unknown>;
  /** Service behaviours of this Runtime (more with `registerServiceBehaviour`). */
  serviceBehaviours?: Record<string, ServiceBehaviour>;
  /** The owner an unscoped Runtime deploys as; default IDM's (the BPMN API). */
  defaultOwner?: Owner;
  /** The queue its jobs go through; the app's wakes the app's job executor. Default a queue of its own. */
  jobs?: JobQueue;
}

export interface DefinitionRow {
  id: string;
  key: string;
  version: number;
  name: string | null;
  description: string | null;
  category: string | null;
  deployment_id: string;
  resource_name: string | null;
  suspended: boolean;
  tenant_id: string;
  created_at: Date;
  graph: ProcessGraph;
  owner_api: string;
  tenant: string;
}

/** wf_definition's columns but the graph, which is large (JSON) and the same for every read of an id. */
type DefinitionHead = Omit<DefinitionRow, 'graph'>;
const DEFINITION_HEAD = `id, key, version, name, description, category, deployment_id, resource_name, suspended, tenant_id,
  created_at, owner_api, tenant`;

export interface StartResult {
  id: string;
  definitionId: string;
  businessKey: string | null;
  ended: boolean;
}

/** What a command's executor leaves to enqueue besides its session's timers (Runtime.write). */
export interface CommandJobs {
  readonly externalCalls: readonly ExternalCall[];
  readonly signalJobs: readonly QueuedSignal[];
}

/** SHA-256 with Web Crypto (Node and browsers). */
async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const TIMER_JOB = 'wf.timer';
export const ASYNC_JOB = 'wf.async';

/** An API's check on a task, run inside the command under the instance lock: throws to refuse. */
export type TaskGuard = (task: Readonly<TaskRow>) => void;

const latestByStore = new WeakMap<Db, Map<string, DefinitionHead>>();

export class Runtime {
  readonly db: Db;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly history: HistoryLevel;
  readonly jobs: JobQueue;
  /** What this view sees and changes; undefined: everything (the app's Runtime itself, its job handlers). */
  readonly scope: OwnerScope | undefined = undefined;
  /** The transaction commands of this view run in (`in(tx)`); undefined: each command opens its own. */
  private readonly boundTx: Queryable | undefined = undefined;
  /** Who calls the commands of this view (`as(userId)`): `authenticatedUserId` in their expressions. */
  private readonly actor: string | null = null;
  private readonly defaultOwner: Owner;
  private readonly graphCache = new Map<string, { graph: ProcessGraph; key: string }>();
  /**
   * latestDefinition's autocommit reads, per scope and key, where this process alone writes the store (PGlite); one
   * map per store, so every Runtime over it (two apps on one store) sees the others' deploys clear it.
   */
  private readonly latestHeads: Map<string, DefinitionHead>;
  private readonly behaviours = new Map<string, ServiceBehaviour>();
  private readonly scriptHosts = new Map<string, ScriptHostFactory>();
  private readonly scriptPreludes = new Map<string, string>();
  private readonly deploymentCleanups = new Map<string, DeploymentCleanup>();
  private readonly hooks: ExecutorHooks;

  constructor(opts: RuntimeOptions) {
    this.db = opts.db;
    // A Runtime made only to list operations (contract tests) has no store.
    const kept = opts.db ? latestByStore.get(opts.db) : undefined;
    this.latestHeads = kept ?? new Map();
    if (opts.db && !kept) latestByStore.set(opts.db, this.latestHeads);
    this.clock = opts.clock ?? systemClock;
    this.ids = opts.ids ?? defaultIds(this.clock);
    this.history = opts.history ?? 'audit';
    this.defaultOwner = opts.defaultOwner ?? { api: 'idm', tenant: '' };
    for (const [name, b] of Object.entries(opts.serviceBehaviours ?? {})) this.behaviours.set(name, b);
    this.jobs = opts.jobs ?? new JobQueue(this.clock, this.ids);
    this.hooks = {
      latestDefinition: async (key, q, owner) => {
        const d = await this.latestIn(q, key, owner);
        return d ? { id: d.id, key: d.key, graph: d.graph, owner } : undefined;
      },
      scriptLimits: opts.scriptLimits,
      now: () => this.clock.now(),
      expressionGlobals: opts.expressionGlobals,
      serviceBehaviour: (name) => this.behaviours.get(name),
      scriptFunctions: (q, instance) =>
        this.scriptHosts.get(instance.owner.api)?.({ q, instanceId: instance.id, startUserId: instance.startUserId }) ??
        {},
      scriptPrelude: (instance) => this.scriptPreludes.get(instance.owner.api),
    };
  }

  // ------------------------------------------------------------------ views
  /** A view that sees and changes only the scope's rows: another owner's id is not found. */
  scoped(scope: OwnerScope): Runtime {
    return this.view({ scope });
  }

  /** A view whose commands run inside `tx` (the caller commits or rolls back). */
  in(tx: Queryable): Runtime {
    return this.view({ boundTx: tx });
  }

  /**
   * A view whose commands run for `userId`: expressions read it as `authenticatedUserId`, as Flowable's
   * (Authentication.getAuthenticatedUserId, set by the caller for its thread). Jobs run for nobody (null).
   */
  as(userId: string | null): Runtime {
    return this.view({ actor: userId });
  }

  private view(over: { scope?: OwnerScope; boundTx?: Queryable; actor?: string | null }): Runtime {
    // The view inherits everything else (graph cache, behaviours, hooks) from this Runtime through its prototype.
    return Object.assign(Object.create(this) as Runtime, over);
  }

  /**
   * Gives the scripts of an API's processes host functions (IDM: `openidm.*`); one host per API. A `prelude` runs
   * before each of its script tasks, on the script's first line so errors keep the script's line numbers (IGA's
   * `logger`, its request-aware `openidm`).
   */
  registerScriptHost(api: string, host: ScriptHostFactory, opts: { prelude?: string } = {}): void {
    this.scriptHosts.set(api, host);
    if (opts.prelude) this.scriptPreludes.set(api, opts.prelude.replace(/\n\s*/g, ' '));
    else this.scriptPreludes.delete(api);
  }

  /**
   * What an API keeps beside its deployments (IDM: the model a deployment came from, its form resources) goes with
   * them: `cleanup` runs in the deleting transaction, before the runtime deletes a deployment the API owns.
   */
  registerDeploymentCleanup(api: string, cleanup: DeploymentCleanup): void {
    this.deploymentCleanups.set(api, cleanup);
  }

  private async removeDeployment(tx: Queryable, deploymentId: string, ownerApi: string): Promise<void> {
    this.latestHeads.clear();
    await this.deploymentCleanups.get(ownerApi)?.(tx, deploymentId);
    await tx.query('DELETE FROM wf_deployment WHERE id = $1', [deploymentId]);
  }

  /** Registers (or replaces) a service behaviour a `serviceTask` with `service.behaviour` runs (runtime/behaviours.ts). */
  registerServiceBehaviour(name: string, behaviour: ServiceBehaviour): void {
    this.behaviours.set(name, behaviour);
  }

  private transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.boundTx ? fn(this.boundTx) : this.db.transaction(fn);
  }

  private owns(row: { owner_api: string; tenant: string }): boolean {
    return inScope(this.scope, row);
  }

  /** The owner this view writes (deployments): its scope's, else the default owner. */
  private writeOwner(): Owner {
    return this.scope ? ownerOf(this.scope) : this.defaultOwner;
  }

  // ------------------------------------------------------------------ definitions
  async graphOf(q: Queryable, definitionId: string): Promise<{ graph: ProcessGraph; key: string }> {
    const hit = this.graphCache.get(definitionId);
    if (hit) return hit;
    const { rows } = await q.query<{ graph: ProcessGraph; key: string }>(
      'SELECT graph, key FROM wf_definition WHERE id = $1',
      [definitionId],
    );
    if (!rows[0]) throw notFound(`Process definition '${definitionId}' not found`);
    this.graphCache.set(definitionId, rows[0]);
    return rows[0];
  }

  /**
   * The latest version of a key among this view's definitions. On a store whose transactions run one at a time
   * (PGlite: one session, in the one process its data-folder lock admits) a read outside a transaction is kept until
   * a Runtime over the store deploys or deletes definitions, the only writes of wf_definition; no such read can run
   * while one of those transactions is open. Inside a transaction it is always read: that transaction may have
   * deployed.
   */
  async latestDefinition(q: Queryable, key: string): Promise<DefinitionRow | undefined> {
    const kept = q === this.db && this.db.serializesTransactions;
    const cacheKey = kept ? JSON.stringify([this.scope?.api, this.scope?.tenant, key]) : '';
    let head = kept ? this.latestHeads.get(cacheKey) : undefined;
    if (!head) {
      const params: unknown[] = [key];
      const { rows } = await q.query<DefinitionHead>(
        `SELECT ${DEFINITION_HEAD} FROM wf_definition d WHERE key = $1 AND ${scopeSql(this.scope, 'd', params)}
         ORDER BY version DESC, created_at DESC LIMIT 1`,
        params,
      );
      head = rows[0];
      if (kept && head) {
        if (this.latestHeads.size >= 1000) this.latestHeads.clear();
        this.latestHeads.set(cacheKey, head);
      }
    }
    return this.withGraph(q, head);
  }

  private async latestIn(q: Queryable, key: string, owner: Owner): Promise<DefinitionRow | undefined> {
    const { rows } = await q.query<DefinitionHead>(
      `SELECT ${DEFINITION_HEAD} FROM wf_definition WHERE owner_api = $1 AND tenant = $2 AND key = $3
       ORDER BY version DESC LIMIT 1`,
      [owner.api, owner.tenant, key],
    );
    return this.withGraph(q, rows[0]);
  }

  /** A definition of this view by id. */
  async definition(q: Queryable, id: string): Promise<DefinitionRow | undefined> {
    const { rows } = await q.query<DefinitionHead>(`SELECT ${DEFINITION_HEAD} FROM wf_definition WHERE id = $1`, [id]);
    return rows[0] && this.owns(rows[0]) ? this.withGraph(q, rows[0]) : undefined;
  }

  /** A definition row with its graph from graphCache (read once per id: a definition's graph never changes). */
  private async withGraph(q: Queryable, head: DefinitionHead | undefined): Promise<DefinitionRow | undefined> {
    return head && { ...head, graph: (await this.graphOf(q, head.id)).graph };
  }

  /**
   * Deploys compiled graphs as one deployment; each graph becomes a new version of its key. When `dedupe` is set and
   * a deployment with the same source exists, its definitions are returned instead.
   */
  async deploy(opts: {
    graphs: ProcessGraph[];
    name?: string;
    source?: string;
    resourceName?: string;
    category?: string;
    dedupe?: boolean;
    tenantId?: string;
  }): Promise<{ deploymentId: string; definitions: DefinitionRow[]; duplicate: boolean }> {
    const hash = opts.source ? await sha256Hex(opts.source) : null;
    const owner = this.writeOwner();
    return this.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(4040)');
      if (opts.dedupe && hash) {
        const { rows } = await tx.query<{ id: string }>(
          `SELECT id FROM wf_deployment WHERE source_hash = $1 AND owner_api = $2 AND tenant = $3
           ORDER BY created_at DESC LIMIT 1`,
          [hash, owner.api, owner.tenant],
        );
        if (rows[0]) {
          const defs = await tx.query<DefinitionRow>(
            'SELECT * FROM wf_definition WHERE deployment_id = $1 ORDER BY key',
            [rows[0].id],
          );
          if (defs.rowCount) return { deploymentId: rows[0].id, definitions: defs.rows, duplicate: true };
        }
      }
      const now = this.clock.now();
      const deploymentId = this.ids.ulid();
      this.latestHeads.clear();
      await tx.query(
        `INSERT INTO wf_deployment (id, name, category, source, source_hash, tenant_id, created_at, owner_api, tenant)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [
          deploymentId,
          opts.name ?? null,
          opts.category ?? null,
          opts.source ?? null,
          hash,
          opts.tenantId ?? '',
          now,
          owner.api,
          owner.tenant,
        ],
      );
      const definitions: DefinitionRow[] = [];
      for (const g of opts.graphs) {
        const { rows } = await tx.query<{ v: number }>(
          'SELECT COALESCE(MAX(version), 0) + 1 AS v FROM wf_definition WHERE owner_api = $1 AND tenant = $2 AND key = $3',
          [owner.api, owner.tenant, g.id],
        );
        const version = Number(rows[0]!.v);
        const seq = (await tx.query<{ n: string }>("SELECT nextval('wf_definition_seq') AS n")).rows[0]!.n;
        const id = `${g.id}:${version}:${seq}`;
        const ins = await tx.query<DefinitionRow>(
          `INSERT INTO wf_definition (id, key, version, name, description, category, deployment_id, resource_name, graph,
             tenant_id, created_at, owner_api, tenant) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::jsonb,$10,$11,$12,$13)
           RETURNING *`,
          [
            id,
            g.id,
            version,
            g.name ?? null,
            g.documentation ?? null,
            opts.category ?? null,
            deploymentId,
            opts.resourceName ?? null,
            JSON.stringify(g),
            opts.tenantId ?? '',
            now,
            owner.api,
            owner.tenant,
          ],
        );
        definitions.push(ins.rows[0]!);
      }
      await assertUniqueMessageStarts(tx, definitions, owner);
      await armTimerStarts(tx, this.jobs, definitions, owner, now);
      return { deploymentId, definitions, duplicate: false };
    });
  }

  /** Deletes a definition's deployment (all its definitions); refused while instances run. */
  async deleteDefinition(id: string): Promise<DefinitionRow> {
    return this.transaction(async (tx) => {
      const { rows } = await tx.query<DefinitionRow>('SELECT * FROM wf_definition WHERE id = $1 FOR UPDATE', [id]);
      const d = rows[0];
      if (!d || !this.owns(d)) throw notFound(`Process definition '${id}' not found`);
      const running = await tx.query(
        'SELECT 1 FROM wf_instance i JOIN wf_definition d ON d.id = i.definition_id WHERE d.deployment_id = $1 LIMIT 1',
        [d.deployment_id],
      );
      if (running.rowCount) throw conflict('Cannot delete process definition with the running instances.');
      await this.removeDeployment(tx, d.deployment_id, d.owner_api);
      this.graphCache.delete(id);
      return d;
    });
  }

  /** Deletes a deployment of this view and its definitions (undoing a deploy); refused while instances run. */
  async deleteDeployment(deploymentId: string): Promise<void> {
    await this.transaction(async (tx) => {
      const { rows } = await tx.query<{ owner_api: string; tenant: string }>(
        'SELECT owner_api, tenant FROM wf_deployment WHERE id = $1 FOR UPDATE',
        [deploymentId],
      );
      if (!rows[0] || !this.owns(rows[0])) throw notFound(`Deployment '${deploymentId}' not found`);
      const running = await tx.query(
        'SELECT 1 FROM wf_instance i JOIN wf_definition d ON d.id = i.definition_id WHERE d.deployment_id = $1 LIMIT 1',
        [deploymentId],
      );
      if (running.rowCount) throw conflict('Cannot delete a deployment with running instances.');
      const { rows: defs } = await tx.query<{ id: string }>('SELECT id FROM wf_definition WHERE deployment_id = $1', [
        deploymentId,
      ]);
      await this.removeDeployment(tx, deploymentId, rows[0].owner_api);
      for (const d of defs) this.graphCache.delete(d.id);
    });
  }

  /** Deletes the history of an ended instance of this view (instance, activities, tasks, variables). */
  async deleteHistory(instanceId: string): Promise<void> {
    await this.transaction(async (tx) => {
      const { rows } = await tx.query<{ owner_api: string; tenant: string; end_time: Date | null }>(
        'SELECT owner_api, tenant, end_time FROM wf_hi_instance WHERE id = $1 FOR UPDATE',
        [instanceId],
      );
      if (!rows[0] || !this.owns(rows[0])) throw notFound(`Historic process instance '${instanceId}' not found`);
      if (!rows[0].end_time) throw conflict(`Process instance '${instanceId}' is still running`);
      await tx.query('DELETE FROM wf_hi_variable WHERE instance_id = $1', [instanceId]);
      await tx.query('DELETE FROM wf_hi_task WHERE instance_id = $1', [instanceId]);
      await tx.query('DELETE FROM wf_hi_activity WHERE instance_id = $1', [instanceId]);
      await tx.query('DELETE FROM wf_hi_instance WHERE id = $1', [instanceId]);
    });
  }

  // ------------------------------------------------------------------ command plumbing
  private async command<T>(fn: (s: Session, x: Executor) => Promise<T>, q = this.boundTx): Promise<T> {
    const body = async (tx: Queryable) => {
      const s = this.session(tx);
      const x = this.executor(s);
      const r = await fn(s, x);
      await x.run();
      await this.write(s, x);
      return r;
    };
    return q ? body(q) : this.db.transaction(body);
  }

  /** A command's unit of work on `tx` (runtime/wait-groups.ts runs several in one transaction). */
  session(tx: Queryable): Session {
    return new Session(
      tx,
      this.clock,
      this.ids,
      this.history,
      (id) => this.graphOf(tx, id),
      !this.db.serializesTransactions,
    );
  }

  /** A command's executor with this Runtime's hooks (and this view's user as `authenticatedUserId`). */
  executor(s: Session): Executor {
    return new Executor(s, this.actor === null ? this.hooks : { ...this.hooks, authenticatedUserId: this.actor });
  }

  /**
   * Writes what a command changed: its rows, the jobs of the timers, async continuations, signal deliveries and
   * external calls it scheduled, and the removal of those it cancelled, in one statement of writes and one of deletes.
   */
  async write(s: Session, out: CommandJobs, q: Queryable = s.tx): Promise<void> {
    const batch = s.statements();
    const jobs: EnqueueOptions[] = [];
    for (const e of s.timersToSchedule) {
      const inst = s.instances.get(e.instanceId);
      if (!inst || inst.ended || !inst.execs.has(e.id) || !e.eventType) continue;
      const type = e.eventType === 'async' ? ASYNC_JOB : TIMER_JOB;
      const node = e.activityId ? inst.graph.nodes[e.activityId] : undefined;
      const retries = /^R(\d+)\//.exec(node?.failedJobRetryTimeCycle ?? '');
      jobs.push({
        type,
        payload: { executionId: e.id, instanceId: e.instanceId, rootId: inst.rootId },
        key: `${type}:${e.id}`,
        scopeId: inst.rootId,
        owner: inst.owner,
        dueAt: e.dueAt ?? this.clock.now(),
        ...(retries ? { maxAttempts: Math.max(1, Number(retries[1])) } : {}),
      });
    }
    for (const j of out.signalJobs)
      jobs.push({ type: SIGNAL_JOB, payload: j.payload, owner: j.owner, ...(j.rootId ? { scopeId: j.rootId } : {}) });
    for (const c of out.externalCalls) {
      const inst = s.instances.get(c.payload.instanceId);
      if (!inst || inst.ended || inst.execs.get(c.executionId)?.eventType !== 'external') continue;
      jobs.push({
        type: EXTERNAL_JOB,
        payload: c.payload,
        key: `${EXTERNAL_JOB}:${c.executionId}`,
        scopeId: inst.rootId,
        owner: inst.owner,
        maxAttempts: c.maxAttempts,
      });
    }
    const enqueue = this.jobs.enqueueStatement(jobs);
    if (enqueue) batch.write(...enqueue);
    // A job scheduled again in this command is replaced by the enqueue (its key is the same), not cancelled after it.
    const scheduled = new Set(jobs.map((j) => j.key));
    const cancel = [...s.timersToCancel]
      .flatMap((id) => [`${TIMER_JOB}:${id}`, `${ASYNC_JOB}:${id}`, `${EXTERNAL_JOB}:${id}`])
      .filter((key) => !scheduled.has(key));
    const removal = this.jobs.cancelStatement(cancel);
    if (removal) batch.remove(...removal);
    await batch.run(q);
  }

  private async lockInstance(s: Session, instanceId: string): Promise<InstanceState> {
    const { rows } = await s.tx.query<{ root_id: string; owner_api: string; tenant: string }>(
      'SELECT root_id, owner_api, tenant FROM wf_instance WHERE id = $1',
      [instanceId],
    );
    if (!rows[0] || !this.owns(rows[0])) throw notFound(`Process instance '${instanceId}' not found`);
    if (!(await s.lockRoot(rows[0].root_id))) throw notFound(`Process instance '${instanceId}' not found`);
    const inst = await s.load(instanceId);
    if (!inst) throw notFound(`Process instance '${instanceId}' not found`);
    return inst;
  }

  private async lockTask(s: Session, taskId: string): Promise<{ task: TaskRow; inst: InstanceState }> {
    const missing = () => notFound(`Task '${taskId}' not found or already completed`);
    if (!(await s.lockRootOfTask(taskId))) throw missing();
    const r = await s.loadWithTask(taskId);
    if (!r || !this.owns(r.task)) throw missing();
    return r;
  }

  // ------------------------------------------------------------------ commands
  async startInstance(opts: {
    /** A definition row the caller has already read (saves a lookup). */
    definition?: Pick<DefinitionRow, 'id' | 'key' | 'graph' | 'suspended' | 'owner_api' | 'tenant'>;
    definitionId?: string;
    key?: string;
    businessKey?: string | null;
    variables?: Record<string, unknown>;
    startUserId?: string | null;
  }): Promise<StartResult> {
    return this.command(async (s, x) => {
      type Def = {
        id: string;
        key: string;
        graph: ProcessGraph;
        suspended?: boolean;
        owner_api: string;
        tenant: string;
      };
      let def: Def | undefined;
      if (opts.definition) {
        if (!this.owns(opts.definition)) throw notFound(`No process definition found for id '${opts.definition.id}'`);
        this.graphCache.set(opts.definition.id, { graph: opts.definition.graph, key: opts.definition.key });
        def = opts.definition;
      } else if (opts.definitionId) {
        const { rows } = await s.tx.query<Omit<Def, 'graph'>>(
          'SELECT id, key, suspended, owner_api, tenant FROM wf_definition WHERE id = $1',
          [opts.definitionId],
        );
        if (!rows[0] || !this.owns(rows[0]))
          throw notFound(`No process definition found for id '${opts.definitionId}'`);
        const g = await this.graphOf(s.tx, rows[0].id);
        def = { ...rows[0], graph: g.graph };
      } else if (opts.key) {
        const d = await this.latestDefinition(s.tx, opts.key);
        if (!d) throw notFound(`No process definition found for key '${opts.key}'`);
        def = d;
      } else throw badRequest('A process definition id or key is required');
      if (def.suspended) throw conflict(`Process definition '${def.id}' is suspended`);
      const owner = { api: def.owner_api, tenant: def.tenant };
      const inst = x.startInstance(
        { ...def, owner },
        {
          businessKey: opts.businessKey ?? null,
          startUserId: opts.startUserId ?? null,
          variables: opts.variables,
        },
      );
      await x.run();
      return inst;
    }).then((inst) => ({
      id: inst.id,
      definitionId: inst.definitionId,
      businessKey: inst.businessKey,
      ended: inst.ended,
    }));
  }

  /**
   * Starts the latest definition of this view with a message start event for `messageName`, at that event
   * (Flowable's startProcessInstanceByMessage). Not found when no definition has one.
   */
  async startInstanceByMessage(
    messageName: string,
    opts: { businessKey?: string | null; variables?: Record<string, unknown>; startUserId?: string | null } = {},
  ): Promise<StartResult> {
    return this.command(async (s, x) => {
      const [def] = await eventStartDefinitions(s.tx, 'message', messageName, this.scope);
      if (!def)
        throw notFound(
          `Cannot start process instance by message: no subscription to message with name '${messageName}' found.`,
        );
      const inst = x.startInstance(def, {
        businessKey: opts.businessKey ?? null,
        startUserId: opts.startUserId ?? null,
        variables: opts.variables,
        startNodeId: def.starts[0]!.nodeId,
      });
      await x.run();
      return { id: inst.id, definitionId: inst.definitionId, businessKey: inst.businessKey, ended: inst.ended };
    });
  }

  /** A timer start event is due (job handler): starts the latest definition at it, arms a cycle's next firing. */
  async fireTimerStart(payload: TimerStartPayload, dueAt: Date): Promise<boolean> {
    return this.command((_s, x) => fireTimerStart(x, this.jobs, payload, dueAt));
  }

  /** Whether a latest definition of this view has a message start event for `messageName`. */
  async hasMessageStart(messageName: string): Promise<boolean> {
    return (await eventStartDefinitions(this.boundTx ?? this.db, 'message', messageName, this.scope)).length > 0;
  }

  /**
   * Claims (userId) or unclaims (null) a task. A task claimed by someone else cannot be claimed. `guard` sees the
   * task under the instance lock before anything changes (an API's permission check: no lookup of its own, no race).
   */
  async claimTask(taskId: string, userId: string | null, opts: { guard?: TaskGuard } = {}): Promise<void> {
    await this.command(async (s, x) => {
      const { task, inst } = await this.lockTask(s, taskId);
      opts.guard?.(task);
      if (userId && task.assignee && task.assignee !== userId)
        throw conflict(`Task '${taskId}' is already claimed by someone else`);
      const before = task.assignee;
      Object.assign(task, { assignee: userId, claim_time: userId ? s.now() : null });
      s.updateTask(task);
      await this.assigned(x, inst, task, before);
    });
  }

  /** Updates the supported fields of a task. */
  async updateTask(
    taskId: string,
    fields: Partial<
      Pick<TaskRow, 'assignee' | 'owner' | 'name' | 'description' | 'priority' | 'due_date' | 'category'>
    >,
  ): Promise<void> {
    await this.command(async (s, x) => {
      const { task, inst } = await this.lockTask(s, taskId);
      const before = task.assignee;
      Object.assign(task, fields);
      s.updateTask(task);
      await this.assigned(x, inst, task, before);
    });
  }

  /** A changed assignee is an `assignment` for the task's listeners (Flowable's setAssignee, claim and unclaim). */
  private async assigned(x: Executor, inst: InstanceState, task: TaskRow, before: string | null): Promise<void> {
    const e = inst.execs.get(task.execution_id);
    if (e && (task.assignee ?? null) !== (before ?? null)) await notifyTask(x, inst, e, task, 'assignment');
  }

  /** Completes a task; variables are set process-wide before the token moves on. */
  async completeTask(
    taskId: string,
    variables: Record<string, unknown> = {},
    opts: { userId?: string; guard?: TaskGuard } = {},
  ): Promise<void> {
    await this.command(async (s, x) => {
      const { task, inst } = await this.lockTask(s, taskId);
      opts.guard?.(task);
      const e = inst.execs.get(task.execution_id);
      if (!e) throw new RuntimeError('failed', `The execution of task '${taskId}' is missing`);
      x.setVars(inst, e, variables);
      await notifyTask(x, inst, e, task, 'complete');
      const a = s.activity(e.state.hiAct);
      if (a) a.assignee = task.assignee ?? opts.userId ?? null;
      s.deleteTask(task, null);
      await x.trigger(inst, e);
    });
  }

  async getVariables(instanceId: string): Promise<Record<string, unknown>> {
    return this.command(async (s, x) => {
      const inst = await s.load(instanceId);
      if (!inst || !this.owns({ owner_api: inst.owner.api, tenant: inst.owner.tenant }))
        throw notFound(`Process instance '${instanceId}' not found`);
      return x.allVars(inst, undefined);
    });
  }

  async setVariables(instanceId: string, variables: Record<string, unknown>): Promise<void> {
    await this.command(async (s, x) => {
      const inst = await this.lockInstance(s, instanceId);
      x.setVars(inst, undefined, variables);
    });
  }

  /** Sets variables local to an open task's execution (IGA's reassign: the phase's `actors`). */
  async setTaskLocalVariables(taskId: string, variables: Record<string, unknown>): Promise<void> {
    await this.command(async (s) => {
      const { task, inst } = await this.lockTask(s, taskId);
      for (const [k, v] of Object.entries(variables)) s.setVar(inst, task.execution_id, k, v);
    });
  }

  async deleteInstance(instanceId: string, reason = 'Deleted'): Promise<void> {
    await this.command(async (s, x) => {
      const inst = await this.lockInstance(s, instanceId);
      await x.deleteInstance(inst, reason);
    });
  }

  /** Continues an execution waiting at a receive task (or any wait state). */
  async trigger(
    executionId: string,
    variables: Record<string, unknown> = {},
    transientVariables: Record<string, unknown> = {},
  ): Promise<void> {
    await this.command(async (s, x) => {
      x.transient = { ...transientVariables };
      const { inst, e } = await this.lockExecution(s, executionId);
      if (e.state.wait !== 'trigger') throw badRequest(`Execution '${executionId}' is not waiting for a trigger`);
      x.setVars(inst, e, variables);
      await x.trigger(inst, e);
    });
  }

  /** `orInstance`: a process instance id names its root execution too (it is one, in Flowable). */
  private async lockExecution(s: Session, executionId: string, orInstance = false) {
    const { rows } = await s.tx.query<{ instance_id: string; owner_api: string; tenant: string }>(
      orInstance
        ? `SELECT instance_id, owner_api, tenant FROM wf_execution WHERE id = $1
           UNION ALL SELECT id, owner_api, tenant FROM wf_instance WHERE id = $1`
        : 'SELECT instance_id, owner_api, tenant FROM wf_execution WHERE id = $1',
      [executionId],
    );
    if (!rows[0] || !this.owns(rows[0])) throw notFound(`Execution '${executionId}' not found`);
    const inst = await this.lockInstance(s, rows[0].instance_id);
    const e = inst.execs.get(executionId);
    if (!e) throw notFound(`Execution '${executionId}' not found`);
    return { inst, e };
  }

  /** Delivers a message to one execution (by id) or to the single execution waiting for it. */
  async messageReceived(
    messageName: string,
    executionId?: string,
    variables: Record<string, unknown> = {},
  ): Promise<void> {
    await this.command(async (s, x) => {
      let id = executionId;
      if (!id) {
        const params: unknown[] = [messageName];
        const { rows } = await s.tx.query<{ id: string }>(
          `SELECT id FROM wf_execution e WHERE event_type = 'message' AND event_name = $1
             AND ${scopeSql(this.scope, 'e', params)} ORDER BY created_at LIMIT 1`,
          params,
        );
        if (!rows[0]) throw notFound(`No execution is waiting for message '${messageName}'`);
        id = rows[0].id;
      }
      const { inst, e } = await this.lockExecution(s, id, true);
      if (e.eventType !== 'message' || e.eventName !== messageName) {
        const sub = [...inst.execs.values()].find(
          (c) => c.parentId === e.id && c.eventType === 'message' && c.eventName === messageName,
        );
        if (!sub) throw badRequest(`Execution '${id}' is not waiting for message '${messageName}'`);
        x.setVars(inst, e, variables);
        return x.trigger(inst, sub);
      }
      x.setVars(inst, e, variables);
      await x.trigger(inst, e);
    });
  }

  /** Delivers a signal to every execution waiting for it (or only `executionId`); returns how many received it. */
  async signalReceived(
    signalName: string,
    variables: Record<string, unknown> = {},
    executionId?: string,
  ): Promise<number> {
    // A broadcast is one command, as Flowable's signalEventReceived: receivers and signal start events together.
    if (!executionId) return this.command((_s, x) => deliverSignal(x, signalName, { scope: this.scope }, variables));
    const params: unknown[] = executionId ? [signalName, executionId] : [signalName];
    const { rows } = await (this.boundTx ?? this.db).query<{ id: string }>(
      `SELECT id FROM wf_execution e WHERE event_type = 'signal' AND event_name = $1 ${executionId ? 'AND id = $2' : ''}
         AND ${scopeSql(this.scope, 'e', params)} ORDER BY created_at`,
      params,
    );
    let n = 0;
    for (const r of rows) {
      try {
        await this.command(async (s, x) => {
          const { inst, e } = await this.lockExecution(s, r.id);
          if (e.eventType !== 'signal' || e.eventName !== signalName) throw notFound(`Execution '${r.id}' not found`);
          x.setVars(inst, e, received(inst.graph.nodes[e.activityId!], variables));
          await x.trigger(inst, e);
        });
        n++;
      } catch (e) {
        if (!(e instanceof RuntimeError && e.kind === 'not-found')) throw e;
      }
    }
    return n;
  }

  /** Starts the latest definitions of this view with a signal start event for `signalName` (an async throw's job). */
  async startBySignal(
    signalName: string,
    variables: Record<string, unknown> = {},
    businessKey?: string | null,
  ): Promise<number> {
    return this.command((_s, x) => startBySignal(x, signalName, this.scope, variables, businessKey));
  }

  /**
   * Moves a waiting timer (an intermediate timer event or a timer boundary event) to `dueAt`: its execution and its
   * job move together. Not found for an execution that does not wait on a timer.
   */
  async rescheduleTimer(executionId: string, dueAt: Date): Promise<void> {
    await this.command(async (s) => {
      const { e } = await this.lockExecution(s, executionId);
      if (e.eventType !== 'timer') throw notFound(`Execution '${executionId}' is not waiting for a timer`);
      e.dueAt = dueAt;
      s.touch(e);
      s.timersToSchedule.push(e);
    });
  }

  /** Fires a due timer (job handler); a timer whose execution is gone is ignored. */
  async fireTimer(executionId: string): Promise<boolean> {
    return this.command((s, x) => this.continueWaiting(s, x, 'timer', executionId));
  }

  /**
   * Continues an execution waiting on a timer or an async continuation, in the command of `s` and `x`: locks its root
   * instance and loads its instance (two statements). False when the execution no longer waits so (gone, moved on).
   */
  async continueWaiting(s: Session, x: Executor, kind: 'timer' | 'async', executionId: string): Promise<boolean> {
    const found = await s.lockRootOfWaiting(executionId, kind);
    if (!found || !this.owns(found)) return false;
    // Loaded after the lock: what a command that held it changed is seen, whatever the lock statement read.
    const inst = await s.load(found.instance_id);
    const e = inst?.execs.get(executionId);
    if (!inst || e?.eventType !== kind) return false;
    await x.trigger(inst, e);
    return true;
  }

  /**
   * Migrates a running instance to another definition (default: the latest of its key). Executions move to the
   * activity with the same id, or as `activityMap` says; every active activity must exist in the target with the
   * same type. `validateOnly` reports without changing anything. Returns the reasons it cannot be done (empty: done).
   */
  async migrateInstance(
    instanceId: string,
    opts: {
      definitionId?: string;
      variables?: Record<string, unknown>;
      activityMap?: Record<string, { toActivityId?: string; localVariables?: Record<string, unknown> }>;
      validateOnly?: boolean;
    } = {},
  ): Promise<{ messages: string[]; targetDefinitionId: string | null }> {
    const run = async (s: Session, x: Executor) => {
      const inst = await this.lockInstance(s, instanceId);
      let target: DefinitionRow | undefined;
      if (opts.definitionId) {
        const { rows } = await s.tx.query<DefinitionRow>('SELECT * FROM wf_definition WHERE id = $1', [
          opts.definitionId,
        ]);
        // Only the instance's own owner's definitions are candidates.
        target =
          rows[0] && rows[0].owner_api === inst.owner.api && rows[0].tenant === inst.owner.tenant ? rows[0] : undefined;
        if (!target)
          return { messages: [`Process definition '${opts.definitionId}' not found`], targetDefinitionId: null };
      } else target = await this.latestIn(s.tx, inst.definitionKey, inst.owner);
      if (!target) return { messages: ['No target process definition'], targetDefinitionId: null };
      if (target.id === inst.definitionId)
        return {
          messages: [`Process instance '${instanceId}' already uses process definition '${target.id}'`],
          targetDefinitionId: target.id,
        };
      const messages: string[] = [];
      const moves = new Map<string, string>();
      for (const e of inst.execs.values()) {
        if (e.kind === 'root' || !e.activityId) continue;
        const from = inst.graph.nodes[e.activityId];
        const to = opts.activityMap?.[e.activityId]?.toActivityId ?? e.activityId;
        const node = target.graph.nodes[to];
        if (!node) {
          messages.push(
            opts.activityMap?.[e.activityId]
              ? `Activity '${to}' (mapped from '${e.activityId}') does not exist in the new model`
              : `Activity '${e.activityId}' does not exist in the new model. It must be mapped explicitly for migration (or all its child activities)`,
          );
          continue;
        }
        if (from && from.type !== node.type)
          messages.push(`Activity '${e.activityId}' (${from.type}) cannot move to '${to}' (${node.type})`);
        if (e.kind === 'mi-body' && !node.multiInstance)
          messages.push(`Activity '${to}' is not multi-instance in the new model`);
        const fromParent = from?.parent ?? null;
        const expectedParent =
          fromParent === null ? null : (opts.activityMap?.[fromParent]?.toActivityId ?? fromParent);
        if ((node.parent ?? null) !== expectedParent)
          messages.push(`Activity '${to}' is not in the same scope in the new model as '${e.activityId}'`);
        moves.set(e.id, to);
      }
      const unique = [...new Set(messages)];
      if (unique.length || opts.validateOnly) return { messages: unique, targetDefinitionId: target.id };
      for (const [id, to] of moves) {
        const e = inst.execs.get(id)!;
        const mapping = opts.activityMap?.[e.activityId!];
        e.activityId = to;
        s.touch(e);
        for (const [k, v] of Object.entries(mapping?.localVariables ?? {})) s.setVar(inst, e.id, k, v);
      }
      x.setVars(inst, undefined, opts.variables ?? {});
      inst.graph = target.graph;
      inst.definitionId = target.id;
      this.graphCache.set(target.id, { graph: target.graph, key: target.key });
      await s.tx.query('UPDATE wf_instance SET definition_id = $2, definition_key = $3 WHERE id = $1', [
        instanceId,
        target.id,
        target.key,
      ]);
      await s.tx.query('UPDATE wf_hi_instance SET definition_id = $2, definition_key = $3 WHERE id = $1', [
        instanceId,
        target.id,
        target.key,
      ]);
      for (const [table, col] of [
        ['wf_task', 'execution_id'],
        ['wf_hi_task', 'execution_id'],
      ] as const) {
        for (const [execId, to] of moves) {
          await s.tx.query(
            `UPDATE ${table} SET definition_id = $2, definition_key = $3, task_def_key = $4 WHERE ${col} = $1${table === 'wf_hi_task' ? ' AND end_time IS NULL' : ''}`,
            [execId, target.id, target.key, to],
          );
        }
      }
      return { messages: [], targetDefinitionId: target.id };
    };
    return this.command(run);
  }

  /** Continues an execution waiting for its async continuation (job handler); false when it is gone. */
  async continueAsync(executionId: string): Promise<boolean> {
    return this.command((s, x) => this.continueWaiting(s, x, 'async', executionId));
  }

  /** Completes an execution waiting for an external call (job handler); false when it is gone. */
  async completeExternal(
    executionId: string,
    behaviour: ExternalServiceBehaviour,
    outcome: ExternalOutcome,
    q?: Queryable,
  ): Promise<boolean> {
    return this.command(async (s, x) => {
      const { rows } = await s.tx.query<{ instance_id: string }>(
        "SELECT instance_id FROM wf_execution WHERE id = $1 AND event_type = 'external'",
        [executionId],
      );
      if (!rows[0]) return false;
      const inst = await this.lockInstance(s, rows[0].instance_id);
      const e = inst.execs.get(executionId);
      if (e?.eventType !== 'external') return false;
      await x.completeExternal(inst, e, behaviour, outcome);
      return true;
    }, q);
  }

  /** A registered external service behaviour (runtime/external-tasks.ts). */
  externalBehaviour(name: string): ExternalServiceBehaviour | undefined {
    const b = this.behaviours.get(name);
    return isExternalBehaviour(b) ? b : undefined;
  }
}

export const MESSAGE_JOB = 'wf.message';
export const SIGNAL_JOB = 'wf.signal';
export const TRIGGER_JOB = 'wf.trigger';

/** The owner scope a job's payload or columns name (signals thrown by a process reach only its owner's executions). */
function jobScope(job: { ownerApi?: string; tenant?: string }): OwnerScope | undefined {
  return job.ownerApi ? { api: job.ownerApi, tenant: job.tenant ?? '' } : undefined;
}

/** What a timer or async continuation job carries (instanceId and rootId since the job groups; older jobs lack them). */
interface WaitPayload {
  executionId: string;
  instanceId?: string;
  rootId?: string;
}

/** Many due jobs of one kind, of different instances, in the executor's transaction (runtime/wait-groups.ts). */
const waitGroup =
  (kind: WaitKind) =>
  (jobs: readonly Job<WaitPayload>[], ctx: JobContext): Promise<Map<string, unknown>> =>
    continueWaitGroup(
      ctx.runtime,
      ctx.tx,
      kind,
      jobs.map((j) => ({ ...j.payload, jobId: j.id })),
      ctx.pause,
    );

/**
 * The runtime's job handlers: timers, async continuations, and messages / signals / triggers queued for asynchronous
 * delivery. They run the app's Runtime (the job context's) inside the job's transaction. The app registers them.
 */
export const runtimeJobHandlers: Record<string, JobHandler<any>> = {
  [TIMER_JOB]: Object.assign(
    async (job: Job<WaitPayload>, ctx: JobContext) => {
      await ctx.runtime.in(ctx.tx).fireTimer(job.payload.executionId);
    },
    { group: waitGroup('timer') },
  ),
  [TIMER_START_JOB]: async (job, ctx) => {
    await ctx.runtime.in(ctx.tx).fireTimerStart(job.payload, job.dueAt);
  },
  [ASYNC_JOB]: Object.assign(
    async (job: Job<WaitPayload>, ctx: JobContext) => {
      await ctx.runtime.in(ctx.tx).continueAsync(job.payload.executionId);
    },
    { group: waitGroup('async') },
  ),
  [MESSAGE_JOB]: async (job, ctx) => {
    const scope = jobScope(job);
    const rt = scope ? ctx.runtime.in(ctx.tx).scoped(scope) : ctx.runtime.in(ctx.tx);
    if (job.payload.start) return void (await rt.startInstanceByMessage(job.payload.messageName, job.payload.start));
    await rt.messageReceived(job.payload.messageName, job.payload.executionId, job.payload.variables ?? {});
  },
  [SIGNAL_JOB]: async (job, ctx) => {
    const scope = jobScope(job);
    const rt = scope ? ctx.runtime.in(ctx.tx).scoped(scope) : ctx.runtime.in(ctx.tx);
    const p = job.payload as SignalJobPayload;
    if (p.starts) return void (await rt.startBySignal(p.signalName, p.variables ?? {}, p.businessKey));
    await rt.signalReceived(p.signalName, p.variables ?? {}, p.executionId);
  },
  [TRIGGER_JOB]: async (job, ctx) => {
    const scope = jobScope(job);
    const rt = scope ? ctx.runtime.in(ctx.tx).scoped(scope) : ctx.runtime.in(ctx.tx);
    await rt.trigger(job.payload.executionId, job.payload.variables ?? {});
  },
  // The call runs outside the job's transaction, with the app Runtime's behaviour; the outcome inside it.
  [EXTERNAL_JOB]: externalJobHandler(
    (ctx, name) => ctx.runtime.externalBehaviour(name),
    (ctx, executionId, behaviour, outcome) => ctx.runtime.in(ctx.tx).completeExternal(executionId, behaviour, outcome),
  ),
};
