import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// engineHandlers must work with setupWorker in a browser: the engine and its store may not pull in Node built-ins
// (Node-only code loads them through importNodeOnly). PGlite's own Node branch needs `node:module` external, as its
// bundler notes say; nothing else may be.
const require = createRequire(import.meta.url);

/** The part of esbuild's API this test uses (esbuild is tsup's dependency, not ours: no types here). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ errors: unknown[]; outputFiles: { contents: Uint8Array }[] }>;
}

async function loadEsbuild(): Promise<Esbuild> {
  const tsup = require.resolve('tsup/package.json');
  return import(pathToFileURL(createRequire(tsup).resolve('esbuild')).href);
}

describe('browser bundle', () => {
  it('bundles engineHandlers with setupWorker for the browser platform', async () => {
    const esbuild = await loadEsbuild();
    const result = await esbuild.build({
      stdin: {
        contents: [
          "import { engineHandlers } from '@wfkit/msw/engine';",
          "import { setupWorker } from 'msw/browser';",
          "const { handlers } = await engineHandlers({ baseUrl: 'http://localhost:8080' });",
          'setupWorker(...handlers);',
        ].join('\n'),
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      external: ['node:module'],
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.contents.byteLength).toBeGreaterThan(0);
  }, 120_000);
});
