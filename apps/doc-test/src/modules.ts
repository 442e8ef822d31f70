/**
 * How README blocks become runnable files in the consumer project: a README's TypeScript blocks are one module, in
 * the order the reader meets them (later blocks use what earlier ones declared); shell blocks run one by one.
 *
 * The only rewrites: the reference server's documented address (http://localhost:8080) becomes the address of the
 * fresh server the test started, and an install of a `@wfkit/*` package installs its packed tarball.
 */
import type { Block } from './blocks.js';

export const DOCUMENTED_SERVER = 'http://localhost:8080';

export interface ReadmeModule {
  /** File name in the consumer project. */
  name: string;
  source: string;
  /** Imports vitest: run it with vitest rather than node. */
  isTest: boolean;
  needsServer: boolean;
}

export function moduleName(readme: string, isTest: boolean): string {
  const slug = readme.replace(/\/?README\.md$/i, '').replace(/[^A-Za-z0-9]+/g, '-') || 'root';
  return `${slug}${isTest ? '.test' : ''}.ts`;
}

export function toModule(readme: string, blocks: Block[]): ReadmeModule | undefined {
  const ts = blocks.filter((b) => b.lang === 'ts' && !b.skip);
  if (ts.length === 0) return undefined;
  const seenImports = new Set<string>();
  const parts = ts.map((b) => {
    const lines = b.code.split('\n').filter((l) => {
      // The same import repeated in a later block (each block reads alone in the README) is imported once.
      if (!/^import\s/.test(l) || !/;\s*$/.test(l)) return true;
      if (seenImports.has(l.trim())) return false;
      seenImports.add(l.trim());
      return true;
    });
    return `// ${b.file}:${b.line}\n${lines.join('\n')}`;
  });
  const source = `${parts.join('\n\n')}\nexport {};\n`;
  const isTest = /from ['"]vitest['"]/.test(source);
  return { name: moduleName(readme, isTest), source, isTest, needsServer: source.includes(DOCUMENTED_SERVER) };
}

export function forServer(code: string, url: string): string {
  return code.split(DOCUMENTED_SERVER).join(url);
}

/** `npm install @wfkit/x`, `npm i -D @wfkit/x`, `pnpm add @wfkit/x` → the same install from the packed tarballs. */
export function installFromTarballs(code: string, tarballs: Record<string, string>): string {
  return code
    .split('\n')
    .map((line) => {
      if (!/^\s*(npm (install|i)|pnpm add)\b/.test(line)) return line;
      const replaced = line.replace(/@wfkit\/[a-z-]+/g, (name) => {
        const tgz = tarballs[name];
        if (!tgz) throw new Error(`a README installs ${name}, which is not a published package`);
        return tgz;
      });
      return replaced.replace(/^(\s*)pnpm add\b/, '$1npm install');
    })
    .join('\n');
}
