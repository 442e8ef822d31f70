/**
 * The prepared PGlite data directory (initdb + every bundled migration). PGlite's initdb takes 2–3 s; loading a
 * tarball of a fresh data directory takes a fraction of that. `scripts/generate-specs.mjs` makes the tarball, the
 * build ships it next to the bundle. Outside Node (a browser under MSW) pass it yourself (`openStore({ snapshot })`)
 * or pay for initdb.
 */
import { importNodeOnly } from './node-only.js';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

// The shipped file is ~1 MB gzipped and ~30 MB as a tar. Only the gzipped bytes stay in memory; a tar handed out is
// reused while something still holds it (tests opening many stores at once) and otherwise left to the GC, so a
// server does not keep a second copy of its database in memory after extracting it.
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
  if (!isNode) return undefined;
  const [{ existsSync, readFileSync }, { dirname, join }, { fileURLToPath }, { gunzipSync }] = await Promise.all([
    importNodeOnly<typeof import('node:fs')>('node:fs'),
    importNodeOnly<typeof import('node:path')>('node:path'),
    importNodeOnly<typeof import('node:url')>('node:url'),
    importNodeOnly<typeof import('node:zlib')>('node:zlib'),
  ]);
  // dist/index.js has it beside it; src/store/snapshot.ts (tests) finds it in src/generated/.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'pgdata.tgz'), join(here, '..', 'generated', 'pgdata.tgz')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return undefined;
  const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // no copy
  return { gz: view(readFileSync(file)), gunzipSync: (b: Uint8Array) => view(gunzipSync(b)) };
}

/**
 * Writes a data-directory tar into a folder with plain Node file writes: much faster than PGlite's loadDataDir,
 * which goes through the WASM file system. Handles what PGlite's dumps contain: ustar files and directories.
 */
export async function extractSnapshot(tar: Uint8Array, dir: string): Promise<void> {
  const [{ closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync, writeSync }, { join }] = await Promise.all([
    importNodeOnly<typeof import('node:fs')>('node:fs'),
    importNodeOnly<typeof import('node:path')>('node:path'),
  ]);
  const buf = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  const text = (from: number, length: number) => {
    const nul = buf.indexOf(0, from);
    return buf.toString('utf8', from, nul === -1 || nul > from + length ? from + length : nul);
  };
  mkdirSync(dir, { recursive: true });
  // PG_VERSION marks a data directory as initialised (pglite.ts checks it): written last, so an interrupted
  // extraction is redone on the next start instead of being taken for a database.
  let pgVersion: Uint8Array | undefined;
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const name = text(offset, 100);
    if (!name) break; // two zero blocks end the archive
    const prefix = text(offset + 345, 155);
    const size = Number.parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[offset + 156] ?? 0);
    const path = `${prefix ? `${prefix}/` : ''}${name}`.replace(/^\/+/, '');
    const body = offset + 512;
    if (path.includes('..')) throw new Error(`unsafe path in snapshot: ${path}`);
    if (type === '5') mkdirSync(join(dir, path), { recursive: true, mode: 0o700 });
    else if ((type === '0' || type === '\0') && path !== 'postmaster.pid') {
      const data = tar.subarray(body, body + size);
      if (path === 'PG_VERSION') pgVersion = data;
      else if (size < 1 << 20) writeFileSync(join(dir, path), data, { mode: 0o600 });
      else {
        // WAL segments are 16 MB of mostly zeros: leave the zero chunks as holes instead of writing them.
        const fd = openSync(join(dir, path), 'w', 0o600);
        ftruncateSync(fd, size);
        const CHUNK = 65536;
        const zero = Buffer.alloc(CHUNK);
        for (let at = 0; at < size; at += CHUNK) {
          const chunk = Buffer.from(data.buffer, data.byteOffset + at, Math.min(CHUNK, size - at));
          if (!chunk.equals(zero.subarray(0, chunk.length))) writeSync(fd, chunk, 0, chunk.length, at);
        }
        closeSync(fd);
      }
    }
    offset = body + Math.ceil(size / 512) * 512;
  }
  if (!pgVersion) throw new Error('the snapshot has no PG_VERSION');
  writeFileSync(join(dir, 'PG_VERSION'), pgVersion, { mode: 0o600 });
}
