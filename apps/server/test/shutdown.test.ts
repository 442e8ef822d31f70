import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiModule, memoryLogger, type OpenApiDocument } from '@wfkit/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServerEnv } from '../src/env.js';
import { startServer } from '../src/server.js';

const temp = mkdtempSync(join(tmpdir(), 'wfkit-shutdown-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const spec: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Slow', version: '1' },
  paths: { '/slow/op': { get: { operationId: 'slow', responses: { '200': { description: 'ok' } } } } },
};
const reply = (status: number) => () => ({ status, body: { status } });
// Resolved when the slow request is inside its handler: closing before that would test nothing (and, on a loaded
// machine, refuse the request itself).
let entered: () => void;
const inHandler = new Promise<void>((r) => {
  entered = r;
});
const slow: ApiModule = {
  name: 'slow',
  spec,
  errors: {
    validation: reply(400),
    notFound: reply(404),
    unauthorized: reply(401),
    forbidden: reply(403),
    internal: reply(500),
  },
  routes(router) {
    router.operation('slow', async () => {
      entered();
      await new Promise((r) => setTimeout(r, 400));
      return { body: { done: true } };
    });
  },
};

describe('graceful shutdown', () => {
  it('finishes a request in flight, then refuses new connections and releases the store', async () => {
    const logger = memoryLogger();
    const settings = parseServerEnv({ PORT: '0', WFKIT_DATA_DIR: join(temp, 'data') });
    const server = await startServer(settings, logger, [slow]);
    const inFlight = fetch(`${server.url}/slow/op`);
    await inHandler;
    const closing = server.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    // The data folder is free again: another server can start on it.
    const again = await startServer(settings, logger, [slow]);
    await again.close();
  });
});
