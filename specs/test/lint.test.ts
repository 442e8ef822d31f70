import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { presentSpecs } from './load-specs.js';

const run = promisify(execFile);
const specsDir = fileURLToPath(new URL('..', import.meta.url));

describe('Redocly lint (recommended ruleset)', () => {
  it.each(presentSpecs())(
    'finds no errors in %s.yaml',
    async (api) => {
      const result = await run('redocly', ['lint', '--config', 'redocly.yaml', '--format', 'json', `${api}.yaml`], {
        cwd: specsDir,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code }));
      const report = JSON.parse(result.stdout) as { totals: { errors: number }; problems: { message: string }[] };
      expect(report.problems.filter((p: any) => p.severity === 'error').map((p) => p.message)).toEqual([]);
      expect(report.totals.errors).toBe(0);
    },
    60_000,
  );
});
