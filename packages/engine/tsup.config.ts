import { copyFileSync } from 'node:fs';
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
  },
});
