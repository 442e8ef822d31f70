/**
 * `exampleHandlers(api, { baseUrl })`: one MSW handler per operation of a spec, answering with its documented example.
 * Another documented answer is picked per request with Prism's `Prefer` header (`Prefer: code=404, example=notFound`,
 * or the `__code` / `__example` query parameters), or per handler set with the `prefer` option.
 */
import { type HttpHandler, HttpResponse, http } from 'msw';
import { spec as flow } from './generated/flow.js';
import { spec as idm } from './generated/idm.js';
import { spec as iga } from './generated/iga.js';
import { spec as kontent } from './generated/kontent.js';
import type { ExampleOperation, ExampleResponse, ExampleSpec } from './spec-types.js';

export const specs: Readonly<Record<ApiName, ExampleSpec>> = { idm, iga, kontent, flow };

export type ApiName = 'idm' | 'iga' | 'kontent' | 'flow';

/** The answer to pick: a documented status and/or a named example (Prism's `code` and `example`). */
export interface Preference {
  status?: number | string;
  example?: string;
}

export interface ExampleHandlersOptions {
  /**
   * Where the API is served, as the SDK's `baseUrl` (e.g. `https://manage.kontent.ai/v2` for kontent). Default: the
   * spec's first server URL.
   */
  baseUrl?: string;
  /**
   * The answer per operation for this handler set, by `operationId` (or `operationId/action` for one `_action` value):
   * `{ deleteWorkflow: { status: 400 } }`. A request's `Prefer` header still wins.
   */
  prefer?: Record<string, Preference>;
  /** Called with each handled request's operation (e.g. to record coverage). */
  onRequest?: (operation: ExampleOperation, request: Request) => void;
}

/** `{environment_id}` → `:environment_id`; `baseUrl` without its trailing slash is put in front. */
export function toMswPath(baseUrl: string, template: string): string {
  return baseUrl.replace(/\/+$/, '') + template.replace(/\{([^}]+)\}/g, ':$1');
}

/** Literal segments before parameters (OpenAPI precedence: `/job/deadletter` before `/job/{id}`). */
export function compareTemplates(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.startsWith('{');
    const pb = sb[i]!.startsWith('{');
    if (pa !== pb) return pa ? 1 : -1;
  }
  return sb.length - sa.length;
}

/** Parses `Prefer: code=404, example=name` (Prism's syntax) and the `__code` / `__example` query parameters. */
export function parsePrefer(request: Request): Preference {
  const out: Preference = {};
  const header = request.headers.get('prefer');
  if (header) {
    for (const part of header.split(/[,;]/)) {
      const [k, v] = part.split('=').map((s) => s.trim());
      if (!k || v === undefined) continue;
      const value = v.replace(/^"|"$/g, '');
      if (k === 'code') out.status = value;
      else if (k === 'example') out.example = value;
    }
  }
  const query = new URL(request.url).searchParams;
  if (query.has('__code')) out.status = query.get('__code')!;
  if (query.has('__example')) out.example = query.get('__example')!;
  return out;
}

function successStatus(op: ExampleOperation): string | undefined {
  return Object.keys(op.responses)
    .filter((s) => /^2\d\d$/.test(s))
    .sort()[0];
}

function selectorValues(op: ExampleOperation, query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, sel] of Object.entries(op.selectors ?? {})) {
    const given = query.get(name);
    if (given !== null) out[name] = given;
    else if (sel.default) out[name] = sel.default;
    else if (name === '_action' && !sel.required && sel.values.includes('create')) out[name] = 'create';
  }
  return out;
}

/** The status a request's `_action` answers with (x-wfkit-action-responses, else 201 for `create`, else 200). */
function actionStatus(op: ExampleOperation, action: string | undefined): string | undefined {
  if (!action) return undefined;
  const explicit = op.actionResponses?.[action];
  if (explicit) return String(explicit);
  if (action === 'create' && op.responses['201']) return '201';
  if (op.responses['200']) return '200';
  return undefined;
}

export interface ChosenAnswer {
  status: number;
  response: ExampleResponse | undefined;
  example: ExampleResponse['examples'][number] | undefined;
}

/** Picks the documented answer for a request; throws a message naming what the operation documents. */
export function chooseAnswer(op: ExampleOperation, request: Request, preference: Preference = {}): ChosenAnswer {
  const query = new URL(request.url).searchParams;
  const selected = selectorValues(op, query);
  const wanted = { ...preference, ...parsePrefer(request) };
  let status = wanted.status !== undefined ? String(wanted.status) : undefined;
  if (status !== undefined && !op.responses[status]) {
    const wildcard = `${status[0]}XX`;
    if (op.responses[wildcard]) status = wildcard;
    else if (op.responses.default) status = 'default';
    else
      throw new Error(
        `${op.id} documents no ${status} response (it documents ${Object.keys(op.responses).join(', ')})`,
      );
  }
  if (status === undefined && wanted.example) {
    // Like Prism: without a code, the example is looked for in the success responses (then in any).
    const order = Object.keys(op.responses).sort((a, b) => Number(!a.startsWith('2')) - Number(!b.startsWith('2')));
    status = order.find((s) => op.responses[s]!.examples.some((e) => e.name === wanted.example));
    if (!status) throw new Error(`${op.id} documents no example named '${wanted.example}'`);
  }
  status ??= actionStatus(op, selected._action) ?? successStatus(op) ?? Object.keys(op.responses)[0];
  if (!status) throw new Error(`${op.id} documents no response`);
  const response = op.responses[status];
  let example: ChosenAnswer['example'];
  if (response?.examples.length) {
    if (wanted.example) {
      example = response.examples.find((e) => e.name === wanted.example);
      if (!example)
        throw new Error(
          `${op.id}: the ${status} response has no example named '${wanted.example}' (it has ${response.examples
            .map((e) => e.name)
            .join(', ')})`,
        );
    } else {
      const matches = (e: (typeof response.examples)[number]) =>
        e.when && Object.entries(e.when).every(([k, v]) => selected[k] === v);
      example = response.examples.find(matches) ?? response.examples.find((e) => !e.when) ?? response.examples[0];
    }
  }
  const code = /^\d{3}$/.test(status) ? Number(status) : status === 'default' ? 500 : Number(`${status[0]}00`);
  return { status: code, response, example };
}

/** Builds the Response for a chosen answer. */
export function answerResponse({ status, response, example }: ChosenAnswer): Response {
  const headers = new Headers(response?.headers);
  const noBody = status === 204 || status === 205 || status === 304;
  if (noBody || !example) return new Response(null, { status, headers });
  const contentType = response?.contentType ?? 'application/json';
  if (typeof example.value === 'string' && !/json/.test(contentType)) {
    headers.set('content-type', contentType);
    return new Response(example.value, { status, headers });
  }
  headers.set('content-type', contentType);
  return new Response(JSON.stringify(example.value), { status, headers });
}

function problem(status: number, message: string): Response {
  return HttpResponse.json({ title: 'wfkit example handlers', status, detail: message }, { status });
}

/**
 * One handler per operation of `api`'s spec, in OpenAPI path precedence (literal segments before parameters).
 * Every operation answers with its documented example; see {@link ExampleHandlersOptions.prefer} and the `Prefer`
 * request header for other documented answers.
 */
export function exampleHandlers(api: ApiName, options: ExampleHandlersOptions = {}): HttpHandler[] {
  const spec = specs[api];
  if (!spec) throw new Error(`exampleHandlers: unknown API '${String(api)}' (one of ${Object.keys(specs).join(', ')})`);
  const baseUrl = options.baseUrl ?? spec.server;
  const ops = [...spec.operations].sort((a, b) => compareTemplates(a.path, b.path));
  return ops.map((op) => {
    const method = op.method.toLowerCase() as 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';
    return http[method](toMswPath(baseUrl, op.path), ({ request }) => {
      options.onRequest?.(op, request);
      const action = new URL(request.url).searchParams.get('_action');
      const preference = (action && options.prefer?.[`${op.id}/${action}`]) || options.prefer?.[op.id];
      try {
        return answerResponse(chooseAnswer(op, request, preference));
      } catch (e) {
        return problem(500, (e as Error).message);
      }
    });
  });
}

/** The operations of a spec (method, path template, operationId), e.g. to compute coverage. */
export function specOperations(api: ApiName): readonly ExampleOperation[] {
  return specs[api].operations;
}
