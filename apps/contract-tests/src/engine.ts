/**
 * The reference engine for the scenarios: in-process on a random port (`@hono/node-server`), with a Prism validating
 * proxy (`--errors`) per API in front, so every request and response of a scenario is checked against its spec.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { serve } from '@hono/node-server';
import {
  type ApiContext,
  type ApiRouter,
  apiModules,
  createApp,
  defaultIds,
  JobQueue,
  parseConfig,
  Runtime,
  silentLogger,
  systemClock,
  type WfkitApp,
} from '@wfkit/engine';
import { APIS as PRISM_APIS, specPath } from '@wfkit/mock-server';
import type { Api } from './spec.js';

/** The operations (operationId, or `METHOD /template`) the engine's module for `api` registers. */
export function engineOperations(api: Api): Set<string> {
  const registered = new Set<string>();
  const module = apiModules.find((m) => m.name === api);
  if (!module) return registered;
  const router: ApiRouter<any> = {
    operation: (id) => void registered.add(id),
    on: (method, path) => void registered.add(`${method.toUpperCase()} ${path}`),
  };
  const ids = defaultIds(systemClock);
  // Registering routes needs no store: the context's store-backed parts are never used here.
  const db = undefined as never;
  const ctx = {
    db,
    clock: systemClock,
    ids,
    logger: silentLogger,
    config: parseConfig({}),
    jobs: new JobQueue(systemClock, ids),
    runtime: new Runtime({ db, clock: systemClock, ids }),
    // Modules may bind to the Runtime while registering (script hosts, behaviours); none runs a job then.
    executor: undefined as never,
  } satisfies ApiContext;
  try {
    module.routes(router, ctx);
  } catch {
    // a module that needs its store to register routes: counted by what it registered before
  }
  return registered;
}

/** True when the engine handles every one of `operationIds` for `api`. */
export function engineSupports(api: Api, operationIds: readonly string[]): boolean {
  const ops = engineOperations(api);
  return operationIds.every((id) => ops.has(id));
}

export interface EngineUnderTest {
  app: WfkitApp;
  engineUrl: string;
  proxies: Record<Api, PrismProxy>;
  stop(): Promise<void>;
}

export async function startEngineBehindProxies(apis: readonly Api[], firstPort: number): Promise<EngineUnderTest> {
  const app = createApp({ jobs: { start: false }, docs: false });
  await app.ready;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const engineUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const started = await Promise.all(
    apis.map((api, i) => {
      const upstreamPath = PRISM_APIS.find((a) => a.api === api)?.upstreamPath ?? '';
      return startProxy(api, firstPort + i, engineUrl + upstreamPath);
    }),
  );
  const proxies = Object.fromEntries(apis.map((api, i) => [api, started[i]!])) as EngineUnderTest['proxies'];
  return {
    app,
    engineUrl,
    proxies,
    async stop() {
      await Promise.all(started.map((p) => p.stop()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

export interface PrismProxy {
  url: string;
  /** Log lines of Prism reporting a request or response violation. */
  violations: string[];
  output: string[];
  stop(): Promise<void>;
}

/**
 * `prism proxy <spec> <upstream> --errors`. (apps/mock's startPrism puts the upstream URL where `-h` expects the
 * host in proxy mode, so Prism refuses to start; this starts the proxy with the arguments in Prism's order.)
 */
export function startProxy(api: Api, port: number, upstream: string, timeoutMs = 60_000): Promise<PrismProxy> {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@stoplight/prism-cli/package.json');
  const bin = join(dirname(pkg), require(pkg).bin.prism);
  const args = [bin, 'proxy', specPath(api), upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const violations: string[] = [];
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Prism proxy (${api}) did not start within ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (/violation/i.test(line)) violations.push(line.trim());
        if (/Prism is listening/.test(line)) {
          clearTimeout(timer);
          resolve({
            url: `http://127.0.0.1:${port}`,
            violations,
            output,
            stop: () =>
              new Promise<void>((done) => {
                if (child.exitCode !== null) return done();
                child.once('exit', () => done());
                child.kill('SIGTERM');
              }),
          });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism proxy (${api}) exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });
}
