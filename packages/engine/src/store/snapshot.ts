/**
 * The prepared PGlite data directory. PGlite's initdb takes 2–3 s; loading a tarball of a freshly initialised data
 * directory takes a fraction of that. `scripts/generate-specs.mjs` makes the tarball, the build ships it next to the
 * bundle. Outside Node (a browser under MSW) pass it yourself (`openStore({ snapshot })`) or pay for initdb.
 */
let cached: Promise<Blob | undefined> | undefined;

export function loadSnapshot(): Promise<Blob | undefined> {
  cached ??= readSnapshot().catch(() => undefined);
  return cached;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function readSnapshot(): Promise<Blob | undefined> {
  if (!isNode) return undefined;
  const [{ existsSync, readFileSync }, { dirname, join }, { fileURLToPath }, { gunzipSync }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('node:url'),
    import('node:zlib'),
  ]);
  // dist/index.js has it beside it; src/store/snapshot.ts (tests) finds it in src/generated/.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'pgdata.tgz'),
    join(here, '..', 'generated', 'pgdata.tgz'),
    join(here, 'generated', 'pgdata.tgz'),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return undefined;
  // Native gunzip is faster than letting PGlite decompress through web streams.
  return new Blob([gunzipSync(readFileSync(file))]);
}
