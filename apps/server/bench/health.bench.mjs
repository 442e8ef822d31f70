// The baseline every API throughput figure can be compared with: the trivial /health route of the same app.
export default async function ({ url, measureRps, log }) {
  const { rps, errors } = await measureRps(() => fetch(`${url}/health`), { concurrency: 8, durationMs: 3000 });
  log(`GET /health ${Math.round(rps)} requests/s with 8 clients${errors ? ` (${errors} errors)` : ''}`);
}
