/**
 * For each operation of a spec, the arguments of one valid SDK call built from the spec's own examples: path, query
 * and header parameters and the request body. Operations with several `_action` values get one call per action.
 */
import { type Api, deref, operations, type SpecOperation } from './spec.js';

export interface PlannedCall {
  operation: SpecOperation;
  /** `operationId` or `operationId/action`. */
  name: string;
  path: Record<string, string | number>;
  query: Record<string, unknown>;
  header: Record<string, string>;
  body?: unknown;
}

/** Headers each SDK client sets itself (auth, customer id): left to the client. */
const CLIENT_HEADERS = new Set(['x-frankie-customerid', 'x-openidm-username', 'x-openidm-password', 'api_key']);

function firstExample(api: Api, holder: any): unknown {
  if (!holder) return undefined;
  if (holder.example !== undefined) return holder.example;
  const examples = holder.examples;
  if (Array.isArray(examples)) return examples[0];
  if (examples && typeof examples === 'object') {
    const first = Object.values(examples)[0];
    return deref(api, first)?.value;
  }
  return undefined;
}

export function sampleValue(api: Api, schemaRef: any): unknown {
  const schema = deref(api, schemaRef) ?? {};
  const ex = firstExample(api, schema);
  if (ex !== undefined) return ex;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (schema[k]) return sampleValue(api, schema[k][0]);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000001';
  if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
  if (schema.pattern === '^[0-9A-HJKMNP-TV-Z]{26}$' || /ulid/i.test(schema.description ?? ''))
    return '01J0000000000000000000000A';
  return 'sample';
}

function paramValue(api: Api, p: any): unknown {
  return firstExample(api, p) ?? sampleValue(api, p.schema);
}

/** Picks the request body example for an action: named like it, or mentioning `_action=<action>`, else the first. */
function bodyFor(api: Api, op: any, action?: string): unknown {
  const body = deref(api, op.requestBody);
  if (!body) return undefined;
  const [, media] = Object.entries<any>(body.content ?? {})[0] ?? [];
  if (!media) return undefined;
  if (media.examples) {
    const entries = Object.entries<any>(media.examples).map(([name, e]) => [name, deref(api, e)] as const);
    const pick =
      (action &&
        (entries.find(([n]) => n === action) ??
          entries.find(([, e]) => new RegExp(`_action=${action}\\b`).test(e.summary ?? '')) ??
          entries.find(([n]) => n.startsWith(action)))) ||
      entries[0];
    if (pick) return pick[1].value;
  }
  if (media.example !== undefined) return media.example;
  const actionSchema = action ? op['x-wfkit-action-bodies']?.[action] : undefined;
  return sampleValue(api, actionSchema ?? media.schema);
}

export function plannedCalls(api: Api): PlannedCall[] {
  const calls: PlannedCall[] = [];
  for (const operation of operations(api)) {
    const { op, params } = operation;
    const path: PlannedCall['path'] = {};
    const query: PlannedCall['query'] = {};
    const header: PlannedCall['header'] = {};
    for (const p of params) {
      if (p.in === 'path') path[p.name] = paramValue(api, p) as string;
      else if (p.in === 'query' && p.required && p.name !== '_action') query[p.name] = paramValue(api, p);
      else if (p.in === 'header' && p.required && !CLIENT_HEADERS.has(p.name.toLowerCase()))
        header[p.name] = String(paramValue(api, p));
    }
    const queryIdParam = params.find((p) => p.in === 'query' && p.name === '_queryId');
    const queryFilterParam = params.find((p) => p.in === 'query' && p.name === '_queryFilter');
    if (queryIdParam) query._queryId = deref(api, queryIdParam.schema)?.enum?.[0] ?? paramValue(api, queryIdParam);
    else if (queryFilterParam) query._queryFilter = 'true';
    const actionParam = params.find((p) => p.in === 'query' && p.name === '_action');
    const actions: (string | undefined)[] = actionParam ? (deref(api, actionParam.schema)?.enum ?? []) : [undefined];
    for (const action of actions) {
      const body = bodyFor(api, op, action);
      calls.push({
        operation,
        name: action ? `${operation.id}/${action}` : operation.id,
        path,
        query: action ? { ...query, _action: action } : query,
        header,
        ...(body !== undefined ? { body } : {}),
      });
    }
  }
  return calls;
}
