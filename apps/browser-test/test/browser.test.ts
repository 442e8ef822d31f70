/**
 * A real browser: headless Chromium (Debian's `chromium`, `.ci/run` installs it) driven by playwright-core. One
 * launch, two pages:
 *  - an esbuild bundle of exampleHandlers + engineHandlers under MSW's service worker, with SDK calls: it must
 *    deploy, start and complete a BPMN process in the browser (PGlite and QuickJS from the engine's assets);
 *  - the built server's /docs, rendered by the bundled Scalar reference, with no request leaving the machine; it
 *    saves a screenshot to WFKIT_SCREENSHOTS (default: a temp folder, removed afterwards).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const temp = mkdtempSync(join(tmpdir(), 'wfkit-browser-'));
const shots = process.env.WFKIT_SCREENSHOTS ?? join(temp, 'screenshots');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
};

let browser: Browser;
let site: Server;
let siteUrl: string;
let server: ChildProcess | undefined;

/** Serves the page, its bundle, the engine's assets beside the bundle, and MSW's worker script. */
async function serveStatic(files: Record<string, string | Uint8Array>, dirs: Record<string, string>) {
  const s = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let body: string | Uint8Array | undefined = files[path];
    if (body === undefined) {
      for (const [prefix, dir] of Object.entries(dirs)) {
        const file = join(dir, path.slice(prefix.length));
        if (path.startsWith(prefix) && existsSync(file)) body = readFileSync(file);
      }
    }
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, {
        'content-type': TYPES[path.endsWith('/') ? '.html' : extname(path)] ?? 'application/octet-stream',
      })
      .end(body);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(here, '..', 'src', 'page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // PGlite's own Node branch imports node:module at run time only on Node; its bundling notes ask for this.
    external: ['node:module'],
  });
  const js = bundle.outputFiles[0]!.contents;
  const require = (await import('node:module')).createRequire(join(here, '..', 'package.json'));
  const mswWorker = readFileSync(join(dirname(require.resolve('msw/package.json')), 'lib', 'mockServiceWorker.js'));
  const engineAssets = join(dirname(require.resolve('@wfkit/engine/package.json')), 'dist', 'assets');
  site = await serveStatic(
    {
      '/': '<!doctype html><meta charset="utf-8"><title>wfkit in a browser</title><script type="module" src="/app/page.js"></script>',
      '/app/page.js': js,
      '/mockServiceWorker.js': mswWorker,
    },
    // esbuild keeps `new URL('./assets/…', import.meta.url)` relative to the bundle: the engine's assets go beside it.
    { '/app/assets/': engineAssets },
  );
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (site) {
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  }
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server?.once('exit', resolve));
  }
  rmSync(temp, { recursive: true, force: true });
});

describe('in headless Chromium', () => {
  it('runs exampleHandlers and the engine under MSW: deploys, starts and completes a process', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(siteUrl);
    await page.waitForFunction(() => (window as { wfkitResult?: unknown }).wfkitResult !== undefined, undefined, {
      timeout: 90_000,
    });
    const result = (await page.evaluate(() => (window as { wfkitResult?: unknown }).wfkitResult)) as {
      ok: boolean;
      steps?: string[];
      error?: string;
      completed?: boolean;
      score?: unknown;
    };
    expect(result.error ?? '', result.steps?.join('\n')).toBe('');
    expect(errors).toEqual([]);
    expect(result.steps?.[0]).toMatch(/^examples: [1-9]\d* workflow\(s\)/);
    expect(result.score).toBe(42);
    expect(result.completed).toBe(true);
    await page.close();
  });

  it('renders /docs with the bundled Scalar reference, offline, and saves a screenshot', async () => {
    const main = join(root, 'apps', 'server', 'dist', 'main.js');
    server = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', WFKIT_DATA_DIR: join(temp, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server!.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const ready = out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { msg?: string; url?: string })
          .find((l) => l.msg === 'ready');
        if (ready?.url) resolve(ready.url.replace('localhost', '127.0.0.1'));
      });
      server!.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const foreign: string[] = [];
    // Nothing may load from anywhere but this server (no CDN, fonts, telemetry): refuse and record.
    await page.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (u.hostname === '127.0.0.1' || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
      foreign.push(u.href);
      return route.abort();
    });
    await page.goto(`${url}/docs`);
    // The IDM reference's first operations appear in the sidebar once Scalar has loaded and rendered the spec.
    await page.getByText('Query models', { exact: true }).first().waitFor({ timeout: 60_000 });
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('IDM workflow API');
    expect(text).toContain('this wfkit server');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'docs-idm.png') });
    expect(foreign).toEqual([]);
    await page.close();
  });
});
