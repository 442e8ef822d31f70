import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asyncLogSink } from '../src/log-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'wfkit-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the log sink', () => {
  it('writes lines after the caller returns, batched, in order', async () => {
    const file = join(dir, 'a.log');
    const fd = openSync(file, 'w');
    const sink = asyncLogSink(fd);
    for (let i = 0; i < 1000; i++) sink.write(`line ${i}\n`);
    expect(readFileSync(file, 'utf8')).toBe(''); // nothing written on the caller's path
    for (let i = 0; i < 100 && readFileSync(file, 'utf8').split('\n').length < 1001; i++)
      await new Promise((r) => setTimeout(r, 10));
    sink.write('last\n');
    await new Promise((r) => setTimeout(r, 50));
    closeSync(fd);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toEqual([...Array.from({ length: 1000 }, (_, i) => `line ${i}`), 'last']);
  });

  it('writes what is pending synchronously when asked (at exit)', () => {
    const file = join(dir, 'b.log');
    const fd = openSync(file, 'w');
    const sink = asyncLogSink(fd);
    sink.write('pending\n');
    sink.flushSync();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('pending\n');
  });
});
