/**
 * The prepared PGlite data directory (initdb + every bundled migration). PGlite's initdb takes 2–3 s; loading a
 * tarball of a fresh data directory takes a fraction of that. `scripts/generate-specs.mjs` makes the tarball, the
 * build ships it next to the bundle. Outside Node (a browser under MSW) pass it yourself (`openStore({ snapshot })`)
 * or pay for initdb.
 */
import { importNodeOnly } from './node-only.js';
import { tarExtractor } from './tar-extract.js';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

// The shipped file is ~1 MB gzipped and ~26 MB as a tar. A data folder is filled from it as it is decompressed
// (extractShippedSnapshot), so a server never holds the tar. A store in memory needs the whole tar (PGlite loads it
// itself): only the gzipped bytes stay in memory, and a tar handed out is reused while something still holds it
// (tests opening many stores at once) and otherwise left to the GC.
let compressed: Promise<{ gz: Uint8Array; gunzipSync: (b: Uint8Array) => Uint8Array } | undefined> | undefined;
let recent: WeakRef<Uint8Array> | undefined;

/** The uncompressed tar of the shipped snapshot, or undefined when there is none (or not on Node). */
export async function loadSnapshot(): Promise<Uint8Array | undefined> {
  const hit = recent?.deref();
  if (hit) return hit;
  compressed ??= readCompressed().catch(() => undefined);
  const file = await compressed;
  if (!file) return undefined;
  // Native gunzip is faster than letting PGlite decompress through web streams.
  const tar = file.gunzipSync(file.gz);
  recent = new WeakRef(tar);
  return tar;
}

async function readCompressed() {
  const file = await shippedSnapshotFile();
  if (!file) return undefined;
  const [{ readFileSync }, { gunzipSync }] = await Promise.all([
    importNodeOnly<typeof import('node:fs')>('node:fs'),
    importNodeOnly<typeof import('node:zlib')>('node:zlib'),
  ]);
  const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // no copy
  return { gz: view(readFileSync(file)), gunzipSync: (b: Uint8Array) => view(gunzipSync(b)) };
}

/** Where the shipped pgdata.tgz is, or undefined (not on Node, or not built). */
async function shippedSnapshotFile(): Promise<string | undefined> {
  if (!isNode) return undefined;
  const [{ existsSync }, { dirname, join }, { fileURLToPath }] = await Promise.all([
    importNodeOnly<typeof import('node:fs')>('node:fs'),
    importNodeOnly<typeof import('node:path')>('node:path'),
    importNodeOnly<typeof import('node:url')>('node:url'),
  ]);
  // dist/index.js has it beside it; src/store/snapshot.ts (tests) finds it in src/generated/.
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, 'pgdata.tgz'), join(here, '..', 'generated', 'pgdata.tgz')].find((f) => existsSync(f));
}

/**
 * Extracts the shipped snapshot into a folder as it is decompressed (off the main thread, chunk by chunk), so the
 * tar is never in memory whole. False when there is none (or not on Node).
 */
export async function extractShippedSnapshot(dir: string): Promise<boolean> {
  const file = await shippedSnapshotFile();
  if (!file) return false;
  const [{ createReadStream }, { createGunzip }] = await Promise.all([
    importNodeOnly<typeof import('node:fs')>('node:fs'),
    importNodeOnly<typeof import('node:zlib')>('node:zlib'),
  ]);
  const out = await tarExtractor(dir);
  for await (const chunk of createReadStream(file).pipe(createGunzip())) out.write(chunk as Buffer);
  out.end();
  return true;
}

/** Writes a data-directory tar (a PGlite dump, or `loadSnapshot()`) into a folder. */
export async function extractSnapshot(tar: Uint8Array, dir: string): Promise<void> {
  const out = await tarExtractor(dir);
  out.write(tar);
  out.end();
}
