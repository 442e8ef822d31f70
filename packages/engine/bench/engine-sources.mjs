// Loads engine modules from the TypeScript sources for a benchmark run, without a build step: esbuild (it comes with
// tsup, a devDependency) bundles the given re-exports inside the package, so the bundle resolves its dependencies.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** `reexports`: lines such as `export { createApp } from './src/app.ts';` (paths relative to the package). */
export async function loadEngineSources(reexports) {
  const { build } = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild');
  const dir = mkdtempSync(join(here, '.bench-'));
  const out = join(dir, 'entry.mjs');
  try {
    await build({
      stdin: { contents: reexports, resolveDir: join(here, '..'), loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: out,
      logLevel: 'error',
    });
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
