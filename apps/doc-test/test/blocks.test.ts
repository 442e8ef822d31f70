import { describe, expect, it } from 'vitest';
import { extractBlocks, MarkerError } from '../src/blocks.js';
import { forServer, installFromTarballs, toModule } from '../src/modules.js';

const md = (...lines: string[]) => lines.join('\n');

describe('extractBlocks', () => {
  it('takes ts and sh fences with their line, and the skip reason right above a fence', () => {
    const blocks = extractBlocks(
      md(
        '# x',
        '```ts',
        'const a = 1;',
        '```',
        '<!-- doc-test: skip: needs a browser -->',
        '```sh',
        'open http://localhost:8080',
        '```',
        '```json',
        '{}',
        '```',
      ),
      'R.md',
    );
    expect(blocks).toEqual([
      { file: 'R.md', line: 2, lang: 'ts', code: 'const a = 1;' },
      { file: 'R.md', line: 6, lang: 'sh', code: 'open http://localhost:8080', skip: 'needs a browser' },
    ]);
  });

  it('refuses a marker without a reason, an unknown marker, and a marker on a block it does not run', () => {
    expect(() => extractBlocks(md('<!-- doc-test: skip -->', '```ts', 'x', '```'), 'R.md')).toThrow(MarkerError);
    expect(() => extractBlocks(md('<!-- doc-test: only -->', '```ts', 'x', '```'), 'R.md')).toThrow(/unknown/);
    expect(() => extractBlocks(md('<!-- doc-test: skip: why -->', '```json', '{}', '```'), 'R.md')).toThrow(
      /not ts or sh/,
    );
    expect(() => extractBlocks(md('```ts', 'x'), 'R.md')).toThrow(/unclosed/);
  });
});

describe('modules', () => {
  it("joins a README's runnable ts blocks in order, importing a repeated import once", () => {
    const blocks = extractBlocks(
      md(
        '```ts',
        "import { a } from 'a';",
        'const x = a;',
        '```',
        '<!-- doc-test: skip: an excerpt -->',
        '```ts',
        'nope();',
        '```',
        '```ts',
        "import { a } from 'a';",
        "fetch('http://localhost:8080/health');",
        '```',
      ),
      'packages/x/README.md',
    );
    const mod = toModule('packages/x/README.md', blocks)!;
    expect(mod.name).toBe('packages-x.ts');
    expect(mod.isTest).toBe(false);
    expect(mod.needsServer).toBe(true);
    expect(mod.source.match(/import \{ a \}/g)).toHaveLength(1);
    expect(mod.source).not.toContain('nope');
    expect(forServer(mod.source, 'http://127.0.0.1:1234')).toContain("fetch('http://127.0.0.1:1234/health')");
  });

  it('installs @wfkit packages from their tarballs and refuses one that is not published', () => {
    const tarballs = { '@wfkit/idm': '/p/idm.tgz', '@wfkit/msw': '/p/msw.tgz' };
    expect(installFromTarballs('npm i -D @wfkit/msw msw\npnpm add @wfkit/idm', tarballs)).toBe(
      'npm i -D /p/msw.tgz msw\nnpm install /p/idm.tgz',
    );
    expect(() => installFromTarballs('npm install @wfkit/console', tarballs)).toThrow(/not a published package/);
  });
});
