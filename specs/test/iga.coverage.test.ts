import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Coverage of specs/iga.yaml: every lifecycle call of seed 000 (Create workflows using REST APIs) and every operation
 * the specs issue requires for IGA maps to an operation (method + path template + `_action` enum value).
 */

const spec = parse(readFileSync(new URL('../iga.yaml', import.meta.url), 'utf8'));
const seedUrl = new URL('../../../shared/seeds/000_e837fef645af6ff5.txt', import.meta.url);

interface Row {
  what: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  action?: string;
}

const ORCH = '/auto/orchestration/definition';
const GOV = '/iga/governance/workflow';

/** The seed's lifecycle (steps 1, 3, 4, 5), used when the seed file is not beside the clone. */
const SEED_FALLBACK: Row[] = [
  { what: 'seed step 1: retrieve the current workflow definitions', method: 'get', path: ORCH },
  { what: 'seed step 3: create a draft', method: 'post', path: ORCH, action: 'create' },
  { what: 'seed step 4: validate', method: 'post', path: ORCH, action: 'validate' },
  { what: 'seed step 5: publish', method: 'post', path: ORCH, action: 'publish' },
];

/** Everything issue 3 (iga bullet) and the IGA brief require besides the seed's lifecycle. */
const REQUIRED: Row[] = [
  // both definition families
  ...[ORCH, GOV].flatMap((base): Row[] => [
    { what: `${base}: list definitions with paging`, method: 'get', path: base },
    { what: `${base}: create a draft`, method: 'post', path: base, action: 'create' },
    { what: `${base}: validate`, method: 'post', path: base, action: 'validate' },
    { what: `${base}: publish`, method: 'post', path: base, action: 'publish' },
    { what: `${base}: read the draft`, method: 'get', path: `${base}/{id}/draft` },
    { what: `${base}: read the published definition`, method: 'get', path: `${base}/{id}/published` },
    { what: `${base}: update the draft`, method: 'put', path: `${base}/{id}` },
    { what: `${base}: delete the draft`, method: 'delete', path: `${base}/{id}/draft` },
    {
      what: `${base}: delete (refused or forced) the published definition`,
      method: 'delete',
      path: `${base}/{id}/published`,
    },
  ]),
  // request types
  { what: 'list request types', method: 'get', path: '/iga/governance/requestTypes' },
  { what: 'read a request type', method: 'get', path: '/iga/governance/requestTypes/{requestTypeId}' },
  {
    what: 'rebind a request type to a workflow',
    method: 'patch',
    path: '/iga/governance/requestTypes/{requestTypeId}',
  },
  // requests
  { what: 'create requests', method: 'post', path: '/iga/governance/requests', action: 'create' },
  { what: 'validate requests', method: 'post', path: '/iga/governance/requests', action: 'validate' },
  { what: 'read a request', method: 'get', path: '/iga/governance/requests/{requestId}' },
  { what: 'search requests', method: 'post', path: '/iga/governance/requests/search', action: 'search' },
  {
    what: 'query requests (in-progress check before a forced delete)',
    method: 'get',
    path: '/iga/governance/requests',
  },
  // work lists (what awaits an actor, what a user asked for)
  { what: "an actor's work list", method: 'post', path: '/iga/governance/user/{userId}/tasks', action: 'search' },
  { what: "a user's requests", method: 'post', path: '/iga/governance/user/{userId}/requests', action: 'search' },
  // request actions
  ...['approve', 'reject', 'reassign', 'comment', 'cancel', 'fulfill', 'deny', 'modify'].map(
    (action): Row => ({
      what: `request action ${action}`,
      method: 'post',
      path: '/iga/governance/requests/{requestId}',
      action,
    }),
  ),
];

/** Reads the seed's numbered steps: "`/auto/orchestration/definition?_action=create` (POST)". */
function seedRows(): Row[] {
  if (!existsSync(seedUrl)) return SEED_FALLBACK;
  const text = readFileSync(seedUrl, 'utf8');
  const rows: Row[] = [];
  for (const m of text.matchAll(/^\s*(\d+)\.\s.*?`(\/[^`]+)`\s*\((GET|POST|PUT|PATCH|DELETE)\)/gm)) {
    const [, step, url, method] = m as unknown as [string, string, string, string];
    const [path, query = ''] = url.split('?');
    const action = new URLSearchParams(query).get('_action') ?? undefined;
    rows.push({
      what: `seed step ${step}: ${method} ${url}`,
      method: method.toLowerCase() as Row['method'],
      path: path!,
      action,
    });
  }
  return rows;
}

function resolve(node: any): any {
  if (!node?.$ref) return node;
  return (node.$ref as string)
    .replace(/^#\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((n: any, key: string) => n?.[key], spec);
}

function actionEnum(operation: any): string[] | undefined {
  const param = (operation.parameters ?? []).map(resolve).find((p: any) => p.in === 'query' && p.name === '_action');
  return param ? (resolve(param.schema)?.enum ?? []) : undefined;
}

/** Why a row is not covered, or undefined when it is. */
function gap(row: Row): string | undefined {
  const operation = spec.paths?.[row.path]?.[row.method];
  const label = `${row.method.toUpperCase()} ${row.path}${row.action ? `?_action=${row.action}` : ''} (${row.what})`;
  if (!operation) return `${label}: no operation`;
  if (!row.action) return undefined;
  const values = actionEnum(operation);
  if (!values) return `${label}: the operation has no _action parameter`;
  if (!values.includes(row.action)) return `${label}: _action does not accept '${row.action}'`;
  const bodies = operation['x-wfkit-action-bodies'];
  if (operation.requestBody && values.length > 1 && !bodies?.[row.action])
    return `${label}: x-wfkit-action-bodies has no body for '${row.action}'`;
  return undefined;
}

describe('iga spec coverage', () => {
  it('reads the four lifecycle calls of the seed', () => {
    const rows = seedRows();
    expect(rows.map((r) => `${r.method} ${r.path} ${r.action ?? ''}`.trim())).toEqual(
      SEED_FALLBACK.map((r) => `${r.method} ${r.path} ${r.action ?? ''}`.trim()),
    );
  });

  it('covers every lifecycle call of the seed', () => {
    const missing = seedRows().map(gap).filter(Boolean);
    expect(missing, `missing:\n${missing.join('\n')}`).toEqual([]);
  });

  it('covers every operation the specs issue requires for IGA', () => {
    const missing = REQUIRED.map(gap).filter(Boolean);
    expect(missing, `missing:\n${missing.join('\n')}`).toEqual([]);
  });

  it('names a body schema for every _action value of an operation with a body', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const values = actionEnum(operation);
        if (!values || !operation.requestBody || values.length < 2) continue;
        const bodies = operation['x-wfkit-action-bodies'] ?? {};
        // an anyOf of the per-action schemas, or a plain $ref when every action takes the same schema
        const bodySchema = operation.requestBody.content['application/json'].schema;
        const anyOf: string[] = (bodySchema.anyOf ?? [bodySchema]).map((s: any) => s.$ref);
        for (const value of values) {
          const ref = bodies[value]?.$ref;
          if (!ref) problems.push(`${method.toUpperCase()} ${path}: no x-wfkit-action-bodies entry for '${value}'`);
          else if (!resolve({ $ref: ref }))
            problems.push(`${method.toUpperCase()} ${path}: '${value}' points at missing ${ref}`);
          else if (!anyOf.includes(ref))
            problems.push(`${method.toUpperCase()} ${path}: ${ref} ('${value}') is not in the body's anyOf`);
        }
        for (const key of Object.keys(bodies))
          if (!values.includes(key))
            problems.push(`${method.toUpperCase()} ${path}: body for unknown _action '${key}'`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every operation an id, a summary, a description, declared tags and security', () => {
    const declared = new Set((spec.tags ?? []).map((t: any) => t.name));
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const label = `${method.toUpperCase()} ${path}`;
        if (!/^[a-z][A-Za-z0-9]*$/.test(op.operationId ?? '')) problems.push(`${label}: operationId not camelCase`);
        if (ids.has(op.operationId)) problems.push(`${label}: duplicate operationId ${op.operationId}`);
        ids.add(op.operationId);
        if (!op.summary || !op.description) problems.push(`${label}: summary or description missing`);
        if (!op.tags?.length || !op.tags.every((t: string) => declared.has(t)))
          problems.push(`${label}: undeclared tag`);
        if (!op.security?.length) problems.push(`${label}: no security`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('types a body for every step type under the key of that type', () => {
    const step = spec.components.schemas.Step;
    const types: string[] = resolve(step.properties.type).enum;
    expect(types).toEqual(
      expect.arrayContaining([
        'approvalTask',
        'fulfillmentTask',
        'violationTask',
        'scriptTask',
        'waitTask',
        'emailTask',
      ]),
    );
    const untyped = types.filter((t) => !step.properties[t]?.$ref);
    expect(untyped).toEqual([]);
  });
});
