import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const API = 'iga';
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(pkg, '..', '..');

describe('generated code', () => {
  it('src/schema.ts is what openapi-typescript makes of the spec', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wfkit-schema-')), 'schema.ts');
    const bin = join(pkg, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(process.execPath, [bin, join(root, 'specs', `${API}.yaml`), '-o', out], { cwd: pkg, stdio: 'pipe' });
    const fresh = readFileSync(out, 'utf8');
    const committed = readFileSync(join(pkg, 'src', 'schema.ts'), 'utf8');
    expect(
      committed === fresh,
      `packages/${API}/src/schema.ts is stale: run pnpm --filter @wfkit/${API} generate`,
    ).toBe(true);
  }, 60_000);

  it('src/generated is what generate-sdk makes of the spec and sdk.names.json', () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'generate-sdk.mjs'), API, '--check'], { stdio: 'pipe' });
  }, 60_000);
});
