/**
 * `pnpm start`: the wfkit reference server. Settings from the environment (see README); JSON log lines on stdout;
 * a human start-up banner and fatal messages on stderr. Exit codes: 0 after a graceful stop, 1 when it cannot start
 * (data folder locked, database unreachable, port in use), 2 for a bad configuration.
 */
import { ConfigError, describeCredentials, describeStore, jsonLogger } from '@wfkit/engine';
import { DemoRefused, demoIgaUsersSetting, loadDemo } from './demo/load.js';
import { parseServerEnv, type ServerSettings } from './env.js';
import { asyncLogSink } from './log-sink.js';
import { startServer } from './server.js';

// JSON lines to stdout, written asynchronously (log-sink.ts): nothing synchronous on the request path.
const logger = jsonLogger({ write: asyncLogSink().write });

function fail(message: string, code: number): never {
  process.stderr.write(`wfkit: ${message}\n`);
  logger.error('cannot start', { error: message });
  process.exit(code);
}

// `--demo` (`pnpm start --demo`) or WFKIT_DEMO=1: demo data into an empty store; `--demo=force`/WFKIT_DEMO=force
// into one that holds data.
const demoArg = process.argv.find((a) => a === '--demo' || a.startsWith('--demo='));
const demo = demoArg ? (demoArg.split('=')[1] ?? '1') : process.env.WFKIT_DEMO?.trim();
const demoOn = Boolean(demo && demo !== '0' && demo !== 'false');
// The demo's people sign in to IGA with their own tokens unless the operator configured IGA users.
if (demoOn && !process.env.WFKIT_IGA_USERS?.trim()) process.env.WFKIT_IGA_USERS = demoIgaUsersSetting();

let settings: ServerSettings;
try {
  settings = parseServerEnv(process.env);
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e), 2);
}

const started = performance.now();
const server = await startServer(settings, logger).catch((e: Error) => fail(e.message, 1));

const credentials = describeCredentials(settings.config);
process.stderr.write(
  [
    `wfkit server ready at ${server.url} in ${Math.round(performance.now() - started)} ms`,
    `  store:    ${describeStore(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : { dataDir: settings.dataDir })}`,
    `  APIs:     ${server.app.apis.map((a) => a.name).join(', ') || '(none yet)'}   docs: ${server.url}/docs   console: ${server.url}/console`,
    `  IDM:      ${credentials.idm}`,
    `  Kontent:  ${credentials.kontent}   (SDK base URL ${server.url}/v2)`,
    `  IGA:      ${credentials.iga}`,
    `  FLOW:     ${credentials.flow}`,
    '',
  ].join('\n'),
);

if (demoOn) {
  try {
    const report = await loadDemo(server.app, { force: demo === 'force' });
    process.stderr.write(`${report.summary.map((l) => `  demo:     ${l}`).join('\n')}\n`);
  } catch (e) {
    await server.close().catch(() => {});
    fail(e instanceof DemoRefused ? e.message : `demo data could not be loaded: ${(e as Error).message}`, 1);
  }
}

// One Ctrl-C reaches the server up to three times (the terminal's SIGINT to the process group, then npm and pnpm
// relaying it, pnpm as SIGTERM): signals within RELAY_MS of the first are that same request; a later one forces.
const RELAY_MS = 1000;
let stoppingSince: number | undefined;
async function shutdown(signal: string) {
  if (stoppingSince !== undefined) {
    if (Date.now() - stoppingSince < RELAY_MS) return;
    process.stderr.write('wfkit: second signal, exiting now\n');
    process.exit(1);
  }
  stoppingSince = Date.now();
  logger.info('shutting down', { signal });
  const force = setTimeout(() => {
    logger.error('shutdown took over 10 s, exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    await server.close();
    logger.info('stopped');
    process.exit(0);
  } catch (e) {
    logger.error('shutdown failed', { err: e });
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
