/** Loads QuickJS's WASM module: the package's own loader on Node, the engine's asset URL in a browser. */
import {
  getQuickJS,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSWASMModule,
  RELEASE_SYNC,
} from 'quickjs-emscripten';
import { assetUrl, compileAsset, onNode } from '../store/wasm-assets.js';

export function loadQuickJS(): Promise<QuickJSWASMModule> {
  if (onNode) return getQuickJS();
  const variant = newVariant(RELEASE_SYNC, {
    wasmLocation: assetUrl('quickjs.wasm').href,
    wasmModule: () => compileAsset('quickjs.wasm'),
  });
  return newQuickJSWASMModuleFromVariant(variant);
}
