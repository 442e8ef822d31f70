import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@wfkit/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleDefaults, consoleHandler } from '../src/console.js';
import { DEMO_IGA_USERS, demoIgaUsersSetting } from '../src/demo/load.js';

const dir = mkdtempSync(join(tmpdir(), 'wfkit-console-dist-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>c</title></head><body></body></html>');
writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(dir, 'secret.txt'), 'no');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (handler: ReturnType<typeof consoleHandler>, path: string, method = 'GET') =>
  handler(new Request(`http://localhost${path}`, { method }));

describe('the console mount at /console', () => {
  const dev = consoleHandler(dir, parseConfig({}));

  it('answers every /console path with the app (deep links), with a CSP that allows only this origin', async () => {
    for (const path of ['/console', '/console/', '/console/idm/instances/42']) {
      const r = await get(dev, path)!;
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/html');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await r.text()).toContain('<title>c</title>');
    }
  });

  it('leaves other paths to the engine', () => {
    expect(get(dev, '/consoles')).toBeUndefined();
    expect(get(dev, '/openidm/workflow/processinstance')).toBeUndefined();
  });

  it('serves hashed assets as immutable files and nothing outside assets/', async () => {
    const js = await get(dev, '/console/assets/index-abc.js')!;
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await get(dev, '/console/assets/missing.js')!).status).toBe(404);
    expect((await get(dev, '/console/assets/..%2Fsecret.txt')!).status).toBe(404);
    expect((await get(dev, '/console/assets/..%2F..%2Fpackage.json')!).status).toBe(404);
    expect(await (await get(dev, '/console/assets/%2e%2e/secret.txt')!).text()).not.toBe('no');
    expect((await get(dev, '/console/assets/x', 'POST')!).status).toBe(405);
  });

  it('prefills the sign-in only with credentials still at their dev defaults', async () => {
    const html = await (await get(dev, '/console')!).text();
    expect(html).toContain('id="wfkit-console-defaults"');
    expect(html).toContain('wfkit-dev-kontent-management-key');

    const configured = parseConfig({
      WFKIT_IDM_USERS: 'alice:s3cret',
      WFKIT_KONTENT_API_KEY: 'k',
      WFKIT_IGA_TOKEN: 't',
      WFKIT_FLOW_API_KEY: 'f',
    });
    expect(consoleDefaults(configured)).toBeUndefined();
    const own = await (await get(consoleHandler(dir, configured), '/console')!).text();
    expect(own).not.toContain('wfkit-console-defaults');
    expect(own).not.toContain('s3cret');

    const partly = consoleDefaults(parseConfig({ WFKIT_IDM_USERS: 'alice:s3cret' }));
    expect(partly?.idm).toEqual({ username: '', password: '' });
    expect((partly?.iga as { token: string } | undefined)?.token).toBe('wfkit-dev-iga-token');
  });

  it("offers the demo's IGA users to sign in as, and never a configured user's token", () => {
    const demo = consoleDefaults(parseConfig({ WFKIT_IGA_USERS: demoIgaUsersSetting() }));
    expect(demo?.igaUsers).toEqual(DEMO_IGA_USERS.map((u) => ({ token: u.token, actor: `managed/user/${u.userId}` })));
    const own = consoleDefaults(parseConfig({ WFKIT_IGA_USERS: 'secret-token:alice' }));
    expect(own?.igaUsers).toBeUndefined();
    expect(JSON.stringify(own)).not.toContain('secret-token');
  });

  it('says how to build the console when it is not built', async () => {
    const r = await get(consoleHandler(join(dir, 'nope'), parseConfig({})), '/console')!;
    expect(r.status).toBe(503);
    expect(await r.text()).toMatch(/not built/);
  });
});
