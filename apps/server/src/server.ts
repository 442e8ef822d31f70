/** The engine over HTTP on Node: one port, every API module at its real paths, /health, /docs, `GET /`. */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { consoleDir } from '@wfkit/console';
import {
  type ApiModule,
  configureScripts,
  createApp,
  describeCredentials,
  describeStore,
  type Logger,
  type WfkitApp,
} from '@wfkit/engine';
import { consoleHandler } from './console.js';
import { parseLimits, type ServerSettings } from './env.js';
import { createSite, type SiteOptions } from './site/index.js';

export interface RunningServer {
  url: string;
  app: WfkitApp;
  /** Stops taking requests, lets in-flight ones finish, stops the job executor, closes the store. */
  close(): Promise<void>;
}

/** How long the rest of a refused (413) body is read and discarded before the connection is closed. */
const LINGER_MS = 5_000;

export async function startServer(
  settings: ServerSettings,
  logger: Logger,
  /** The API modules to serve; default the engine's registry. */
  apis?: readonly ApiModule<any>[],
  site: SiteOptions = {},
): Promise<RunningServer> {
  const store = settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : { dataDir: settings.dataDir };
  const limits = settings.limits ?? parseLimits({});
  configureScripts({ maxTimeoutMs: limits.scriptMaxTimeoutMs, workers: limits.scriptWorkers });
  const app = createApp({
    store,
    config: settings.config,
    logger,
    limits: { maxBodyBytes: limits.maxBodyBytes },
    ...(apis ? { apis } : {}),
  });
  const pages = createSite(app, { consolePath: '/console', ...site });
  // The console (apps/console) at /console, the site's pages, then the engine for every other path.
  const serveConsole = consoleHandler(consoleDir, settings.config);
  const fetch = async (request: Request) => (await (serveConsole(request) ?? pages(request))) ?? app.fetch(request);
  // Listen first, so /health answers 503 while the store opens and migrates.
  const server = createAdaptorServer({
    fetch,
    ...(settings.host ? { hostname: settings.host } : {}),
    // How often Node checks headers/request timeouts: often enough for the header timeout to mean what it says.
    serverOptions: { connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) },
  }) as import('node:http').Server;
  // Idle, slow and surplus connections are closed: none can hold a socket (or a file descriptor) for ever.
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  // A refused body (413) is not read by the engine. Closing at once would reset the connection while the client
  // still sends, and a reset can discard the 413 before the client reads it; so Node discards the rest of the body
  // (never buffered), for a bounded time, and the connection closes after that.
  server.on('request', (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    res.once('finish', () => {
      if (res.statusCode !== 413 || req.complete) return;
      const linger = setTimeout(() => req.socket.destroy(), LINGER_MS);
      linger.unref();
      req.once('end', () => {
        clearTimeout(linger);
        req.socket.end();
      });
      req.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (e: NodeJS.ErrnoException) => {
    await app.close();
    throw e.code === 'EADDRINUSE' ? new Error(`Port ${settings.port} is already in use (set PORT to another one)`) : e;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${settings.host && settings.host !== '0.0.0.0' ? settings.host : 'localhost'}:${port}`;

  const close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections with no request in flight would hold close() open.
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    });
    await app.close();
  };
  try {
    await app.ready;
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
  logger.info('ready', {
    url,
    store: describeStore(store),
    apis: app.apis.map((a) => a.name),
    credentials: describeCredentials(settings.config),
  });
  return { url, app, close };
}
