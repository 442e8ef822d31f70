// Starts Prism (mock or validating proxy) as a child process and resolves once it listens.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The four specs, with the port each one's mock and proxy listen on by default. */
export const APIS = [
  { api: 'idm', mockPort: 4010, proxyPort: 4020, upstreamPath: '' },
  { api: 'iga', mockPort: 4011, proxyPort: 4021, upstreamPath: '' },
  { api: 'kontent', mockPort: 4012, proxyPort: 4022, upstreamPath: '/v2' },
  { api: 'flow', mockPort: 4013, proxyPort: 4023, upstreamPath: '' },
];

export function specPath(api) {
  return join(dirname(require.resolve('@wfkit/specs/package.json')), `${api}.yaml`);
}

function prismBin() {
  const pkg = require.resolve('@stoplight/prism-cli/package.json');
  return join(dirname(pkg), require(pkg).bin.prism);
}

/**
 * @param {{ api: string, port: number, mode?: 'mock' | 'proxy', upstream?: string, dynamic?: boolean,
 *           log?: (line: string) => void, timeoutMs?: number }} options
 * @returns {Promise<{ url: string, violations: string[], stop: () => Promise<void> }>}
 */
export function startPrism({ api, port, mode = 'mock', upstream, dynamic = false, log, timeoutMs = 60_000 }) {
  const args = [prismBin(), mode, '-h', '127.0.0.1', '-p', String(port), specPath(api)];
  if (mode === 'proxy') {
    if (!upstream) throw new Error('startPrism: a proxy needs an upstream URL');
    // --errors turns every request or response violation into an error answer, so a contract test fails on it.
    args.push(upstream, '--errors');
  }
  if (dynamic) args.push('--dynamic');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const violations = [];
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Prism (${api} ${mode}) did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        log?.(line);
        if (/violation|\berror\b/i.test(line) && !/Prism is listening/.test(line)) violations.push(line.trim());
      }
      if (/Prism is listening/.test(text)) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${port}`,
          violations,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism (${api} ${mode}) exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Starts several Prism servers; stops them all on SIGINT/SIGTERM. */
export async function runAll(configs, describe) {
  const servers = await Promise.all(configs.map((c) => startPrism(c)));
  for (const [i, server] of servers.entries()) console.log(describe(configs[i], server));
  console.log('Ctrl-C stops them.');
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
