/** The four specs, parsed, with their operations (method + path template) and a request matcher for coverage. */
import { readFileSync } from 'node:fs';
import { specPath } from '@wfkit/mock-server';
import { parse } from 'yaml';

export type Api = 'idm' | 'iga' | 'kontent' | 'flow';
export const APIS: Api[] = ['idm', 'iga', 'kontent', 'flow'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface SpecOperation {
  api: Api;
  id: string;
  method: string;
  path: string;
  op: any;
  params: any[];
  /** `METHOD /path/template`. */
  key: string;
}

const cache = new Map<Api, any>();
export function loadSpec(api: Api): any {
  if (!cache.has(api)) cache.set(api, parse(readFileSync(specPath(api), 'utf8')));
  return cache.get(api);
}

export function deref(api: Api, obj: any): any {
  const spec = loadSpec(api);
  let o = obj;
  while (o?.$ref) {
    o = (o.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce((acc: any, k) => acc?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return o;
}

export function operations(api: Api): SpecOperation[] {
  const spec = loadSpec(api);
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(api, p));
      const method = m.toUpperCase();
      out.push({ api, id: op.operationId, method, path, op, params, key: `${method} ${path}` });
    }
  }
  return out;
}

/** Literal segments before parameters, as OpenAPI specifies. */
function specificity(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.startsWith('{');
    const pb = sb[i]!.startsWith('{');
    if (pa !== pb) return pa ? 1 : -1;
  }
  return sb.length - sa.length;
}

/** Maps a request (method, URL path below the API's base path) to its operation's `METHOD /template`. */
export function matcher(api: Api): (method: string, pathname: string) => string | undefined {
  const ops = operations(api).sort((a, b) => specificity(a.path, b.path));
  const compiled = ops.map((o) => ({
    o,
    re: new RegExp(`^${o.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`),
  }));
  return (method, pathname) => compiled.find(({ o, re }) => o.method === method && re.test(pathname))?.o.key;
}
