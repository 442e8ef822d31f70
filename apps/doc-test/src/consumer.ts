/**
 * A consumer project outside the monorepo: the publishable packages packed (`pnpm pack`, as `pnpm publish` would) and
 * installed from their tarballs with npm, next to the tools the READMEs' examples import (msw, vitest).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const PNPM = ['-y', 'pnpm@10.34.8'];
/** Workspace folder of every package a README tells people to install. */
export const PUBLISHED: Record<string, string> = {
  '@wfkit/client': 'packages/client',
  '@wfkit/idm': 'packages/idm',
  '@wfkit/iga': 'packages/iga',
  '@wfkit/kontent': 'packages/kontent',
  '@wfkit/flow': 'packages/flow',
  '@wfkit/msw': 'packages/msw',
  '@wfkit/engine': 'packages/engine',
  '@wfkit/specs': 'specs',
};

export interface Consumer {
  dir: string;
  /** Tarball path of each published package. */
  tarballs: Record<string, string>;
}

const catalogVersion = (name: string): string => {
  const m = new RegExp(`^\\s+"?${name}"?:\\s*(\\S+)`, 'm').exec(
    readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8'),
  );
  if (!m) throw new Error(`no catalog version for ${name}`);
  return m[1]!;
};

/**
 * The pnpm that runs this test (`npm_execpath`, set by pnpm for its scripts), else `npx pnpm@…`: npx would look the
 * version up in the registry once per package.
 */
function pnpmCommand(): [string, ...string[]] {
  const cli = process.env.npm_execpath;
  if (cli && /pnpm/.test(cli)) return [process.execPath, cli];
  return ['npx', ...PNPM];
}

export function createConsumer(work: string, log: (line: string) => void, opts: { reuse?: boolean } = {}): Consumer {
  const packs = join(work, 'packs');
  const dir = join(work, 'app');
  if (opts.reuse && existsSync(join(dir, 'node_modules'))) {
    const tarballs = JSON.parse(readFileSync(join(work, 'tarballs.json'), 'utf8')) as Record<string, string>;
    log(`reusing ${dir}`);
    return { dir, tarballs };
  }
  mkdirSync(packs, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const tarballs: Record<string, string> = {};
  const pnpm = pnpmCommand();
  for (const [name, folder] of Object.entries(PUBLISHED)) {
    const before = new Set(readdirSync(packs));
    const [cmd, ...args] = pnpm;
    execFileSync(cmd, [...args, 'pack', '--pack-destination', packs], {
      cwd: join(ROOT, folder),
      stdio: 'pipe',
    });
    const made = readdirSync(packs).find((f) => !before.has(f));
    if (!made) throw new Error(`pnpm pack made no tarball for ${name}`);
    tarballs[name] = join(packs, made);
    log(`packed ${name} → ${made}`);
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'readme-consumer', private: true, type: 'module' }, null, 2),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          lib: ['es2023', 'dom', 'dom.iterable'],
          types: ['node'],
        },
        include: ['*.ts'],
      },
      null,
      2,
    ),
  );
  const tools = [
    `msw@${catalogVersion('msw')}`,
    `vitest@${catalogVersion('vitest')}`,
    `@types/node@${catalogVersion('@types/node')}`,
  ];
  log(`npm install ${Object.keys(tarballs).join(' ')} ${tools.join(' ')}`);
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...Object.values(tarballs), ...tools],
    { cwd: dir, stdio: 'pipe', env: npmEnv() },
  );
  writeFileSync(join(work, 'tarballs.json'), JSON.stringify(tarballs));
  return { dir, tarballs };
}

/**
 * The environment without the `npm_*` variables pnpm sets for its scripts: npm warns about pnpm's config keys, and
 * the consumer project is not a pnpm script.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}
