// Prints the size of the built console (run `vite build` first): each asset raw and gzipped, and the total.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
const rows = readdirSync(dir).map((name) => {
  const bytes = readFileSync(join(dir, name));
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
for (const r of rows.sort((a, b) => b.gzip - a.gzip))
  console.log(`${r.name.padEnd(40)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} gzip`);
const total = rows.reduce((s, r) => ({ raw: s.raw + r.raw, gzip: s.gzip + r.gzip }), { raw: 0, gzip: 0 });
console.log(`${'total'.padEnd(40)} ${kb(total.raw).padStart(10)} ${kb(total.gzip).padStart(10)} gzip`);
