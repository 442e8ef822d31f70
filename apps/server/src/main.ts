/**
 * `pnpm start`: the wfkit reference server. Settings from the environment (see README); JSON log lines on stdout;
 * a human start-up banner and fatal messages on stderr. Exit codes: 0 after a graceful stop, 1 when it cannot start
 * (data folder locked, database unreachable, port in use), 2 for a bad configuration.
 */
import { ConfigError, describeCredentials, describeStore, jsonLogger } from '@wfkit/engine';
import { parseServerEnv, type ServerSettings } from './env.js';
import { startServer } from './server.js';

const logger = jsonLogger();

function fail(message: string, code: number): never {
  process.stderr.write(`wfkit: ${message}\n`);
  logger.error('cannot start', { error: message });
  process.exit(code);
}

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

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) {
    process.stderr.write('wfkit: second signal, exiting now\n');
    process.exit(1);
  }
  stopping = true;
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
