/**
 * The snapshot extractor is fed the tar in whatever pieces gunzip hands out: the folder it writes must not depend on
 * where the pieces break, and an archive cut short must not leave a folder that looks initialised.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractSnapshot, loadSnapshot } from '../src/store/snapshot.js';
import { tarExtractor } from '../src/store/tar-extract.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'wfkit-tar-'));
  dirs.push(d);
  return join(d, 'data');
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe('snapshot extraction', async () => {
  const tar = await loadSnapshot();

  it.runIf(tar)('writes the same folder whether the tar comes whole or in odd-sized pieces', async () => {
    const whole = fresh();
    await extractSnapshot(tar!, whole);
    const pieces = fresh();
    const out = await tarExtractor(pieces);
    for (let at = 0, step = 1; at < tar!.length; at += step, step = (step * 7 + 13) % 70_001)
      out.write(tar!.subarray(at, at + step));
    out.end();
    const a = files(whole);
    const b = files(pieces);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [path, bytes] of a) expect(b.get(path)?.equals(bytes), path).toBe(true);
    expect(a.has('PG_VERSION')).toBe(true);
    // a 16 MB WAL segment keeps its size, its zeros left as holes
    const wal = [...a.keys()].find((p) => p.startsWith('pg_wal/') && /^[0-9A-F]{24}$/.test(p.slice(7)));
    expect(wal).toBeDefined();
    expect(statSync(join(pieces, wal!)).size).toBe(16 * 1024 * 1024);
  });

  it.runIf(tar)('refuses an archive cut inside a file and writes no PG_VERSION', async () => {
    // the offset of the largest file's body (a WAL segment), read from the ustar headers
    let cut = 0;
    let largest = 0;
    for (let at = 0; at + 512 <= tar!.length && tar![at] !== 0; ) {
      const size = Number.parseInt(
        Buffer.from(tar!.subarray(at + 124, at + 136))
          .toString()
          .replace(/\0.*$/, '')
          .trim() || '0',
        8,
      );
      if (size > largest) [largest, cut] = [size, at + 512 + 1000];
      at += 512 + Math.ceil(size / 512) * 512;
    }
    const dir = fresh();
    const out = await tarExtractor(dir);
    out.write(tar!.subarray(0, cut));
    expect(() => out.end()).toThrow(/ends inside a file/);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
  });
});
