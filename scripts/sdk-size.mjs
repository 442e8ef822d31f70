#!/usr/bin/env node
/**
 * Prints the min+gzip size of an SDK entry, bundled with its dependencies (openapi-fetch, @wfkit/client):
 *
 *   node scripts/sdk-size.mjs <api>        (run `pnpm --filter @wfkit/<api> build` first)
 *
 * Two figures: the whole entry (`export * from '@wfkit/<api>'`) and a typical import (`create<Api>Client` only, after
 * tree-shaking). The budget is 8 kB (8192 bytes) each; this script reports, it does not fail.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const api = process.argv[2];
if (!api) {
  console.error('usage: sdk-size.mjs <api>');
  process.exit(2);
}
const pkgDir = join(root, 'packages', api);
// esbuild comes with tsup (a devDependency of every SDK).
const requireFromTsup = createRequire(createRequire(join(pkgDir, 'package.json')).resolve('tsup'));
const esbuild = requireFromTsup('esbuild');
const factory = `create${api[0].toUpperCase()}${api.slice(1)}Client`;
const BUDGET = 8192;

async function measure(label, contents) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: pkgDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    write: false,
    treeShaking: true,
  });
  const code = result.outputFiles[0].contents;
  const gz = gzipSync(code, { level: 9 }).length;
  const status = gz <= BUDGET ? 'within' : 'OVER';
  console.log(`@wfkit/${api} ${label}: ${code.length} B min, ${gz} B min+gzip (${status} the ${BUDGET} B budget)`);
  return gz;
}

await measure('whole entry', `export * from './dist/index.js';`);
await measure(`${factory} only`, `export { ${factory} } from './dist/index.js';`);
