#!/usr/bin/env node
/**
 * Consumer check: packs `@wfkit/client` and `@wfkit/kontent` (`pnpm pack`), installs the tarballs into a fresh
 * TypeScript project outside the monorepo (`npm install <tgz> openapi-fetch typescript`), and type-checks a file that
 * imports `createKontentClient` from '@wfkit/kontent' and calls a few operations (plus one that must not compile).
 *
 *   node scripts/consumer-check.mjs            (build both packages first)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'wfkit-consumer-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
const run = (cmd, args, cwd) => {
  console.log(`$ ${cmd} ${args.join(' ')}   (in ${cwd})`);
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
};
const pnpm = ['pnpm@10.34.8'];
for (const pkg of ['client', 'kontent'])
  run('npx', [...pnpm, 'pack', '--pack-destination', packs], join(root, 'packages', pkg));
const tarballs = readdirSync(packs).map((f) => join(packs, f));
console.log('tarballs:', tarballs.map((t) => t.split('/').pop()).join(', '));

execFileSync('mkdir', ['-p', app]);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
writeFileSync(
  join(app, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        lib: ['es2022', 'dom'],
      },
      include: ['*.ts'],
    },
    null,
    2,
  ),
);
writeFileSync(
  join(app, 'main.ts'),
  `import { createKontentClient, NotFoundError, type components } from '@wfkit/kontent';

const kontent = createKontentClient({ apiKey: 'key', environmentId: '975bf280-fd91-488c-994c-2f04416e5ee3' });

export async function main(): Promise<string[]> {
  const workflows: components['schemas']['Workflow'][] = await kontent.workflows.list();
  await kontent.workflows.update('codename/review', {
    name: 'Review',
    scopes: [],
    steps: [{ name: 'Draft', codename: 'draft', color: 'red', transitions_to: [{ step: { codename: 'published' } }], role_ids: [] }],
    published_step: {},
    archived_step: {},
  });
  await kontent.variants.changeWorkflow('codename/on_roasts', 'codename/en', {
    workflow_identifier: { codename: 'review' },
    step_identifier: { codename: 'draft' },
  });
  const names: string[] = [];
  for await (const item of kontent.items.list()) names.push(item.name);
  const raw = await kontent.raw.GET('/projects/{environment_id}/roles', {
    params: { path: { environment_id: '975bf280-fd91-488c-994c-2f04416e5ee3' } },
  });
  try {
    await kontent.variants.publish('codename/on_roasts', 'codename/en', undefined, { retry: false });
  } catch (error) {
    if (kontent.isError(error) && error instanceof NotFoundError) names.push(String(error.body?.error_code));
  }
  return [...names, ...workflows.map((w) => w.codename), String(raw.data?.roles.length)];
}
`,
);
writeFileSync(
  join(app, 'wrong.ts'),
  `import { createKontentClient } from '@wfkit/kontent';
const kontent = createKontentClient({ apiKey: 'k', environmentId: 'e' });
// @ts-expect-error: step_identifier is required
kontent.variants.changeWorkflow('codename/a', 'codename/en', { workflow_identifier: { codename: 'w' } });
// @ts-expect-error: no such path
kontent.raw.GET('/projects/{environment_id}/nothing');
`,
);
run(
  'npm',
  ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, 'openapi-fetch@0.17.0', 'typescript@5.9.3'],
  app,
);
run('npx', ['tsc', '-p', '.'], app);
// Both module systems resolve at run time too.
run(
  'node',
  [
    '--input-type=module',
    '-e',
    "import { createKontentClient } from '@wfkit/kontent'; console.log(typeof createKontentClient)",
  ],
  app,
);
run('node', ['-e', "console.log(typeof require('@wfkit/kontent').createKontentClient)"], app);
console.log(`consumer check passed (project: ${app})`);
