import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pglite = dirname(require.resolve('@electric-sql/pglite'));
const quickjs = dirname(
  createRequire(require.resolve('quickjs-emscripten')).resolve('@jitl/quickjs-wasmfile-release-sync'),
);

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build too (the snapshot is found next to the bundle).
  shims: true,
  // The prepared PGlite data directory ships next to the bundle (see src/store/snapshot.ts).
  onSuccess: async () => {
    copyFileSync('src/generated/pgdata.tgz', 'dist/pgdata.tgz');
    // The WASM and data files a browser bundle needs (src/store/wasm-assets.ts names them by these paths).
    mkdirSync('dist/assets', { recursive: true });
    for (const f of ['pglite.wasm', 'pglite.data', 'initdb.wasm'])
      copyFileSync(join(pglite, f), join('dist/assets', f));
    copyFileSync(join(quickjs, 'emscripten-module.wasm'), 'dist/assets/quickjs.wasm');
  },
});
