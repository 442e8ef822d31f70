/**
 * The Scalar API reference's standalone browser bundle, served from our own origin (no CDN: the server works
 * offline). Read on first request and kept, since it is several megabytes and most runs never open /docs.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let bundle: Promise<Uint8Array<ArrayBuffer>> | undefined;

/** `@scalar/api-reference`'s `dist/browser/standalone.js`. */
export function scalarBundle(): Promise<Uint8Array<ArrayBuffer>> {
  if (!bundle) {
    const require = createRequire(import.meta.url);
    // The package's exports map has no entry for the bundle: resolve its main entry and walk to the file.
    const main = require.resolve('@scalar/api-reference');
    const root = join(dirname(main), '..');
    bundle = readFile(join(root, 'dist', 'browser', 'standalone.js')).then(
      (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Uint8Array<ArrayBuffer>,
    );
    bundle.catch(() => {
      bundle = undefined;
    });
  }
  return bundle;
}
