// `pnpm mock`: a Prism mock server per spec, one port each. Prefer: code=404 / example=<name> picks a documented answer.
import { APIS, runAll } from './prism.mjs';

const base = Number(process.env.WFKIT_MOCK_PORT ?? 4010);
await runAll(
  APIS.map((a, i) => ({ api: a.api, port: base + i, mode: 'mock', dynamic: process.argv.includes('--dynamic') })),
  (c, s) => `${c.api.padEnd(8)} mock   ${s.url}   (specs/${c.api}.yaml)`,
);
