/**
 * A schema-driven mutator: for an operation of a spec, a plausible request (path, query and body sampled from the
 * schemas), then invalid variants of the kinds a hostile client sends: NUL and lone surrogates in every string place,
 * out-of-range and non-numeric numbers, `__proto__` keys, deep nesting, huge arrays and strings, wrong types, bodies
 * that are not JSON or not typed as JSON. Deterministic for a seed.
 */
import { deref, type OpenApiDocument, type Operation, type Parameter, type Ref } from '../../src/http/openapi.js';

export interface FuzzOperation {
  method: string;
  /** The spec path template, e.g. `/projects/{environment_id}/workflows/{workflow_id}`. */
  path: string;
  operation: Operation;
  params: Parameter[];
  bodySchema: Record<string, unknown> | undefined;
}

export interface FuzzRequest {
  /** What was mutated, for the failure message. */
  kind: string;
  method: string;
  /** Path and query, already encoded. */
  url: string;
  contentType?: string | undefined;
  body?: string | undefined;
}

/** A small seeded PRNG (mulberry32): the same seed, the same cases. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

export function operationsOf(spec: OpenApiDocument): FuzzOperation[] {
  const ops: FuzzOperation[] = [];
  for (const [path, rawItem] of Object.entries(spec.paths ?? {})) {
    const item = deref(spec, rawItem) as Record<string, unknown> & { parameters?: (Parameter | Ref)[] };
    for (const m of METHODS) {
      const operation = item[m] as Operation | undefined;
      if (!operation) continue;
      const byKey = new Map<string, Parameter>();
      for (const raw of [...(item.parameters ?? []), ...((operation.parameters ?? []) as (Parameter | Ref)[])]) {
        const p = deref(spec, raw) as Parameter;
        byKey.set(`${p.in}:${p.name}`, p);
      }
      const rb = operation.requestBody ? (deref(spec, operation.requestBody) as Record<string, any>) : undefined;
      const content = (rb?.content ?? {}) as Record<string, { schema?: unknown }>;
      const json = Object.keys(content).find((t) => t === 'application/json' || t.endsWith('+json'));
      ops.push({
        method: m.toUpperCase(),
        path,
        operation,
        params: [...byKey.values()],
        bodySchema: json ? (content[json]!.schema as Record<string, unknown>) : undefined,
      });
    }
  }
  return ops;
}

/** A plausible value for a schema: example, enum, const, default, or one built from the type. */
export function sample(spec: OpenApiDocument, schema: unknown, depth = 0): unknown {
  const s = deref(spec, schema as Ref) as Record<string, any> | undefined;
  if (!s || typeof s !== 'object' || depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const)
    if (Array.isArray(s[k]) && s[k].length) {
      if (k !== 'allOf') return sample(spec, s[k][0], depth + 1);
      return Object.assign({}, ...s[k].map((x: unknown) => sample(spec, x, depth + 1)).filter(isObject));
    }
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type ?? (s.properties ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
        out[k] = sample(spec, v, depth + 1);
      return out;
    }
    case 'array':
      return [sample(spec, s.items ?? {}, depth + 1)];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uuid') return '3f0e1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
      if (s.format === 'date-time') return '2025-01-01T00:00:00Z';
      if (s.format === 'date') return '2025-01-01';
      if (s.format === 'email') return 'a@example.com';
      return 'fuzz';
    default:
      return 'fuzz';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every path of a JSON value to a leaf (strings, numbers, ...), and of every array and object. */
function places(v: unknown, at: (string | number)[] = [], out: { path: (string | number)[]; value: unknown }[] = []) {
  out.push({ path: at, value: v });
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) places(x, [...at, i], out);
  } else if (isObject(v)) for (const [k, x] of Object.entries(v)) places(x, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
}

const MARK = '\u0001wfkit-fuzz\u0001';

/** The body as JSON text with the value at `path` replaced by raw JSON text (which JSON.stringify can't write). */
function withRaw(body: unknown, path: (string | number)[], raw: string): string {
  return JSON.stringify(setAt(body, path, MARK)).replace(JSON.stringify(MARK), raw);
}

// Bad values for a string place, as JSON text (so lone surrogates survive) or as raw values.
const BAD_STRINGS = ['a\\u0000b', '\\ud800', 'x\\udfffy', '\\u0000'];
const BAD_NUMBERS = ['99999999999999999999999', '-99999999999999999999999', '1e400', '2147483648', '-1', '0.5'];
const BAD_QUERY = ['x%00y', '%00', '99999999999999999999999', '-99999999999999999999999', '1e400', '%ED%A0%80', 'NaN'];
const BAD_PATH = ['x%00y', '%00', '%ED%A0%80', '%C0%AF', 'a'.repeat(5000), '..%2F..%2Fetc', '%FF'];

export interface RequestContextValues {
  /** Values for path parameters the request needs to pass authentication (e.g. `environment_id`). */
  pathValues?: Record<string, string>;
}

/** Builds the path and query of a plausible request. */
function basePathAndQuery(spec: OpenApiDocument, op: FuzzOperation, ctx: RequestContextValues) {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of op.params) {
    const v = ctx.pathValues?.[p.name] ?? sample(spec, p.schema ?? {});
    const text = Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (p.in === 'path') path[p.name] = text;
    else if (p.in === 'query' && (p.required || p.name === '_action')) query[p.name] = text;
  }
  return { path, query };
}

function buildUrl(
  basePath: string,
  template: string,
  path: Record<string, string>,
  query: Record<string, string>,
  raw = new Set<string>(),
) {
  const p = template.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    raw.has(`path:${name}`) ? path[name]! : encodeURIComponent(path[name] ?? 'x'),
  );
  const q = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${raw.has(`query:${k}`) ? v : encodeURIComponent(v)}`)
    .join('&');
  return `${basePath}${p}${q ? `?${q}` : ''}`;
}

/** Up to `count` invalid requests for one operation (all kinds first, then random ones). */
export function invalidRequests(
  spec: OpenApiDocument,
  basePath: string,
  op: FuzzOperation,
  ctx: RequestContextValues,
  count: number,
  random: ReturnType<typeof rng>,
): FuzzRequest[] {
  const { path, query } = basePathAndQuery(spec, op, ctx);
  const body = op.bodySchema ? sample(spec, op.bodySchema) : undefined;
  const bodyText = body === undefined ? undefined : JSON.stringify(body);
  const json = 'application/json';
  // Built only when chosen: a 100k-item body per place would cost more than sending the chosen few.
  const cases: (() => FuzzRequest)[] = [];
  const withPath = (name: string, bad: string) =>
    buildUrl(basePath, op.path, { ...path, [name]: bad }, query, new Set([`path:${name}`]));
  const withQuery = (name: string, bad: string) =>
    buildUrl(basePath, op.path, path, { ...query, [name]: bad }, new Set([`query:${name}`]));
  const url = buildUrl(basePath, op.path, path, query);
  const send = (
    kind: string,
    u: string,
    b: string | (() => string) | undefined = bodyText,
    contentType?: string | null,
  ) =>
    cases.push(() => {
      const text = typeof b === 'function' ? b() : b;
      const type = contentType === undefined ? (text === undefined ? undefined : json) : (contentType ?? undefined);
      return { kind, method: op.method, url: u, body: text, contentType: type };
    });

  for (const p of op.params.filter((x) => x.in === 'path'))
    for (const bad of BAD_PATH) send(`path ${p.name}=${bad.slice(0, 20)}`, withPath(p.name, bad));
  for (const p of op.params.filter((x) => x.in === 'query'))
    for (const bad of BAD_QUERY) send(`query ${p.name}=${bad}`, withQuery(p.name, bad));
  send('undeclared query with NUL', `${url}${url.includes('?') ? '&' : '?'}x%00=1`);
  if (bodyText !== undefined || ['POST', 'PUT', 'PATCH'].includes(op.method)) {
    const text = bodyText ?? '{}';
    send('text/plain body', url, text, 'text/plain');
    send('untyped body', url, text, null);
    send('not JSON', url, '{"a":', json);
    send(
      '__proto__ key',
      url,
      text.startsWith('{') && text !== '{}' ? `{"__proto__":{"x":1},${text.slice(1)}` : '{"__proto__":{"x":1}}',
    );
    send('deep nesting', url, `${'['.repeat(5000)}${']'.repeat(5000)}`);
    send('top-level array', url, '[1,2,3]');
    send('huge integer', url, '99999999999999999999999');
    for (const place of places(body ?? {})) {
      const at = place.path.join('.') || '$';
      const v = place.value;
      if (typeof v === 'string') {
        for (const bad of BAD_STRINGS) send(`body ${at} = "${bad}"`, url, () => withRaw(body, place.path, `"${bad}"`));
        send(`body ${at} long`, url, () => JSON.stringify(setAt(body, place.path, 'x'.repeat(200_000))));
      } else if (typeof v === 'number') {
        for (const bad of BAD_NUMBERS) send(`body ${at} = ${bad}`, url, () => withRaw(body, place.path, bad));
      } else if (Array.isArray(v)) {
        send(`body ${at} 100k items`, url, () =>
          JSON.stringify(
            setAt(
              body,
              place.path,
              Array.from({ length: 100_000 }, () => v[0] ?? 'x'),
            ),
          ),
        );
      } else if (isObject(v)) {
        send(`body ${at} __proto__`, url, () => withRaw(body, place.path, '{"__proto__":{"polluted":true}}'));
        send(`body ${at} wrong type`, url, () => JSON.stringify(setAt(body, place.path, 'not-an-object')));
      }
    }
  }
  // Every kind once when count allows; otherwise a random subset of that size.
  if (cases.length <= count) return cases.map((make) => make());
  const chosen: FuzzRequest[] = [];
  const pool = [...cases];
  while (chosen.length < count && pool.length > 0)
    chosen.push(pool.splice(Math.floor(random.next() * pool.length), 1)[0]!());
  return chosen;
}
