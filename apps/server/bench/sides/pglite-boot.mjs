// The floor of a fresh start on the embedded store: copy a freshly made data folder (TEMPLATE, made by a wfkit
// start; wfkit extracts the same files from its snapshot), boot PGlite on it with wfkit's settings, run one query,
// then answer /health like the bare server. What a cold start costs beyond this is wfkit's own (modules, app, HTTP).
// Prints { port } when listening.
import { cpSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const engineDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'packages', 'engine');
const pglitePath = createRequire(join(engineDir, 'package.json')).resolve('@electric-sql/pglite');
const { PGlite } = await import(pathToFileURL(pglitePath).href);

const dataDir = process.env.WFKIT_DATA_DIR;
cpSync(process.env.TEMPLATE, dataDir, { recursive: true });
const pg = await PGlite.create({ dataDir, postgresqlconf: ['shared_buffers=16MB'] });
await pg.query('SELECT 1');

const server = createServer((req, res) => {
  const json = JSON.stringify({ status: 'ok' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => pg.close().then(() => process.exit(0))));
