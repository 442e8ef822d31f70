import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Every published package is ready to publish: metadata, LICENSE and CHANGELOG shipped, ranges that dedupe.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs = ['specs', ...readdirSync(join(root, 'packages')).map((d) => `packages/${d}`)].filter((d) =>
  existsSync(join(root, d, 'package.json')),
);
const catalog: Record<string, string> = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')).catalog;
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

describe.each(dirs)('%s', (dir) => {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  it.skipIf(pkg.private)('has the metadata a registry page shows', () => {
    expect(pkg.keywords?.length, 'keywords').toBeGreaterThan(0);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
    expect(pkg.repository?.directory).toBe(dir);
    expect(pkg.engines?.node).toMatch(/^>=\d/);
    expect(pkg.license).toBe('MIT');
  });

  it.skipIf(pkg.private)('ships LICENSE and CHANGELOG.md', () => {
    expect(readFileSync(join(root, dir, 'LICENSE'), 'utf8')).toBe(license);
    expect(existsSync(join(root, dir, 'CHANGELOG.md'))).toBe(true);
    expect(pkg.files).toEqual(
      expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md'].filter((f) => existsSync(join(root, dir, f)))),
    );
  });

  it.skipIf(pkg.private)('depends at run time on ranges, not pinned versions', () => {
    for (const [name, spec] of Object.entries<string>(pkg.dependencies ?? {})) {
      const range = spec === 'catalog:' ? catalog[name] : spec;
      expect(range, name).toMatch(/^(\^|workspace:\^)/);
    }
  });
});
