// Every response leaves the server in one socket write (headers and body together): no header flush before the body.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@wfkit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerEnv } from '../src/env.js';
import { type RunningServer, startServer } from '../src/server.js';

const temp = mkdtempSync(join(tmpdir(), 'wfkit-writes-'));
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
type Writer = (this: net.Socket, ...args: unknown[]) => unknown;
const proto = net.Socket.prototype as unknown as { _writeGeneric: Writer };
const original = proto._writeGeneric;
let writes = 0;
let server: RunningServer;

beforeAll(async () => {
  proto._writeGeneric = function (this: net.Socket, ...args: unknown[]) {
    // Sockets a server accepted have `server`; the test's own client sockets don't.
    if ((this as unknown as { server?: unknown }).server) writes++;
    return original.apply(this, args);
  };
  server = await startServer(
    parseServerEnv({ PORT: '0', HOST: '127.0.0.1', WFKIT_DATA_DIR: join(temp, 'data') }),
    silentLogger,
  );
}, 60_000);

afterAll(async () => {
  proto._writeGeneric = original;
  await server?.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('responses', () => {
  it.each([
    ['GET', '/health', undefined],
    ['GET', '/openidm/workflow/processdefinition?_queryFilter=true', undefined],
    ['POST', '/openidm/workflow/model?_action=create', { name: 'One', bpmnXML: '<definitions/>' }],
    ['GET', '/openidm/workflow/processdefinition/nope', undefined],
    ['GET', '/no/such/api', undefined],
  ])('%s %s is one socket write', async (method, path, body) => {
    const send = () =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { ...ADMIN, 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    await (await send()).text(); // first use: validators compile, connection opens
    writes = 0;
    const res = await send();
    await res.text();
    await new Promise((r) => setTimeout(r, 20));
    expect(res.status).toBeLessThan(500);
    expect(writes).toBe(1);
  });
});
