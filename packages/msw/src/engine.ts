/**
 * `engineHandlers({ baseUrl, ...engineOptions })`: the wfkit reference engine in-process, behind one MSW handler.
 * Requests under `baseUrl` go to the engine app's `fetch` (on an in-memory store by default), so a created workflow
 * can be read back and a completed task moves its process on, with no server to start. No Node built-ins here: the
 * same handlers run in `setupServer` (Node) and `setupWorker` (browser).
 */
import { type AppOptions, createApp, type WfkitApp } from '@wfkit/engine';
import { type HttpHandler, http } from 'msw';

export interface EngineHandlersOptions extends AppOptions {
  /**
   * The origin (plus optional path prefix) the engine is mounted on: the part of a request URL after it is the
   * engine's path. For `http://wfkit.test`, point the SDKs at `http://wfkit.test` (idm, iga, flow) and
   * `http://wfkit.test/v2` (kontent). Default `http://localhost:8080`, the reference server's address.
   */
  baseUrl?: string;
  /** An app to serve instead of creating one (the other engine options are then ignored). */
  app?: WfkitApp;
}

export type EngineHandlers = HttpHandler[] & {
  /** The engine app behind the handlers (its store, clock, `runDueJobs()`...). */
  readonly app: WfkitApp;
  /** Stops the engine's job executor and closes its store. */
  close(): Promise<void>;
};

/** The engine's origin for forwarded requests (never on the network). */
const ENGINE_ORIGIN = 'http://wfkit.engine';

export function engineHandlers(options: EngineHandlersOptions = {}): EngineHandlers {
  const { baseUrl = 'http://localhost:8080', app: given, ...appOptions } = options;
  const app = given ?? createApp(appOptions);
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const handler = http.all(`${base.origin}${prefix}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const path = url.pathname.slice(prefix.length) || '/';
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    const forwarded = new Request(`${ENGINE_ORIGIN}${path}${url.search}`, {
      method: request.method,
      headers: request.headers,
      ...(body?.byteLength ? { body } : {}),
    });
    return app.fetch(forwarded);
  });
  return Object.assign([handler], {
    app,
    close: () => app.close(),
  });
}

export type { AppOptions, WfkitApp } from '@wfkit/engine';
