import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLogger } from '@wfkit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerEnv } from '../src/env.js';
import { type RunningServer, startServer } from '../src/server.js';

const temp = mkdtempSync(join(tmpdir(), 'wfkit-site-'));
let server: RunningServer;
beforeAll(async () => {
  const settings = parseServerEnv({ PORT: '0', HOST: '127.0.0.1', WFKIT_DATA_DIR: join(temp, 'data') });
  server = await startServer(settings, jsonLogger({ write: () => {} }), undefined, { consolePath: '/console' });
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('the server site', () => {
  it('GET / links to the docs, each spec, /health and the console', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body._links).toEqual({
      docs: '/docs',
      health: '/health',
      console: '/console',
      specs: { idm: '/docs/idm.json', iga: '/docs/iga.json', kontent: '/docs/kontent.json', flow: '/docs/flow.json' },
    });
    for (const href of [body._links.health, ...Object.values<string>(body._links.specs)]) {
      expect((await fetch(`${server.url}${href}`)).status, href).toBe(200);
    }
    const html = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<a href="/docs">API reference</a>');
  });

  it('/docs configures the bundled Scalar reference for the four specs, with try-it on this server', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    const script = html.match(/<script src="([^"]+)">/)?.[1];
    expect(script).toMatch(/^\/docs\/assets\//);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.(js|css)/);
    const config = JSON.parse(html.match(/createApiReference\('#app', (.*)\);<\/script>/)?.[1] ?? 'null');
    expect(config.map((c: { slug: string }) => c.slug)).toEqual(['idm', 'iga', 'kontent', 'flow']);
    const kontent = config.find((c: { slug: string }) => c.slug === 'kontent');
    expect(kontent.servers[0].url).toBe(`${server.url.replace('localhost', '127.0.0.1')}/v2`);
    expect(kontent.authentication.securitySchemes.bearerAuth.token).toBe(server.app.config.kontent.apiKey);
    const bundle = await fetch(`${server.url}${script}`);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
  });

  it('serves a favicon', async () => {
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(await res.text()).toMatch(/^<svg /);
    }
  });

  it('leaves every other route to the engine', async () => {
    const res = await fetch(`${server.url}/nothing-here`);
    expect(res.status).toBe(404);
  });
});
