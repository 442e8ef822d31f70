/**
 * The JavaScript the sandbox runs for a script of a given format: JavaScript as written, Groovy compiled by
 * groovy.ts (cached per source: graphs are immutable, so the same script compiles once per process).
 *
 * `autoStore` (a script task's `activiti:autoStoreVariables="true"`, which PingIDM's usecase samples rely on): as
 * Flowable stores what a script binds, every global the script creates or changes — its top-level assignments —
 * is stored as a process variable when the script ends (functions and values JSON cannot carry are not).
 * wfkit: a Groovy `def x` at the top level is a global here, so it is stored too (Groovy keeps it local).
 */
import { GROOVY_PRELUDE, groovyToJavaScript } from './groovy.js';

const compiled = new Map<string, string>();
const MAX_CACHED = 500;

// On the first line (line numbers stay the script's): what the globals hold before the script runs.
const SNAPSHOT =
  'var __wfkitBefore=(function(){var s=Object.create(null);Object.keys(globalThis).forEach(function(k){try{s[k]=JSON.stringify(globalThis[k]);}catch(e){s[k]=null;}});return s;})();try{';
// After the last line, even when the script returns a value (the try's completion value stays the script's).
const STORE =
  "\n}finally{(function(){Object.keys(globalThis).forEach(function(k){if(k==='__wfkitBefore')return;var v=globalThis[k],j;if(v===undefined||typeof v==='function')return;try{j=JSON.stringify(v);}catch(e){return;}if(j===undefined||(k in __wfkitBefore&&__wfkitBefore[k]===j))return;execution.setVariable(k,v);});})();}";

/** The prelude (Groovy's JDK methods) comes before the snapshot: its globals are not the script's. */
function compile(format: string, source: string, autoStore: boolean): string {
  const prelude = format === 'groovy' ? GROOVY_PRELUDE : '';
  const body = format === 'groovy' ? groovyToJavaScript(source) : source;
  return autoStore ? `${prelude}${SNAPSHOT}${body}${STORE}` : `${prelude}${body}`;
}

export function sandboxSource(format: string, source: string, autoStore = false): string {
  if (format !== 'groovy' && !autoStore) return source;
  const key = `${autoStore ? 'store' : 'plain'}:${format === 'groovy' ? 'groovy' : 'js'}:${source}`;
  let js = compiled.get(key);
  if (js === undefined) {
    js = compile(format, source, autoStore);
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, js);
  }
  return js;
}
