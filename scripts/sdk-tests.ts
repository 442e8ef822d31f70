/** Test helpers every SDK package shares (imported by their tests; not shipped). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

export interface Recorded {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

/** A fetch that records each request and answers from `respond` (default: 200 `{}`). */
export function recordingFetch(respond: (request: Request) => Response | Promise<Response> = () => Response.json({})) {
  const calls: Recorded[] = [];
  const fetch = async (request: Request) => {
    const text = await request.clone().text();
    calls.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    });
    return respond(request);
  };
  return { fetch, calls, last: () => calls[calls.length - 1] as Recorded };
}

/** Fails when the committed `src/schema.ts` or `src/generated/` of an SDK is stale against its spec. */
export function describeGeneratedCode(api: string, testFileUrl: string): void {
  const pkg = join(dirname(fileURLToPath(testFileUrl)), '..');
  const root = join(pkg, '..', '..');
  describe('generated code', () => {
    it('src/schema.ts is what openapi-typescript makes of the spec', () => {
      const dir = mkdtempSync(join(tmpdir(), 'wfkit-schema-'));
      const out = join(dir, 'schema.ts');
      const bin = join(pkg, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
      let fresh: string;
      try {
        execFileSync(process.execPath, [bin, join(root, 'specs', `${api}.yaml`), '-o', out], {
          cwd: pkg,
          stdio: 'pipe',
        });
        fresh = readFileSync(out, 'utf8');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const committed = readFileSync(join(pkg, 'src', 'schema.ts'), 'utf8');
      expect(
        committed === fresh,
        `packages/${api}/src/schema.ts is stale: run pnpm --filter @wfkit/${api} generate`,
      ).toBe(true);
    }, 60_000);

    it('src/generated is what generate-sdk makes of the spec and sdk.names.json', () => {
      execFileSync(process.execPath, [join(root, 'scripts', 'generate-sdk.mjs'), api, '--check'], { stdio: 'pipe' });
    }, 60_000);
  });
}
