// `pnpm mock:proxy`: Prism validating proxies (--errors) in front of a running reference server, one port per spec.
import { APIS, runAll } from './prism.mjs';

const upstream = (process.env.WFKIT_UPSTREAM ?? 'http://localhost:8080').replace(/\/$/, '');
const base = Number(process.env.WFKIT_PROXY_PORT ?? 4020);
await runAll(
  APIS.map((a, i) => ({ api: a.api, port: base + i, mode: 'proxy', upstream: upstream + a.upstreamPath })),
  (c, s) => `${c.api.padEnd(8)} proxy  ${s.url} -> ${c.upstream}`,
);
