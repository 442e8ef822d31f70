/** A fresh reference server with the demo data (`--demo`), on a free port and a temporary data folder. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './consumer.js';

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
  const data = mkdtempSync(join(tmpdir(), 'wfkit-doc-test-'));
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'apps/server/dist/main.js'), '--demo'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', WFKIT_DATA_DIR: join(data, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(data, { recursive: true, force: true });
  };
  // Ready once the demo data is in: its summary ("demo: …") follows the `ready` log line.
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    let ready: string | undefined;
    const done = () => ready && err.includes('demo:') && resolve(ready);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const line of out.split('\n')) {
        try {
          const l = JSON.parse(line);
          if (l.msg === 'ready') ready = l.url;
        } catch {}
      }
      done();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      done();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  }).catch(async (e) => {
    await close();
    throw e;
  });
  return { url: url.replace(/\/$/, ''), close };
}
