/**
 * The JavaScript the sandbox runs for a script of a given format: JavaScript as written, Groovy compiled by
 * groovy.ts (cached per source: graphs are immutable, so the same script compiles once per process).
 */
import { compileGroovyScript } from './groovy.js';

const compiled = new Map<string, string>();
const MAX_CACHED = 500;

export function sandboxSource(format: string, source: string): string {
  if (format !== 'groovy') return source;
  let js = compiled.get(source);
  if (js === undefined) {
    js = compileGroovyScript(source);
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, js);
  }
  return js;
}
