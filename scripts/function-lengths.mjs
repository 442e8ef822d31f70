#!/usr/bin/env node
// Lists functions in packages/engine/src by line count, longest first; exits 1 when one is over the limit.
// Usage: node scripts/function-lengths.mjs [--limit 100] [--top 20] [dir]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return Number(value);
};
const limit = option('--limit', 100);
const top = option('--top', 20);
const root = args[0] ?? new URL('../packages/engine/src', import.meta.url).pathname;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'generated' && name !== 'node_modules') yield* files(path);
    } else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

function nameOf(node, source) {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText(source);
  if (ts.isCallExpression(parent)) return `<callback of ${parent.expression.getText(source).slice(0, 40)}>`;
  return '<anonymous>';
}

const found = [];
for (const file of files(root)) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.end).line;
      found.push({
        lines: end - start + 1,
        name: nameOf(node, source),
        at: `${relative(process.cwd(), file)}:${start + 1}`,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
found.sort((a, b) => b.lines - a.lines);
for (const f of found.slice(0, top)) console.log(`${String(f.lines).padStart(5)}  ${f.name}  ${f.at}`);
const over = found.filter((f) => f.lines > limit);
console.log(`${over.length} function(s) over ${limit} lines`);
process.exitCode = over.length > 0 ? 1 : 0;
