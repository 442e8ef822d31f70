// Min+gzip size of an entry bundled with its dependencies (openapi-fetch, @wfkit/client), as a browser app would
// ship it. Usage: node scripts/size.mjs [entry=dist/index.js] [--budget=8192] [--json]
// The SDK packages reuse it with their own entry: node ../client/scripts/size.mjs dist/index.js --budget=8192
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const entry = resolve(process.cwd(), args.find((a) => !a.startsWith('--')) ?? 'dist/index.js');
const budget = Number(args.find((a) => a.startsWith('--budget='))?.slice(9) ?? Number.NaN);
const asJson = args.includes('--json');

// esbuild is not our dependency: it comes with tsup. Resolve it from tsup's location, relative to the entry's
// package first and this script's package second.
async function loadEsbuild() {
  for (const from of [entry, import.meta.filename]) {
    try {
      const tsup = createRequire(from).resolve('tsup/package.json');
      return await import(pathToFileURL(createRequire(tsup).resolve('esbuild')).href);
    } catch {}
  }
  throw new Error('esbuild not found: install tsup (which depends on it) in this package');
}

const esbuild = await loadEsbuild();
const result = await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  write: false,
  // Everything the entry exports is kept: this is the whole-package cost, not a tree-shaken app's.
  logLevel: 'error',
});
const code = result.outputFiles[0].contents;
const min = code.byteLength;
const gzip = gzipSync(code, { level: 9 }).byteLength;
const over = Number.isFinite(budget) && gzip > budget;
if (asJson) {
  console.log(JSON.stringify({ entry, min, gzip, budget: Number.isFinite(budget) ? budget : null }));
} else {
  console.log(`${entry}`);
  console.log(`  min       ${min} B`);
  console.log(`  min+gzip  ${gzip} B${Number.isFinite(budget) ? ` (budget ${budget} B${over ? ', OVER' : ''})` : ''}`);
}
if (over) process.exitCode = 1;
