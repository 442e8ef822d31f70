import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Coverage of specs/kontent.yaml: the five workflow operations of seed 003 (Kontent.ai Management API v2
 * "Workflows"), the variant/publishing endpoints a workflow needs, the minimal content model, and the field
 * constraints the seed and the research name.
 */

const spec = parse(readFileSync(new URL('../kontent.yaml', import.meta.url), 'utf8'));
const SEED = new URL('../../../shared/seeds/003_31d39e18f7cd46a9.txt', import.meta.url);
const PREFIX = '/projects/{environment_id}';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
interface Row {
  method: Method;
  path: string;
}

/** The seed's five operations, as the Learn page writes them (fallback when the seed file is absent). */
const SEED_TABLE: Row[] = [
  { method: 'post', path: '/workflows' },
  { method: 'get', path: '/workflows' },
  { method: 'get', path: '/workflow' },
  { method: 'put', path: '/workflows/{workflow_identifier}' },
  { method: 'delete', path: '/workflows/{workflow_identifier}' },
];

/** How a seed path template maps to the spec: `{workflow_identifier}` is split into its ID and codename forms. */
const SEED_PATH_TO_SPEC: Record<string, string[]> = {
  '/workflows': ['/workflows'],
  '/workflow': ['/workflow'],
  '/workflows/{workflow_identifier}': ['/workflows/{workflow_id}', '/workflows/codename/{workflow_codename}'],
};

/** Reads method + path of every operation from the seed page ("POST" on one line, the URL on the next). */
function seedRows(): Row[] {
  if (!existsSync(SEED)) return SEED_TABLE;
  const lines = readFileSync(SEED, 'utf8').split('\n');
  const rows: Row[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const method = lines[i].trim();
    const url = lines[i + 1].trim().match(/^https:\/\/manage\.kontent\.ai\/v2\/projects\/\{environment_id\}(\/\S*)$/);
    if (/^(GET|POST|PUT|DELETE|PATCH)$/.test(method) && url)
      rows.push({ method: method.toLowerCase() as Method, path: url[1] });
  }
  return rows;
}

/** The three identifier forms every variant operation exists in. */
const VARIANT_BASES = [
  '/items/{item_id}/variants/{language_id}',
  '/items/codename/{item_codename}/variants/codename/{language_codename}',
  '/items/external-id/{item_external_id}/variants/codename/{language_codename}',
];
const STEP_SEGMENT = [
  '/workflow/{step_id}',
  '/workflow/codename/{step_codename}',
  '/workflow/codename/{step_codename}',
];

/** Variant endpoints (research §2.1–2.2): suffix on a variant base, method, success status. */
const VARIANT_TABLE: { suffix: string; method: Method; status: string; what: string }[] = [
  { suffix: '', method: 'get', status: '200', what: 'read the latest variant' },
  { suffix: '', method: 'put', status: '201', what: 'upsert a variant (create)' },
  { suffix: '', method: 'put', status: '200', what: 'upsert a variant (update)' },
  { suffix: '/published', method: 'get', status: '200', what: 'read the published variant' },
  { suffix: '/change-workflow', method: 'put', status: '204', what: 'change workflow' },
  { suffix: '/publish', method: 'put', status: '204', what: 'publish now or scheduled' },
  { suffix: '/schedule-publish-and-unpublish', method: 'put', status: '204', what: 'schedule publish and unpublish' },
  { suffix: '/cancel-scheduled-publish', method: 'put', status: '204', what: 'cancel scheduled publish' },
  { suffix: '/cancel-scheduled-unpublish', method: 'put', status: '204', what: 'cancel scheduled unpublish' },
  { suffix: '/unpublish', method: 'put', status: '204', what: 'unpublish (deprecated)' },
  { suffix: '/unpublish-and-archive', method: 'put', status: '204', what: 'unpublish and archive' },
  { suffix: '/new-version', method: 'put', status: '204', what: 'create a new version' },
  { suffix: '{step}', method: 'put', status: '204', what: 'change step (deprecated /workflow/{step})' },
];

/** Minimal content model (research §2.3). */
const MODEL_TABLE: Row[] = [
  { method: 'get', path: '/types' },
  { method: 'post', path: '/types' },
  { method: 'get', path: '/types/{type_id}' },
  { method: 'get', path: '/types/codename/{type_codename}' },
  { method: 'get', path: '/collections' },
  { method: 'patch', path: '/collections' },
  { method: 'get', path: '/languages' },
  { method: 'post', path: '/languages' },
  { method: 'get', path: '/languages/{language_id}' },
  { method: 'get', path: '/languages/codename/{language_codename}' },
  { method: 'get', path: '/roles' },
  { method: 'get', path: '/roles/{role_id}' },
  { method: 'get', path: '/roles/codename/{role_codename}' },
  { method: 'get', path: '/items' },
  { method: 'post', path: '/items' },
  { method: 'get', path: '/items/{item_id}' },
  { method: 'put', path: '/items/{item_id}' },
  { method: 'delete', path: '/items/{item_id}' },
  { method: 'get', path: '/items/codename/{item_codename}' },
  { method: 'get', path: '/items/external-id/{item_external_id}' },
];

/** List endpoints paged with `x-continuation`. */
const PAGED = ['/items', '/types', '/languages'];

const COLOURS = [
  'gray',
  'red',
  'rose',
  'light-purple',
  'dark-purple',
  'dark-blue',
  'light-blue',
  'sky-blue',
  'mint-green',
  'persian-green',
  'dark-green',
  'light-green',
  'yellow',
  'pink',
  'orange',
  'brown',
];

const CODENAME_PATTERN = '^[a-z_][a-z0-9_]*$';

function deref(node: any): any {
  let n = node;
  for (let i = 0; i < 20 && n; i++) {
    if (n.$ref) {
      n = n.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce((acc: any, key: string) => acc?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
    } else if (Array.isArray(n.allOf) && n.allOf.length === 1 && !n.properties) {
      n = n.allOf[0];
    } else return n;
  }
  return n;
}

function operation(method: Method, path: string): any {
  return spec.paths?.[PREFIX + path]?.[method];
}

function allParams(method: Method, path: string): any[] {
  const item = spec.paths?.[PREFIX + path] ?? {};
  return [...(item.parameters ?? []), ...(item[method]?.parameters ?? [])].map(deref);
}

function prop(schemaName: string, ...keys: string[]): any {
  let node = deref({ $ref: `#/components/schemas/${schemaName}` });
  for (const key of keys) node = deref(key === '[]' ? node?.items : node?.properties?.[key]);
  return node;
}

describe('kontent spec coverage', () => {
  it('covers the five workflow operations of the seed page', () => {
    const rows = seedRows();
    if (existsSync(SEED)) expect(rows, 'operations parsed from the seed').toHaveLength(SEED_TABLE.length);
    const missing: string[] = [];
    for (const row of rows) {
      const targets = SEED_PATH_TO_SPEC[row.path];
      if (!targets) {
        missing.push(`${row.method.toUpperCase()} ${row.path}: no mapping in SEED_PATH_TO_SPEC`);
        continue;
      }
      for (const target of targets)
        if (!operation(row.method, target)) missing.push(`${row.method.toUpperCase()} ${PREFIX}${target}`);
    }
    expect(missing).toEqual([]);
  });

  it('answers the seed operations with the documented statuses', () => {
    const expected: [Method, string, string[]][] = [
      ['get', '/workflows', ['200']],
      ['post', '/workflows', ['201', '400']],
      ['get', '/workflow', ['200']],
      ['put', '/workflows/{workflow_id}', ['200', '400', '404']],
      ['put', '/workflows/codename/{workflow_codename}', ['200', '400', '404']],
      ['delete', '/workflows/{workflow_id}', ['204', '400', '404']],
      ['delete', '/workflows/codename/{workflow_codename}', ['204', '400', '404']],
    ];
    const missing: string[] = [];
    for (const [method, path, statuses] of expected)
      for (const status of statuses)
        if (!operation(method, path)?.responses?.[status]) missing.push(`${method.toUpperCase()} ${path} ${status}`);
    expect(missing).toEqual([]);
    expect(operation('get', '/workflow')?.deprecated, 'GET /workflow is deprecated').toBe(true);
  });

  it('has every variant and publishing endpoint in every identifier form', () => {
    const missing: string[] = [];
    VARIANT_BASES.forEach((base, i) => {
      for (const row of VARIANT_TABLE) {
        const path = row.suffix === '{step}' ? base + STEP_SEGMENT[i] : base + row.suffix;
        const op = operation(row.method, path);
        if (!op) missing.push(`${row.method.toUpperCase()} ${path} (${row.what})`);
        else if (!op.responses?.[row.status])
          missing.push(`${row.method.toUpperCase()} ${path} ${row.status} (${row.what})`);
      }
    });
    expect(missing).toEqual([]);
  });

  it('has the minimal content types, collections, languages, roles and items endpoints', () => {
    const missing = MODEL_TABLE.filter((row) => !operation(row.method, row.path)).map(
      (row) => `${row.method.toUpperCase()} ${PREFIX}${row.path}`,
    );
    expect(missing).toEqual([]);
  });

  it('constrains workflow names to 1–200 characters', () => {
    const problems: string[] = [];
    for (const schema of ['Workflow', 'WorkflowInput']) {
      const name = prop(schema, 'name');
      if (name?.minLength !== 1 || name?.maxLength !== 200) problems.push(`${schema}.name is not 1–200 characters`);
    }
    expect(problems).toEqual([]);
    expect(prop('WorkflowInput').required).toContain('name');
  });

  it('constrains workflow and step codenames to 1–60 characters and the codename pattern', () => {
    const problems: string[] = [];
    const places: [string, ...string[]][] = [
      ['Workflow', 'codename'],
      ['WorkflowInput', 'codename'],
      ['WorkflowStep', 'codename'],
      ['WorkflowStepInput', 'codename'],
    ];
    for (const [schema, ...keys] of places) {
      const c = prop(schema, ...keys);
      const where = `${schema}.${keys.join('.')}`;
      if (c?.minLength !== 1 || c?.maxLength !== 60) problems.push(`${where} is not 1–60 characters`);
      if (c?.pattern !== CODENAME_PATTERN) problems.push(`${where} lacks the pattern ${CODENAME_PATTERN}`);
    }
    const re = new RegExp(CODENAME_PATTERN);
    expect(['my_workflow', '_x', 'step_2'].every((s) => re.test(s))).toBe(true);
    expect(['My_workflow', '2nd', 'my-workflow', ''].some((s) => re.test(s))).toBe(false);
    expect(problems).toEqual([]);
  });

  it('lists exactly the 16 step colours as an enum', () => {
    for (const schema of ['WorkflowStep', 'WorkflowStepInput']) {
      const colour = prop(schema, 'color');
      expect(colour?.enum, `${schema}.color`).toEqual(COLOURS);
    }
  });

  it('models steps, transitions, roles, scopes and the predefined steps', () => {
    const problems: string[] = [];
    const need = (cond: boolean, what: string) => cond || problems.push(what);
    const stepIn = prop('WorkflowStepInput');
    for (const key of ['name', 'codename', 'color', 'transitions_to', 'role_ids'])
      need(stepIn?.required?.includes(key), `WorkflowStepInput requires ${key}`);
    need(!!stepIn?.properties?.id, 'WorkflowStepInput accepts an id (rename a step codename)');
    const target = prop('WorkflowStepInput', 'transitions_to', '[]', 'step');
    need(!!target?.properties?.id && !!target?.properties?.codename, 'transitions_to[].step accepts id or codename');
    need(
      target?.maxProperties === 1 && target?.minProperties === 1,
      'transitions_to[].step is exactly one of id/codename',
    );
    need(prop('WorkflowStepInput', 'role_ids', '[]')?.format === 'uuid', 'role_ids are UUIDs');
    const scopeRef = prop('WorkflowInput', 'scopes', '[]', 'content_types', '[]');
    need(!!scopeRef?.properties?.external_id, 'scope references accept external_id');
    need(!!prop('WorkflowInput', 'scopes', '[]', 'collections'), 'scopes have collections');
    for (const key of ['unpublish_role_ids', 'create_new_version_role_ids'])
      need(!!prop('PublishedStepInput', key), `published_step.${key}`);
    need(!!prop('ArchivedStepInput', 'role_ids'), 'archived_step.role_ids');
    need(!!prop('Workflow', 'scheduled_step'), 'Workflow.scheduled_step');
    for (const key of ['name', 'scopes', 'steps', 'published_step', 'archived_step'])
      need(prop('WorkflowInput').required?.includes(key), `WorkflowInput requires ${key}`);
    expect(problems).toEqual([]);
  });

  it('defines the Kontent error envelope and its documented error codes', () => {
    const error = prop('KontentError');
    expect(error.required).toEqual(expect.arrayContaining(['request_id', 'error_code', 'message']));
    const item = prop('KontentError', 'validation_errors', '[]');
    expect(item.required).toContain('message');
    expect(Object.keys(item.properties)).toEqual(expect.arrayContaining(['message', 'path']));
    const missing = [0, 4, 5, 16, 100, 103, 105, 111, 116, 119, 122, 213, 214, 215, 218, 235, 1007, 10000].filter(
      (code) => !new RegExp(`\\| ${code} \\|`).test(error.description ?? ''),
    );
    expect(missing, 'error codes missing from the KontentError description').toEqual([]);
    const bodies = new Set<string>();
    for (const item of Object.values<any>(spec.paths))
      for (const m of ['get', 'put', 'post', 'delete', 'patch'] as const)
        for (const [status, response] of Object.entries<any>(item[m]?.responses ?? {}))
          if (Number(status) >= 400) bodies.add(deref(response)?.content?.['application/json']?.schema?.$ref);
    expect([...bodies]).toEqual(['#/components/schemas/KontentError']);
  });

  it('pages list endpoints with x-continuation and answers pagination', () => {
    const problems: string[] = [];
    for (const path of PAGED) {
      if (!allParams('get', path).some((p) => p.in === 'header' && p.name === 'x-continuation'))
        problems.push(`GET ${path} lacks the x-continuation header`);
      const schema = deref(operation('get', path)?.responses?.['200']?.content?.['application/json']?.schema);
      if (!schema?.properties?.pagination) problems.push(`GET ${path} 200 lacks pagination`);
    }
    expect(problems).toEqual([]);
    expect(Object.keys(prop('Pagination').properties)).toEqual(['continuation_token', 'next_page']);
  });

  it('uses Bearer security, the Kontent server and 429 with Retry-After everywhere', () => {
    expect(spec.servers.map((s: any) => s.url)).toEqual(['https://manage.kontent.ai/v2']);
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const problems: string[] = [];
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      if (!path.startsWith(`${PREFIX}/`)) problems.push(`${path} is not under ${PREFIX}`);
      for (const m of ['get', 'put', 'post', 'delete', 'patch'] as const) {
        const op = item[m];
        if (!op) continue;
        if (!op.security?.some((s: any) => 'bearerAuth' in s)) problems.push(`${m} ${path} lacks bearerAuth`);
        const tooMany = deref(op.responses?.['429']);
        if (!tooMany?.headers?.['Retry-After']) problems.push(`${m} ${path} lacks 429 with Retry-After`);
      }
    }
    expect(problems).toEqual([]);
    const example = Object.values<any>(
      deref({ $ref: '#/components/responses/TooManyRequests' }).content['application/json'].examples,
    )[0];
    expect(example.value.error_code).toBe(10000);
  });
});
