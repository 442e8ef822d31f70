// Kontent: requests per second of GET /v2/projects/{id}/workflows against the trivial GET /health of the same server,
// measured in the same run, and their ratio. The credentials are the server's (environment variables or defaults).
export default async function ({ url, measureRps, log }) {
  const env = process.env.WFKIT_KONTENT_ENVIRONMENT_ID || '8d3b1a52-6c1e-4d7a-9f3e-2b5c0e7a4f10';
  const key = process.env.WFKIT_KONTENT_API_KEY || 'wfkit-dev-kontent-management-key';
  const opts = { concurrency: 8, durationMs: 3000 };
  const health = await measureRps(() => fetch(`${url}/health`), opts);
  const workflows = await measureRps(
    () => fetch(`${url}/v2/projects/${env}/workflows`, { headers: { authorization: `Bearer ${key}` } }),
    opts,
  );
  const errors = health.errors + workflows.errors;
  log(
    `GET /v2/projects/{id}/workflows ${Math.round(workflows.rps)} req/s, GET /health ${Math.round(health.rps)} req/s, ` +
      `ratio ${(workflows.rps / health.rps).toFixed(3)} (8 clients${errors ? `, ${errors} errors` : ''})`,
  );
}
