/**
 * SVG → PNG with resvg compiled to WebAssembly, so the same code runs on Node and in a browser. The renderer needs
 * its .wasm and one font (resvg-wasm has no system fonts): on Node both are read from their packages
 * (@resvg/resvg-wasm, dejavu-fonts-ttf); elsewhere the host provides them with `configureDiagramAssets`.
 */
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { importNodeOnly } from '../../../store/node-only.js';

export interface DiagramAssets {
  /** resvg's `index_bg.wasm`: bytes, a compiled module, a URL or a fetch Response. */
  wasm: Uint8Array | WebAssembly.Module | URL | Response | Promise<Response>;
  /** TrueType/OpenType fonts; the first one's family draws the labels (DejaVu Sans on Node). */
  fonts: Uint8Array[];
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

let provided: (() => Promise<DiagramAssets>) | undefined;
let ready: Promise<Uint8Array[]> | undefined;

/** Sets where the renderer's wasm and fonts come from (browsers; Node finds them itself). Call before rendering. */
export function configureDiagramAssets(assets: DiagramAssets | (() => Promise<DiagramAssets>)): void {
  provided = typeof assets === 'function' ? assets : () => Promise.resolve(assets);
  ready = undefined;
}

async function nodeAssets(): Promise<DiagramAssets> {
  const [{ readFile }, { createRequire }] = await Promise.all([
    importNodeOnly<typeof import('node:fs/promises')>('node:fs/promises'),
    importNodeOnly<typeof import('node:module')>('node:module'),
  ]);
  const require = createRequire(import.meta.url);
  const [wasm, font] = await Promise.all([
    readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')),
    readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
  ]);
  return { wasm: new Uint8Array(wasm), fonts: [new Uint8Array(font)] };
}

/** Initialises resvg once per process (initWasm may be called only once) and returns the fonts. */
function init(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    const load = provided ?? (isNode ? nodeAssets : undefined);
    if (!load)
      throw new Error('Diagram rendering needs its assets here: call configureDiagramAssets({ wasm, fonts }) first');
    const assets = await load();
    await initWasm(assets.wasm as Parameters<typeof initWasm>[0]).catch((e: unknown) => {
      // A second initialisation (e.g. after configureDiagramAssets) keeps the first module.
      if (!/already initiali[sz]ed/i.test(String(e))) throw e;
    });
    return assets.fonts;
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

/** Rasterizes an SVG (white background, 1 px per SVG unit). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const fonts = await init();
  const r = new Resvg(svg, {
    background: 'white',
    font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  try {
    const image = r.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    r.free();
  }
}

/** Base64 without Buffer (browsers have none). */
export function toBase64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
