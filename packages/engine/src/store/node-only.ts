/**
 * Loads a Node-only module (node:fs, pg, ...) through a specifier bundlers cannot follow, so a browser bundle of the
 * engine (MSW's in-process engine handlers on PGlite in memory) leaves it out. Call it only on Node code paths.
 */
export function importNodeOnly<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
