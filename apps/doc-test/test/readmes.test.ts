/**
 * Every README example is a test: each ```ts and ```sh block of every README in the repository runs, as written,
 * from a project outside the monorepo that installs the packed tarballs, against a fresh `--demo` reference server
 * (or MSW, where the README's example sets it up). A block that cannot run says why in a `doc-test: skip:` marker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Block, readBlocks } from '../src/blocks.js';
import { type Consumer, createConsumer, npmEnv, ROOT } from '../src/consumer.js';
import { DOCUMENTED_SERVER, forServer, installFromTarballs, toModule } from '../src/modules.js';
import { type DemoServer, startDemoServer } from '../src/server.js';

const readmes = execFileSync('git', ['ls-files', '*README.md', 'README.md'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const blocksOf = new Map<string, Block[]>(readmes.map((f) => [f, readBlocks(join(ROOT, f), f)]));

// What the READMEs tell the reader to put in the environment, set to the reference server's dev credentials.
const EXAMPLE_ENV = {
  KONTENT_MANAGEMENT_KEY: 'wfkit-dev-kontent-management-key',
  IDM_PASSWORD: 'openidm-admin',
  IGA_TOKEN: 'wfkit-dev-iga-token',
  FRANKIE_API_KEY: 'wfkit-dev-flow-api-key',
};

// WFKIT_DOC_TEST_WORK keeps the consumer project between runs (packed and installed once) while editing READMEs.
const keep = process.env.WFKIT_DOC_TEST_WORK;
const work = keep ?? mkdtempSync(join(tmpdir(), 'wfkit-doc-test-'));
let consumer: Consumer;

beforeAll(() => {
  consumer = createConsumer(work, (line) => console.log(`doc-test: ${line}`), { reuse: !!keep });
}, 600_000);
afterAll(() => {
  if (!keep) rmSync(work, { recursive: true, force: true });
});

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, {
    cwd: consumer.dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...npmEnv(), ...EXAMPLE_ENV, ...extraEnv },
  });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

async function withServer<T>(needed: boolean, fn: (url: string | undefined) => T | Promise<T>): Promise<T> {
  if (!needed) return fn(undefined);
  const server: DemoServer = await startDemoServer();
  try {
    return await fn(server.url);
  } finally {
    await server.close();
  }
}

it('finds the READMEs, and every block it does not run says why', () => {
  expect(readmes).toContain('README.md');
  const all = [...blocksOf.values()].flat();
  expect(all.filter((b) => !b.skip).length).toBeGreaterThan(30);
  for (const b of all.filter((b) => b.skip)) expect(b.skip!.length, `${b.file}:${b.line}`).toBeGreaterThan(10);
});

it('the TypeScript examples type-check in the consumer project', () => {
  for (const f of readdirSync(consumer.dir)) if (f.endsWith('.ts')) rmSync(join(consumer.dir, f));
  for (const [readme, blocks] of blocksOf) {
    const mod = toModule(readme, blocks);
    if (mod) writeFileSync(join(consumer.dir, mod.name), mod.source);
  }
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const r = run(process.execPath, [tsc, '-p', '.']);
  expect(r.output).toBe('');
  expect(r.status).toBe(0);
}, 120_000);

for (const [readme, blocks] of blocksOf) {
  const mod = toModule(readme, blocks);
  const shells = blocks.filter((b) => b.lang === 'sh' && !b.skip);
  if (!mod && shells.length === 0) continue;
  describe(readme, () => {
    for (const b of shells)
      it(`sh block at line ${b.line}`, async () => {
        const needsServer = b.code.includes(DOCUMENTED_SERVER);
        await withServer(needsServer, (url) => {
          let code = installFromTarballs(b.code, consumer.tarballs);
          if (url) code = forServer(code, url);
          const r = run('bash', ['-euo', 'pipefail', '-c', code]);
          expect(r.status, r.output).toBe(0);
        });
      }, 180_000);
    if (mod)
      it(`its ${blocks.filter((b) => b.lang === 'ts' && !b.skip).length} TypeScript block(s), in order`, async () => {
        await withServer(mod.needsServer, (url) => {
          const file = join(consumer.dir, 'run', mod.name);
          mkdirSync(join(consumer.dir, 'run'), { recursive: true });
          writeFileSync(file, url ? forServer(mod.source, url) : mod.source);
          const r = mod.isTest
            ? run(process.execPath, [join(consumer.dir, 'node_modules/vitest/vitest.mjs'), 'run', file])
            : run(process.execPath, [file]);
          expect(r.status, r.output).toBe(0);
        });
      }, 180_000);
  });
}
