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

function bind(api: ApiClient<any, any>, spec: Spec, options: BindOptions): (...args: any[]) => any {
  const [method, basePath, flags = {}] = spec;
  const fixed = options.fixedPath ?? {};
  const raw = (api.raw as any)[method] as (path: string, init: object) => Promise<any>;
  return (...args: any[]) => {
    let path = basePath;
    if (flags.f) {
      const forms = args.slice(0, pathNames(basePath, fixed).length).map(formOf);
      if (forms.some((f) => f !== 'id')) {
        const key = forms.join(',');
        const alternative = flags.f[key];
        if (!alternative) {
          throw new TypeError(`No path of this operation takes the identifiers in this form (${key}).`);
        }
        path = alternative;
      }
    }
    const pathValues: Record<string, string> = { ...fixed };
    let i = 0;
    for (const name of pathNames(path, fixed)) pathValues[name] = flags.f ? strip(args[i++]) : String(args[i++]);
    let body: any;
    if (flags.b) body = args[i++];
    else if (flags.bf) body = { [flags.bf]: args[i++] };
    const params: Record<string, any> = (flags.q ? args[i++] : undefined) ?? {};
    const {
      headers: extraHeaders,
      signal,
      retry,
      timeout,
      idempotencyKey,
      ...rest
    }: CallOptions & Record<string, any> = args[i] ?? {};
    if (flags.bx) {
      for (const key of flags.bx) if (rest[key] !== undefined) body = { ...body, [key]: rest[key] };
    }
    const query: Record<string, any> = {};
    const header: Record<string, string> = {};
    for (const key in params) {
      const value = params[key];
      if (value === undefined || value === null) continue;
      if (flags.h?.includes(key)) header[key] = String(value);
      else query[key] = value;
    }
    if (flags.a) query._action = flags.a;
    const controls: RequestControls = { signal, retry, timeout, idempotencyKey };
    const send = (cursor?: Record<string, any>, pageSignal?: AbortSignal) => {
      const inHeaders = cursor && flags.p && options.headerCursor?.includes(flags.p[0]);
      return api.call(
        raw(path, {
          params: { path: pathValues, query: inHeaders ? query : { ...query, ...cursor } },
          headers: { ...header, ...(inHeaders ? cursor : undefined), ...extraHeaders },
          body,
          ...controls,
          signal: pageSignal ?? signal,
        }),
      );
    };
    if (!flags.p) return send();
    const [style, itemsKey] = flags.p;
    const strategy = options.strategies?.[style]?.(params);
    if (!strategy) return send();
    return paginate<any, unknown, any>({
      ...strategy,
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
