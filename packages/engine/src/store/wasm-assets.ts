/**
 * Where the engine's WASM and data files are in a browser. On Node, PGlite and QuickJS find their own files in
 * node_modules; a bundle for the browser moves their code away from those files, so the engine names them itself,
 * as copies in its own `dist/assets/` (tsup.config.ts), through `new URL('…', import.meta.url)`: Vite, webpack and
 * Parcel emit the files and rewrite the URLs; with esbuild, serve `@wfkit/engine/dist/assets/` beside the bundle
 * (esbuild leaves the URLs relative to the bundle), or pass `assetsUrl` to `createApp`.
 */

/** True on Node (and Bun/Deno in Node mode), where the packages load their own files. */
export const onNode: boolean =
  typeof process !== 'undefined' && typeof (process as { versions?: { node?: string } }).versions?.node === 'string';

export type AssetName = 'pglite.wasm' | 'pglite.data' | 'initdb.wasm' | 'quickjs.wasm';

let base: string | URL | undefined;

/** Serves the assets from another folder (a URL ending in `/`), for bundlers that keep the URLs as written. */
export function setAssetsUrl(url: string | URL | undefined): void {
  base = url;
}

/** The URL of one asset. The literal `new URL` calls are what bundlers look for: keep one per file. */
export function assetUrl(name: AssetName): URL {
  if (base !== undefined) return new URL(name, base);
  switch (name) {
    case 'pglite.wasm':
      return new URL('./assets/pglite.wasm', import.meta.url);
    case 'pglite.data':
      return new URL('./assets/pglite.data', import.meta.url);
    case 'initdb.wasm':
      return new URL('./assets/initdb.wasm', import.meta.url);
    case 'quickjs.wasm':
      return new URL('./assets/quickjs.wasm', import.meta.url);
  }
}

async function fetchAsset(name: AssetName): Promise<Response> {
  const url = assetUrl(name);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`wfkit engine: ${name} not found at ${url.href} (${res.status}); see assetsUrl`);
  return res;
}

/** Compiles a WASM asset (streaming when the server sends `application/wasm`). */
export async function compileAsset(name: AssetName): Promise<WebAssembly.Module> {
  const res = await fetchAsset(name);
  if (res.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** PGlite's files in a browser, as `PGlite.create` options. */
export async function pgliteBrowserOptions(): Promise<{
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}> {
  const [pgliteWasmModule, initdbWasmModule, fsBundle] = await Promise.all([
    compileAsset('pglite.wasm'),
    compileAsset('initdb.wasm'),
    fetchAsset('pglite.data').then((r) => r.blob()),
  ]);
  return { pgliteWasmModule, initdbWasmModule, fsBundle };
}
