/**
 * The server's connection and request limits, on the built server process: bodies over the limit (declared or
 * chunked) are a 413 in the API's shape, silent and idle connections are closed, and connections beyond the cap are
 * refused while the server keeps answering.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const temp = mkdtempSync(join(tmpdir(), 'wfkit-limits-'));
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };

let child: ChildProcess;
let url: URL;

beforeAll(async () => {
  child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      WFKIT_DATA_DIR: join(temp, 'data'),
      WFKIT_MAX_BODY_BYTES: '10000',
      WFKIT_MAX_CONNECTIONS: '8',
      WFKIT_KEEP_ALIVE_TIMEOUT_MS: '3000',
      WFKIT_HEADERS_TIMEOUT_MS: '3000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  for (let i = 0; i < 600 && !url; i++) {
    const ready = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'ready');
    if (ready) url = new URL(ready.url);
    else await new Promise((r) => setTimeout(r, 50));
  }
  if (!url) throw new Error('server did not become ready');
}, 60_000);

afterAll(async () => {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(temp, { recursive: true, force: true });
}, 30_000);

/** Sends a POST whose body is written in chunks (no Content-Length) and returns status and body. */
function postChunked(path: string, chunks: number, chunkBytes: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', (e) =>
      (e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET'
        ? undefined
        : reject(e),
    );
    const chunk = `"${'x'.repeat(chunkBytes - 2)}"`;
    let sent = 0;
    const write = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    // Read whatever comes (a 408, a response): a paused socket never sees the server's FIN.
    socket.resume();
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('server limits', () => {
  it('answers a body declared over the limit with a 413 in the API error shape', async () => {
    const res = await fetch(new URL('/openidm/workflow/model?_action=create', url), {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'big', bpmnXML: 'x'.repeat(20_000) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 413, reason: 'Request Entity Too Large' });
  });

  it('answers a chunked body that grows over the limit with a 413, without reading all of it', async () => {
    const res = await postChunked('/openidm/workflow/model?_action=create', 2000, 1000);
    expect(res.status).toBe(413);
    expect(res.body.message).toContain('10000 bytes');
    expect((await fetch(new URL('/health', url))).status).toBe(200);
  });

  it('answers a write without a JSON content type with a 415', async () => {
    const res = await fetch(new URL('/openidm/workflow/model?_action=create', url), {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'typed', bpmnXML: '<x/>' }),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).code).toBe(415);
  });

  it('closes a connection that sends nothing, and a keep-alive connection left idle', async () => {
    const silent = connect(Number(url.port), url.hostname);
    const idle = connect(Number(url.port), url.hostname);
    idle.write(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    const [silentClosed, idleClosed] = await Promise.all([closedWithin(silent, 20_000), closedWithin(idle, 20_000)]);
    expect(silentClosed).toBe(true);
    expect(idleClosed).toBe(true);
  }, 30_000);

  it('refuses connections over the cap and keeps serving once they go', async () => {
    const sockets: Socket[] = [];
    try {
      // Eight kept-alive connections the server has answered on (so it counts them), then a ninth.
      for (let i = 0; i < 8; i++) {
        const s = connect(Number(url.port), url.hostname);
        const answered = new Promise((r) => s.once('data', r));
        s.write(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
        await answered;
        sockets.push(s);
      }
      const extra = connect(Number(url.port), url.hostname);
      let answered = false;
      extra.on('data', () => (answered = true));
      extra.on('error', () => {});
      extra.write(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      expect(await closedWithin(extra, 2000)).toBe(true);
      expect(answered).toBe(false);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(new URL('/health', url))).status).toBe(200);
  });
});
