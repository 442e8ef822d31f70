/**
 * createApp(options): the engine as a web-standard app (fetch(Request) → Response) over Hono. The same object serves
 * apps/server on Node, in-process MSW handlers, and tests calling app.fetch directly.
 */
import { Hono } from 'hono';
import { parseConfig, type WfkitConfig } from './config.js';
import { apiModules as registeredModules } from './generated/api-modules.js';
import { bundledMigrations } from './generated/migrations.js';
import { specs as bundledSpecs } from './generated/specs.js';
import type { ApiContext, ApiModule } from './http/api-module.js';
import { DEFAULT_MAX_BODY_BYTES, ModuleServer, toResponse } from './http/dispatch.js';
import { renderDocsPage } from './http/docs-page.js';
import { type OpenApiDocument, serverBasePath } from './http/openapi.js';
import { type Logger, silentLogger } from './logger.js';
import { type Clock, systemClock } from './runtime/clock.js';
import { Runtime, type RuntimeOptions, runtimeJobHandlers } from './runtime/commands.js';
import { defaultIds, type IdGenerator } from './runtime/ids.js';
import { JobExecutor, JobQueue, type RunReport } from './runtime/jobs.js';
import type { Db } from './store/db.js';
import { mergeMigrations, migrate } from './store/migrate.js';
import { openStore, type StoreOptions } from './store/open-store.js';

export interface AppOptions {
  /** An open Db (the caller closes it), or options to open one (the app closes it); default PGlite in memory. */
  store?: Db | StoreOptions;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** Credentials; default parseConfig() of nothing, i.e. the documented defaults. */
  config?: WfkitConfig;
  /** The API modules to serve; default every module of the package (the registry). */
  apis?: readonly ApiModule<any>[];
  /** The job executor: `start: true` (default) polls; tests pass false and call runDueJobs(). */
  jobs?: { start?: boolean; pollIntervalMs?: number; owner?: string; lockMs?: number };
  /** Options of the app's Runtime (history level, script limits, expression globals, service behaviours). */
  runtime?: Omit<RuntimeOptions, 'db' | 'clock' | 'ids'>;
  /** Serve /docs (the API reference page); default true. */
  docs?: boolean;
  /** Log one line per request (default true when a logger is given). */
  logRequests?: boolean;
  /**
   * Request limits. `maxBodyBytes`: the largest request body, for every API or per API name
   * (`{ idm: 10_000_000 }`, the others keep the default of 5 MiB); a larger body is a 413 in the API's error shape.
   */
  limits?: { maxBodyBytes?: number | Partial<Record<string, number>> };
}

export interface WfkitApp {
  fetch(request: Request): Promise<Response>;
  /** Resolves once the store is open and migrated and the modules are set up; rejects with the reason it can't. */
  readonly ready: Promise<void>;
  isReady(): boolean;
  readonly config: WfkitConfig;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly apis: readonly ApiModule<any>[];
  /** The store (after ready). */
  db(): Db;
  /** The job executor (after ready). */
  jobs(): JobExecutor;
  /** The app's one process Runtime (after ready). */
  runtime(): Runtime;
  /** Runs the jobs due by the clock now (tests: advance the clock, then call this). */
  runDueJobs(): Promise<RunReport>;
  /** Stops the job executor and closes the store if the app opened it. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.:|-]{1,128}$/;

function isDb(store: AppOptions['store']): store is Db {
  return Boolean(store && typeof (store as Db).query === 'function' && typeof (store as Db).transaction === 'function');
}

export function createApp(options: AppOptions = {}): WfkitApp {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? defaultIds(clock);
  const logger = options.logger ?? silentLogger;
  const logRequests = options.logRequests ?? Boolean(options.logger);
  const config = options.config ?? parseConfig({});
  const apis = options.apis ?? registeredModules;
  const ownsStore = !isDb(options.store);
  let db: Db | undefined;
  let executor: JobExecutor | undefined;
  let runtime: Runtime | undefined;
  let servers: ModuleServer[] = [];
  let readyFlag = false;
  let failure: unknown;

  const ready = (async () => {
    ({ db, runtime, executor, servers } = await startServices(options, apis, { clock, ids, logger, config }));
    readyFlag = true;
  })();
  ready.catch((e) => {
    failure = e;
  });

  const docsApis = () => {
    const byName = new Map<string, { name: string; spec: OpenApiDocument; basePath: string }>();
    for (const [name, spec] of Object.entries(bundledSpecs))
      if (spec) byName.set(name, { name, spec, basePath: serverBasePath(spec) });
    for (const m of apis)
      byName.set(m.name, { name: m.name, spec: m.spec, basePath: m.basePath ?? serverBasePath(m.spec) });
    return [...byName.values()];
  };

  const hono = new Hono();
  hono.get('/health', (c) => {
    if (readyFlag) return c.json({ status: 'ok' });
    return c.json({ status: failure ? 'error' : 'starting' }, 503);
  });
  if (options.docs !== false) {
    hono.get('/docs', (c) => c.html(renderDocsPage(docsApis())));
    hono.get('/docs/:file{[a-z]+\\.json}', (c) => {
      const api = docsApis().find((a) => `${a.name}.json` === c.req.param('file'));
      return api ? c.json(api.spec) : c.json({ message: 'No such spec' }, 404);
    });
  }
  hono.all('*', async (c) => {
    // fetch() hands the request id to Hono as its env.
    const requestId = (c.env as { requestId: string }).requestId;
    try {
      await ready;
    } catch {
      return toResponse(
        { status: 503, body: { message: 'The server could not start; see its log', requestId } },
        requestId,
      );
    }
    const request = c.req.raw;
    const url = new URL(request.url);
    const best = serverFor(servers, url.pathname);
    if (!best)
      return toResponse({ status: 404, body: { message: `No API serves ${url.pathname}`, requestId } }, requestId);
    return best.handle(request, url, requestId);
  });

  const fetch = (request: Request) => answer(hono, request, { ids, logger, logRequests });
  return {
    fetch,
    ready,
    isReady: () => readyFlag,
    config,
    clock,
    ids,
    apis,
    db() {
      if (!db) throw new Error('The app is not ready yet (await app.ready)');
      return db;
    },
    jobs() {
      if (!executor) throw new Error('The app is not ready yet (await app.ready)');
      return executor;
    },
    runtime() {
      if (!runtime) throw new Error('The app is not ready yet (await app.ready)');
      return runtime;
    },
    async runDueJobs() {
      await ready;
      return executor!.runDueJobs();
    },
    async close() {
      await ready.catch(() => {});
      await executor?.stop();
      if (ownsStore) await db?.close();
    },
  };
}

/** Opens (or migrates) the store, then builds the app's one Runtime, its job executor and a server per API module. */
async function startServices(
  options: AppOptions,
  apis: readonly ApiModule<any>[],
  base: { clock: Clock; ids: IdGenerator; logger: Logger; config: WfkitConfig },
): Promise<{ db: Db; runtime: Runtime; executor: JobExecutor; servers: ModuleServer[] }> {
  const { clock, ids, logger, config } = base;
  const migrations = mergeMigrations(bundledMigrations, ...apis.map((a) => a.migrations));
  let db: Db;
  if (isDb(options.store)) {
    db = options.store;
    await migrate(db, migrations);
  } else {
    db = await openStore({ ...options.store, migrations });
  }
  // Jobs enqueued through the app wake its executor (after their transaction commits, a moment later).
  let wake: (dueAt: Date) => void = () => {};
  const jobs = new JobQueue(clock, ids, (dueAt) => wake(dueAt));
  const runtime = new Runtime({ ...options.runtime, db, clock, ids, jobs });
  const executor: JobExecutor = new JobExecutor({
    db,
    clock,
    ids,
    logger,
    runtime,
    handlers: runtimeJobHandlers,
    ...(options.jobs?.pollIntervalMs ? { pollIntervalMs: options.jobs.pollIntervalMs } : {}),
    ...(options.jobs?.owner ? { owner: options.jobs.owner } : {}),
    ...(options.jobs?.lockMs ? { lockMs: options.jobs.lockMs } : {}),
  });
  wake = (dueAt) => executor.wake(dueAt);
  const ctx: ApiContext = { db, clock, ids, logger, config, jobs, runtime, executor };
  const bodyLimit = options.limits?.maxBodyBytes;
  const servers = apis.map(
    (m) =>
      new ModuleServer(m, ctx, logger, {
        maxBodyBytes: (typeof bodyLimit === 'number' ? bodyLimit : bodyLimit?.[m.name]) ?? DEFAULT_MAX_BODY_BYTES,
      }),
  );
  for (const m of apis)
    for (const [type, handler] of Object.entries(m.jobHandlers ?? {})) executor.register(type, handler);
  if (options.jobs?.start !== false) executor.start();
  // Validators compile on an operation's first request, not here: start-up, idle memory and the first seconds'
  // work stay small (most servers use a few operations of one API).
  return { db, runtime, executor, servers };
}

/** The module that claims the path most specifically (longest prefix). */
function serverFor(servers: ModuleServer[], pathname: string): ModuleServer | undefined {
  let best: ModuleServer | undefined;
  let bestScore = -1;
  for (const s of servers) {
    const score = s.claim(pathname);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/** Serves one request through Hono with its request id (the caller's, when well formed), logged when asked. */
async function answer(
  hono: Hono,
  request: Request,
  { ids, logger, logRequests }: { ids: IdGenerator; logger: Logger; logRequests: boolean },
): Promise<Response> {
  const started = performance.now();
  const given = request.headers.get('x-request-id');
  const requestId = given && REQUEST_ID.test(given) ? given : ids.uuid();
  let response: Response;
  try {
    response = await hono.fetch(request, { requestId } as never);
  } catch (e) {
    logger.error('request failed', { requestId, err: e });
    response = toResponse({ status: 500, body: { message: 'Internal server error', requestId } }, requestId);
  }
  if (logRequests) {
    const url = new URL(request.url);
    logger.info('request', {
      requestId,
      method: request.method,
      path: url.pathname,
      status: response.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  }
  return response;
}
