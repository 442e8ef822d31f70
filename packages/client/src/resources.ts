/**
 * The resource layer of the wfkit SDKs: `scripts/generate-sdk.mjs` writes each SDK's typed method table
 * (`src/generated/resources.ts`), and this turns it into methods.
 *
 * A method is described by a compact spec (`[method, path, flags]`, see {@link Spec}); `bindResources` turns a table
 * of specs into functions that call the typed openapi-fetch client through `@wfkit/client`'s `call()`.
 */
import type { ApiClient } from './client.js';
import { type PageStrategy, type Paginated, paginate } from './pagination.js';
import type { RequestControls, RetryOptions } from './retry.js';

/** Per-call options of every resource method. */
export interface CallOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal | undefined;
  /** `false` disables retries for this call; an object overrides the client's retry options. */
  retry?: false | RetryOptions | undefined;
  /** Per-attempt timeout in ms; overrides the client's. */
  timeout?: number | undefined;
  /** Sets the `Idempotency-Key` header, which makes a POST/PATCH safe to retry. */
  idempotencyKey?: string | undefined;
  /** Extra request headers (they win over the client's auth headers). */
  headers?: Record<string, string> | undefined;
}

type Obj<T> = [NonNullable<T>] extends [never] ? unknown : NonNullable<T>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Content<R> = R extends { content: { 'application/json': infer J } }
  ? J
  : R extends { content: { [type: string]: infer J } }
    ? J
    : undefined;

/** The query and header parameters of an operation, without `_action` and the headers the client sets (`X`). */
export type Params<O, X extends string = never> = O extends { parameters: { query?: infer Q; header?: infer H } }
  ? Simplify<Omit<Obj<Q> & Obj<H>, '_action' | X>>
  : never;
/** The JSON request body of an operation. */
export type Body<O> = O extends { requestBody?: infer B } ? Content<NonNullable<B>> : never;
/** The JSON body of an operation's 2xx responses (`undefined` for 204). */
export type Ok<O> = O extends { responses: infer R }
  ? { [K in keyof R]: K extends 200 | 201 | 202 | 203 | 204 | 206 ? Content<R[K]> : never }[keyof R]
  : never;
/** The item type of the array in `P[K]`. */
export type ItemOf<P, K extends PropertyKey> = P extends { [k in K]?: infer A }
  ? NonNullable<A> extends readonly (infer I)[]
    ? I
    : never
  : never;
/** `T` with the fields `K` optional. */
export type Loosen<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
/** A path parameter's type. */
export type PathParam<O, K extends string> = O extends { parameters: { path: infer P } }
  ? K extends keyof P
    ? P[K]
    : string
  : string;

/** Flags of a method spec. */
export interface SpecFlags {
  /** `_action` query value (CREST-style actions). */
  a?: string;
  /** Takes a body argument after the path arguments. */
  b?: 1;
  /** Takes a single value argument sent as this body field (`tasks.claim(id, userId)`). */
  bf?: string;
  /** Option names moved from the options argument into the body (`definitions.put(id, def, { isDraft })`). */
  bx?: string[];
  /** Takes a params argument (query and header parameters). */
  q?: 1;
  /** Names of the header parameters among the params. */
  h?: string[];
  /** Paging: strategy name and the key of the items array in a page. */
  p?: [string, string];
  /**
   * Alternative paths chosen by how the path arguments identify their objects: the key lists each argument's form
   * (`id`, `codename` for `codename/x`, `external-id` for `external-id/x`) joined by commas, e.g. `id,codename`.
   */
  f?: Record<string, string>;
}
export type Spec = [method: string, path: string, flags?: SpecFlags];

/** Builds the paging strategy of a list call from the call's params. */
export type StrategyFactory = (params: Record<string, any>) => PageStrategy<any, any>;

export interface BindOptions {
  /** Path parameters filled by the client (Kontent `environment_id`). */
  fixedPath?: Record<string, string>;
  /** Paging strategies by name. */
  strategies?: Record<string, StrategyFactory>;
  /** Paging strategies whose cursor travels in headers rather than the query. */
  headerCursor?: string[];
}

const PARAM = /\{([^}]+)\}/g;

/** The keys of {@link CallOptions}: an object of these alone, where params may stand, is the options. */
const OPTION_KEYS: ReadonlySet<string> = new Set(['signal', 'retry', 'timeout', 'idempotencyKey', 'headers']);

/** The path parameters a caller passes (in order), without the ones the client fills. */
function pathNames(path: string, fixed: Record<string, string>): string[] {
  const names: string[] = [];
  for (const m of path.matchAll(PARAM)) if (!((m[1] as string) in fixed)) names.push(m[1] as string);
  return names;
}

/** How an argument identifies its object: `codename/x`, `external-id/x`, or an id. */
function formOf(value: unknown): string {
  const s = String(value);
  return s.startsWith('codename/') ? 'codename' : s.startsWith('external-id/') ? 'external-id' : 'id';
}

/** The value without its `codename/` or `external-id/` prefix. */
function strip(value: unknown): string {
  const s = String(value);
  const form = formOf(s);
  return form === 'id' ? s : s.slice(form.length + 1);
}

/** One path a method may call, with what is known before any call. */
interface Route {
  path: string;
  /** The forms of its arguments (`id,codename`, see SpecFlags.f) for the alternative paths, `undefined` for ids. */
  form: string | undefined;
  names: string[];
}

/**
 * Splits the argument in the params slot from the options: an object of option keys alone is the options (the
 * params were left out), and a params object carrying option keys is refused rather than sent as a query.
 */
function splitParams(
  value: unknown,
  options: unknown,
  optionKeys: ReadonlySet<string>,
): [Record<string, any> | undefined, (CallOptions & Record<string, any>) | undefined] {
  if (value === null || typeof value !== 'object') return [undefined, options as CallOptions];
  let option = 0;
  let total = 0;
  for (const key in value) {
    total++;
    if (optionKeys.has(key)) option++;
  }
  if (option === 0) return [value as Record<string, any>, options as CallOptions];
  if (option === total && options === undefined) return [undefined, value as CallOptions];
  const names = Object.keys(value).filter((k) => optionKeys.has(k));
  throw new TypeError(
    `${names.join(', ')}: call options go in the last argument, not among the query parameters ` +
      '(`method(id, params, { signal, timeout })`, or `method(id, { signal })` when there are no params)',
  );
}

function bind(api: ApiClient<any, any>, spec: Spec, options: BindOptions): (...args: any[]) => any {
  const [method, basePath, flags = {}] = spec;
  const fixed = options.fixedPath ?? {};
  const raw = (api.raw as any)[method] as (path: string, init: object) => Promise<any>;
  // Everything that does not depend on the arguments is worked out here, once per method.
  const base: Route = { path: basePath, form: undefined, names: pathNames(basePath, fixed) };
  const alternatives = new Map<string, Route>();
  if (flags.f) {
    for (const key in flags.f) {
      const path = flags.f[key] as string;
      alternatives.set(key, { path, form: key, names: pathNames(path, fixed) });
    }
  }
  const arity = base.names.length;
  const fixedEntries = Object.entries(fixed);
  const headerNames = flags.h ? new Set(flags.h) : undefined;
  const optionKeys = flags.bx ? new Set([...OPTION_KEYS, ...flags.bx]) : OPTION_KEYS;
  const action = flags.a;
  const headerCursor = flags.p !== undefined && options.headerCursor?.includes(flags.p[0]) === true;
  const strategyFactory = flags.p ? options.strategies?.[flags.p[0]] : undefined;
  const itemsKey = flags.p?.[1] as string;

  return (...args: any[]) => {
    let route = base;
    if (alternatives.size) {
      // The forms of the identifying arguments pick the path (`id,codename`: an id, then a `codename/…`).
      let key = '';
      let ids = true;
      for (let j = 0; j < arity; j++) {
        const form = formOf(args[j]);
        if (form !== 'id') ids = false;
        key += j ? `,${form}` : form;
      }
      if (!ids) {
        const alt = alternatives.get(key);
        if (!alt) throw new TypeError(`No path of this operation takes the identifiers in this form (${key}).`);
        route = alt;
      }
    }
    const pathValues: Record<string, string> = {};
    for (const [k, v] of fixedEntries) pathValues[k] = v;
    let i = 0;
    for (const name of route.names)
      pathValues[name] = alternatives.size ? strip(args[i++]) : String(args[i++]);
    let body: any;
    if (flags.b) body = args[i++];
    else if (flags.bf) body = { [flags.bf]: args[i++] };
    let params: Record<string, any> | undefined;
    let callOptions: (CallOptions & Record<string, any>) | undefined;
    if (flags.q) [params, callOptions] = splitParams(args[i], args[i + 1], optionKeys);
    else callOptions = args[i];
    let query: Record<string, any> | undefined;
    let header: Record<string, string> | undefined;
    if (params) {
      for (const key in params) {
        const value = params[key];
        if (value === undefined || value === null) continue;
        if (headerNames?.has(key)) {
          header ??= {};
          header[key] = String(value);
        } else {
          query ??= {};
          query[key] = value;
        }
      }
    }
    if (action) query = { ...query, _action: action };
    let signal: AbortSignal | undefined;
    let init: RequestControls = {};
    if (callOptions) {
      const { headers: extraHeaders, signal: s, retry, timeout, idempotencyKey, ...rest } = callOptions;
      signal = s;
      if (flags.bx) {
        for (const key of flags.bx) if (rest[key] !== undefined) body = { ...body, [key]: rest[key] };
      }
      if (extraHeaders) header = { ...header, ...extraHeaders };
      init = { signal, retry, timeout, idempotencyKey };
    }
    const send = (cursor?: Record<string, any>, pageSignal?: AbortSignal) => {
      let q = query;
      let h = header;
      if (cursor) {
        if (headerCursor) h = { ...header, ...cursor, ...callOptions?.headers };
        else q = { ...query, ...cursor };
      }
      return api.call(
        raw(route.path, {
          params: q ? { path: pathValues, query: q } : { path: pathValues },
          headers: h,
          body,
          ...init,
          signal: pageSignal ?? signal,
        }),
      );
    };
    if (!strategyFactory) return send();
    return paginate<any, unknown, any>({
      ...strategyFactory(params ?? {}),
      fetchPage: (cursor, pageSignal) => send(cursor, pageSignal),
      getItems: (page) => page?.[itemsKey],
      ...(signal ? { signal } : {}),
    }) satisfies Paginated<unknown, unknown>;
  };
}

/** Turns a table of method specs into resource objects of bound methods. */
export function bindResources<R>(
  api: ApiClient<any, any>,
  table: Record<string, Record<string, Spec>>,
  options: BindOptions = {},
): R {
  const out: Record<string, Record<string, unknown>> = {};
  for (const resource in table) {
    const methods: Record<string, unknown> = {};
    const specs = table[resource] as Record<string, Spec>;
    for (const name in specs) methods[name] = bind(api, specs[name] as Spec, options);
    out[resource] = methods;
  }
  return out as R;
}
