// The built package, as consumers load it: ESM import and CJS require (needs `build` first; turbo runs it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/', import.meta.url);

async function exercise(mod: typeof import('../src/index.js')) {
  const fetch = async (req: Request) =>
    req.url.endsWith('/missing')
      ? new Response('{"code":404,"reason":"Not Found","message":"Not Found"}', { status: 404 })
      : new Response(JSON.stringify({ path: new URL(req.url).pathname, auth: req.headers.get('authorization') }), {
          headers: { 'content-type': 'application/json' },
        });
  const api = mod.createApiClient<any>({ baseUrl: 'http://x.test', fetch, middleware: [mod.bearerAuth('k')] });
  expect(await api.call(api.raw.GET('/a/{id}', { params: { path: { id: '1' } } }))).toEqual({
    path: '/a/1',
    auth: 'Bearer k',
  });
  const err = await api.call(api.raw.GET('/missing', {})).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(mod.NotFoundError);
  expect(mod.ulid()).toHaveLength(26);
}

describe('dist', () => {
  it('has been built', () => {
    expect(existsSync(new URL('index.js', dist)), 'run `pnpm --filter @wfkit/client build` first').toBe(true);
  });

  it('works as ESM', async () => {
    await exercise(await import(new URL('index.js', dist).href));
  });

  it('works as CJS', async () => {
    const require = createRequire(import.meta.url);
    await exercise(require(new URL('index.cjs', dist).pathname));
  });
});
