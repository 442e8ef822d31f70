import { existsSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Coverage of specs/idm.yaml: every row of the PingIDM 8.1 "Workflows" endpoint table (seed 001, 53 rows) and the
 * curl calls of seeds 001 and 002 ("Invoke workflows"). A row is covered by the operation for its method and path
 * template whose `_action` / `_queryId` enum holds the row's value, which declares `_queryFilter` where the row uses
 * it, and which accepts every filter parameter (or body field) the row lists.
 */

const spec = parse(readFileSync(new URL('../idm.yaml', import.meta.url), 'utf8'));
const SEED_TABLE_FILE = new URL('../../../shared/seeds/001_09a00153cebb4aeb.txt', import.meta.url);
const SEED_INVOKE_FILE = new URL('../../../shared/seeds/002_2a1dad1cd370c3c3.txt', import.meta.url);

type Method = 'get' | 'put' | 'post' | 'delete';

interface Row {
  method: Method;
  /** The row's path, `/openidm/workflow/...`, with the seed's placeholders (`id`, `procdefid`) as segments. */
  path: string;
  action?: string;
  queryId?: string;
  queryFilter?: string;
  /** Filter parameters (for `filtered-query`) or body fields (PUT task, migrate) the row lists. */
  params?: string[];
  bodyFields?: string[];
}

const PI_FILTERS = [
  'processDefinitionId',
  'processDefinitionKey',
  'processInstanceBusinessKey',
  'processInstanceId',
  'superProcessInstanceId',
  'finished',
  'unfinished',
  'involvedUserId',
  'startUserId',
  'startedAfter',
  'startedBefore',
];
const JOB_FILTERS = [
  'jobId',
  'processDefinitionId',
  'processInstanceId',
  'executionId',
  'timersOnly',
  'messagesOnly',
  'withException',
  'exceptionMessage',
  'dueAfter',
  'dueBefore',
];

/** The 53 rows of the seed's endpoint table, in the seed's order (used when the seed file is absent, and checked against it). */
const ROWS: Row[] = [
  { method: 'post', path: '/openidm/workflow/execution', action: 'message' },
  { method: 'post', path: '/openidm/workflow/execution', action: 'signal' },
  { method: 'post', path: '/openidm/workflow/execution', action: 'trigger' },
  { method: 'get', path: '/openidm/workflow/execution', queryFilter: 'true' },
  {
    method: 'get',
    path: '/openidm/workflow/execution',
    queryId: 'filtered-query',
    params: [
      'executionId',
      'executionParentId',
      'processDefinitionCategory',
      'processDefinitionId',
      'processDefinitionKey',
      'processDefinitionName',
      'processDefinitionVersion',
      'processInstanceBusinessKey',
      'processInstanceId',
      'activityId',
      'signalName',
      'messageName',
      'startedBefore',
      'startedAfter',
      'startedBy',
      'processVariableName',
      'processVariableValue',
      'processVariableValueType',
      'processVariableOperator',
      'variableName',
      'variableValue',
      'variableValueType',
      'variableOperator',
    ],
  },
  { method: 'get', path: '/openidm/workflow/job', queryFilter: 'true' },
  { method: 'get', path: '/openidm/workflow/job', queryId: 'filtered-query', params: JOB_FILTERS },
  { method: 'get', path: '/openidm/workflow/job/deadletter', queryFilter: 'true' },
  { method: 'get', path: '/openidm/workflow/job/deadletter', queryId: 'filtered-query', params: JOB_FILTERS },
  { method: 'post', path: '/openidm/workflow/job/deadletter/id', action: 'execute' },
  { method: 'post', path: '/openidm/workflow/job/deadletter/id', action: 'stacktrace' },
  { method: 'delete', path: '/openidm/workflow/job/deadletter/id' },
  { method: 'get', path: '/openidm/workflow/job/deadletter/id' },
  { method: 'post', path: '/openidm/workflow/job/id', action: 'execute' },
  { method: 'post', path: '/openidm/workflow/job/id', action: 'stacktrace' },
  { method: 'delete', path: '/openidm/workflow/job/id' },
  { method: 'get', path: '/openidm/workflow/job/id' },
  { method: 'post', path: '/openidm/workflow/model', action: 'validate_bpmn' },
  { method: 'post', path: '/openidm/workflow/model' },
  { method: 'get', path: '/openidm/workflow/model', queryFilter: 'query' },
  { method: 'post', path: '/openidm/workflow/model/id', action: 'deploy' },
  { method: 'post', path: '/openidm/workflow/model/id', action: 'list_deployments' },
  { method: 'delete', path: '/openidm/workflow/model/id' },
  { method: 'get', path: '/openidm/workflow/model/id' },
  { method: 'put', path: '/openidm/workflow/model/id' },
  { method: 'get', path: '/openidm/workflow/processdefinition', queryFilter: 'true' },
  {
    method: 'get',
    path: '/openidm/workflow/processdefinition',
    queryId: 'filtered-query',
    params: ['version', 'deploymentId', 'category', 'key', 'name', 'processDefinitionResourceName'],
  },
  { method: 'delete', path: '/openidm/workflow/processdefinition/id' },
  { method: 'get', path: '/openidm/workflow/processdefinition/id' },
  { method: 'get', path: '/openidm/workflow/processdefinition/procdefid/taskdefinition', queryFilter: 'true' },
  { method: 'get', path: '/openidm/workflow/processdefinition/procdefid/taskdefinition/id' },
  { method: 'post', path: '/openidm/workflow/processinstance' },
  { method: 'get', path: '/openidm/workflow/processinstance', queryFilter: 'true' },
  { method: 'get', path: '/openidm/workflow/processinstance', queryId: 'filtered-query', params: PI_FILTERS },
  { method: 'get', path: '/openidm/workflow/processinstance/history', queryFilter: 'true' },
  { method: 'get', path: '/openidm/workflow/processinstance/history', queryId: 'filtered-query', params: PI_FILTERS },
  { method: 'delete', path: '/openidm/workflow/processinstance/history/id' },
  { method: 'get', path: '/openidm/workflow/processinstance/history/id' },
  {
    method: 'post',
    path: '/openidm/workflow/processinstance/id',
    action: 'migrate',
    bodyFields: ['processDefinitionId', 'variables', 'fromActivityIdMap'],
  },
  { method: 'post', path: '/openidm/workflow/processinstance/id', action: 'validateMigration' },
  { method: 'delete', path: '/openidm/workflow/processinstance/id' },
  { method: 'get', path: '/openidm/workflow/processinstance/id' },
  { method: 'get', path: '/openidm/workflow/taskinstance', queryFilter: 'true' },
  {
    method: 'get',
    path: '/openidm/workflow/taskinstance',
    queryId: 'filtered-query',
    params: [
      'executionId',
      'processDefinitionId',
      'processDefinitionKey',
      'processInstanceId',
      'assignee',
      'taskCandidateGroup',
      'taskCandidateUser',
      'name',
      'owner',
      'description',
      'priority',
      'unassigned',
    ],
  },
  { method: 'get', path: '/openidm/workflow/taskinstance', queryId: 'unassignedTaskQuery' },
  { method: 'get', path: '/openidm/workflow/taskinstance/history', queryFilter: 'true' },
  {
    method: 'get',
    path: '/openidm/workflow/taskinstance/history',
    queryId: 'filtered-query',
    params: [
      'executionId',
      'processDefinitionId',
      'processDefinitionKey',
      'processInstanceId',
      'assignee',
      'taskCandidateGroup',
      'taskCandidateUser',
      'taskId',
      'taskName',
      'owner',
      'description',
      'finished',
      'unfinished',
      'processFinished',
      'processUnfinished',
      'priority',
      'deleteReason',
    ],
  },
  { method: 'get', path: '/openidm/workflow/taskinstance/history/id' },
  { method: 'post', path: '/openidm/workflow/taskinstance/id', action: 'claim' },
  { method: 'post', path: '/openidm/workflow/taskinstance/id', action: 'complete' },
  { method: 'delete', path: '/openidm/workflow/taskinstance/id' },
  { method: 'get', path: '/openidm/workflow/taskinstance/id' },
  {
    method: 'put',
    path: '/openidm/workflow/taskinstance/id',
    bodyFields: ['assignee', 'description', 'name', 'owner', 'category', 'dueDate', 'priority'],
  },
];

/** Segments of a seed row that stand for an id (a path parameter in the spec). */
const PLACEHOLDERS = new Set(['id', 'procdefid']);

interface Call {
  method: Method;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The curl calls of seeds 001 and 002 (used when the seed files are absent, and checked against them). */
const CALLS: Call[] = [
  {
    method: 'get',
    path: '/openidm/workflow/processdefinition',
    query: { _queryId: 'query-all-ids' },
    headers: {
      'X-OpenIDM-Username': 'openidm-admin',
      'X-OpenIDM-Password': 'openidm-admin',
      'Accept-API-Version': 'resource=1.0',
    },
  },
  {
    method: 'post',
    path: '/openidm/workflow/processinstance',
    query: { _action: 'create' },
    headers: {
      'Content-Type': 'application/json',
      'X-OpenIDM-Username': 'openidm-admin',
      'X-OpenIDM-Password': 'openidm-admin',
      'Accept-API-Version': 'resource=1.0',
    },
    body: { _key: 'contractorOnboarding', foo: 'bar' },
  },
  {
    method: 'post',
    path: '/openidm/workflow/processinstance',
    query: { _action: 'create' },
    headers: {
      'X-OpenIDM-Username': 'openidm-admin',
      'X-OpenIDM-Password': 'openidm-admin',
      'Accept-API-Version': 'resource=1.0',
      'Content-Type': 'application/json',
    },
    body: { _key: 'myWorkflow' },
  },
  {
    method: 'post',
    path: '/openidm/workflow/processinstance',
    query: { _action: 'create' },
    headers: {
      'X-OpenIDM-Username': 'openidm-admin',
      'X-OpenIDM-Password': 'openidm-admin',
      'Accept-API-Version': 'resource=1.0',
    },
    body: { _key: 'myWorkflow', _businessKey: 'newOrder' },
  },
];

/** The query answer the seed shows for `_queryId=query-all-ids`. */
const SEED_QUERY_ALL_IDS_ANSWER = {
  result: [{ _id: 'contractorOnboarding:1:5' }, { _id: 'contractorOnboarding:2:9' }],
  resultCount: 2,
  pagedResultsCookie: null,
  totalPagedResultsPolicy: 'NONE',
  totalPagedResults: -1,
  remainingPagedResults: -1,
};

// ---------------------------------------------------------------------------------------------------------- seed parsing

const unescapeMd = (s: string) => s.replace(/\\([_&*\\])/g, '$1');

function parseUri(uri: string, method: string): Row {
  const clean = unescapeMd(uri.trim());
  const [rawPath, rawQuery = ''] = clean.split('?');
  const row: Row = {
    method: method.trim().toLowerCase() as Method,
    path: rawPath.startsWith('/') ? rawPath : `/${rawPath}`,
  };
  for (const part of rawQuery.split('&').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (key === '_action') row.action = value;
    else if (key === '_queryId') row.queryId = value;
    else if (key === '_queryFilter') row.queryFilter = value;
  }
  return row;
}

/** Parses the seed's markdown table: a row starts with `| /openidm/...`; its collapsed lists follow on `>` lines. */
function parseSeedTable(text: string): Row[] {
  const rows: Row[] = [];
  let current: Row | undefined;
  let listKind: 'params' | 'bodyFields' | 'json' | undefined;
  let jsonDepth = 0;
  for (const line of text.split('\n')) {
    const start = line.match(/^\|\s*(\/?openidm\/workflow\S*)\s*\|\s*([A-Z]+)\s*\|(.*)$/);
    if (start) {
      current = parseUri(start[1], start[2]);
      rows.push(current);
      listKind = undefined;
      jsonDepth = 0;
      const collapse = start[3].match(/Collapse:\s*(.*?)\*\*/);
      if (collapse)
        listKind = /JSON/i.test(collapse[1]) ? 'json' : /field/i.test(collapse[1]) ? 'bodyFields' : 'params';
      continue;
    }
    if (!current) continue;
    if (!line.startsWith('>')) {
      if (!line.startsWith('|')) current = undefined;
      continue;
    }
    const item = line.match(/^>\s*\*\s*`([^`]+)`/);
    if (item && (listKind === 'params' || listKind === 'bodyFields'))
      current[listKind] = [...(current[listKind] ?? []), item[1]];
    if (listKind === 'json') {
      // Top-level keys of the JSON request sample (depth 1 inside the outer braces).
      const jsonKey = line.match(/^>\s*"([^"]+)"\s*:/);
      if (jsonKey && jsonDepth === 1) current.bodyFields = [...(current.bodyFields ?? []), jsonKey[1]];
      jsonDepth += (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
    }
  }
  return rows;
}

/** Parses the curl calls of a seed page. */
function parseCurls(text: string): Call[] {
  const calls: Call[] = [];
  for (const block of text.matchAll(/```\n(curl[\s\S]*?)```/g)) {
    const src = block[1];
    const headers: Record<string, string> = {};
    for (const h of src.matchAll(/--header "([^:]+):\s*([^"]*)"/g)) headers[h[1]] = h[2];
    const method = (src.match(/--request (\w+)/)?.[1] ?? 'GET').toLowerCase() as Method;
    const data = src.match(/--data '([\s\S]*?)'/)?.[1];
    const url = new URL(src.match(/"(http:\/\/localhost:8080[^"]+)"/)?.[1] ?? 'http://localhost:8080/');
    calls.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: data === undefined ? undefined : JSON.parse(data),
    });
  }
  return calls;
}

/** The JSON answers shown after the curl calls (blocks that parse as a CREST query envelope). */
function parseQueryAnswers(text: string): unknown[] {
  const answers: unknown[] = [];
  for (const block of text.matchAll(/```(?:json)?\n(\{[\s\S]*?)```/g)) {
    try {
      const value = JSON.parse(block[1]);
      if (value && typeof value === 'object' && 'resultCount' in value) answers.push(value);
    } catch {
      // not JSON (e.g. the "..." excerpt on the Invoke workflows page)
    }
  }
  return answers;
}

const seedTableText = existsSync(SEED_TABLE_FILE) ? readFileSync(SEED_TABLE_FILE, 'utf8') : undefined;
const seedInvokeText = existsSync(SEED_INVOKE_FILE) ? readFileSync(SEED_INVOKE_FILE, 'utf8') : undefined;

// ---------------------------------------------------------------------------------------------------------- spec lookup

function deref(node: any): any {
  let n = node;
  for (let i = 0; i < 20 && n?.$ref; i++) {
    n = n.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((acc: any, key: string) => acc?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return n;
}

/** The spec path template a concrete or seed path matches: placeholders and ids match `{param}`, other segments literally. */
function findTemplate(method: Method, path: string, seedPlaceholders: boolean): string | undefined {
  const segments = path.split('/');
  const candidates = Object.keys(spec.paths ?? {}).filter((template) => {
    if (!spec.paths[template]?.[method]) return false;
    const parts = template.split('/');
    if (parts.length !== segments.length) return false;
    return parts.every((part, i) => {
      const isParam = /^\{[^}]+\}$/.test(part);
      if (seedPlaceholders) return isParam ? PLACEHOLDERS.has(segments[i]) : part === segments[i];
      return isParam || part === segments[i];
    });
  });
  // Literal segments win over parameters (as in OpenAPI path matching): fewest parameters first.
  candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  return candidates[0];
}

function parameters(template: string, method: Method): any[] {
  const item = spec.paths[template];
  return [...(item.parameters ?? []), ...(item[method].parameters ?? [])].map(deref);
}

function param(template: string, method: Method, name: string, where = 'query'): any {
  return parameters(template, method).find((p) => p.name === name && p.in === where);
}

function enumOf(p: any): string[] {
  return deref(p?.schema)?.enum ?? [];
}

function requestSchema(template: string, method: Method): any {
  return deref(deref(spec.paths[template][method].requestBody)?.content?.['application/json']?.schema);
}

/** Properties a body schema declares, through `$ref`, `allOf` and `anyOf`. */
function bodyProperties(schema: any): Set<string> {
  const out = new Set<string>();
  const walk = (s: any) => {
    const n = deref(s);
    if (!n) return;
    for (const key of Object.keys(n.properties ?? {})) out.add(key);
    for (const sub of [...(n.allOf ?? []), ...(n.anyOf ?? []), ...(n.oneOf ?? [])]) walk(sub);
  };
  walk(schema);
  return out;
}

/** What is wrong with the spec's coverage of one row (empty when covered). */
function rowProblems(row: Row): string[] {
  const label = `${row.method.toUpperCase()} ${row.path}${row.action ? `?_action=${row.action}` : ''}${
    row.queryId ? `?_queryId=${row.queryId}` : ''
  }${row.queryFilter ? `?_queryFilter=${row.queryFilter}` : ''}`;
  const template = findTemplate(row.method, row.path, true);
  if (!template) return [`${label}: no operation for this method and path`];
  const problems: string[] = [];
  if (row.action && !enumOf(param(template, row.method, '_action')).includes(row.action))
    problems.push(`${label}: _action enum of ${row.method.toUpperCase()} ${template} lacks '${row.action}'`);
  if (row.queryId && !enumOf(param(template, row.method, '_queryId')).includes(row.queryId))
    problems.push(`${label}: _queryId enum of GET ${template} lacks '${row.queryId}'`);
  if (row.queryFilter && !param(template, row.method, '_queryFilter'))
    problems.push(`${label}: GET ${template} has no _queryFilter parameter`);
  for (const name of row.params ?? [])
    if (!param(template, row.method, name)) problems.push(`${label}: filter parameter '${name}' missing`);
  if (row.bodyFields) {
    const op = spec.paths[template][row.method];
    const schema = row.action ? deref(op['x-wfkit-action-bodies']?.[row.action]) : requestSchema(template, row.method);
    const props = bodyProperties(schema);
    for (const field of row.bodyFields) if (!props.has(field)) problems.push(`${label}: body field '${field}' missing`);
  }
  return problems;
}

function callProblems(call: Call): string[] {
  const label = `${call.method.toUpperCase()} ${call.path}?${new URLSearchParams(call.query)}`;
  const template = findTemplate(call.method, call.path, false);
  if (!template) return [`${label}: no operation`];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(call.query)) {
    const p = param(template, call.method, name);
    if (!p) problems.push(`${label}: query parameter '${name}' missing`);
    else if (p.schema && enumOf(p).length && !enumOf(p).includes(value))
      problems.push(`${label}: '${value}' is not in the ${name} enum`);
  }
  const schemes = spec.components?.securitySchemes ?? {};
  const op = spec.paths[template][call.method];
  const security: Record<string, string[]>[] = op.security ?? spec.security ?? [];
  for (const [name, value] of Object.entries(call.headers)) {
    if (name === 'Content-Type') continue;
    const scheme = Object.entries<any>(schemes).find(([, s]) => s.in === 'header' && s.name === name);
    if (scheme) {
      if (!security.some((req) => scheme[0] in req)) problems.push(`${label}: security does not use header ${name}`);
      continue;
    }
    const p = param(template, call.method, name, 'header');
    if (!p) problems.push(`${label}: header '${name}' is neither a parameter nor a security scheme`);
    else if (p.schema?.pattern && !new RegExp(p.schema.pattern, 'u').test(value))
      problems.push(`${label}: header ${name}: '${value}' does not match ${p.schema.pattern}`);
  }
  if (call.body !== undefined) {
    const validate = ajv.compile({
      $ref: `idm#/paths/${template.replace(/\//g, '~1')}/${call.method}/requestBody/content/application~1json/schema`,
    });
    if (!validate(call.body))
      problems.push(`${label}: body ${JSON.stringify(call.body)}: ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(spec, 'idm');

// ---------------------------------------------------------------------------------------------------------- tests

describe('idm spec coverage', () => {
  it('keeps the embedded endpoint table equal to the seed page', () => {
    expect(ROWS).toHaveLength(53);
    if (!seedTableText) return; // CI without shared/: the embedded table is checked by the other tests
    const parsed = parseSeedTable(seedTableText);
    expect(parsed).toHaveLength(53);
    expect(parsed).toEqual(ROWS);
  });

  it('covers every row of the IDM endpoint table', () => {
    const rows = seedTableText ? parseSeedTable(seedTableText) : ROWS;
    const missing = [...rows, ...ROWS].flatMap(rowProblems);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('has one operation per method and path, with a unique operationId', () => {
    const ids = new Set<string>();
    const duplicates: string[] = [];
    for (const item of Object.values<any>(spec.paths))
      for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
        const id = item[method]?.operationId;
        if (!item[method]) continue;
        if (!id || ids.has(id)) duplicates.push(String(id));
        ids.add(id);
      }
    expect(duplicates).toEqual([]);
    // 36 workflow operations (the 53 rows of the endpoint table) and 7 managed object operations.
    expect(ids.size).toBe(43);
  });

  it('accepts the curl calls of the seed pages verbatim', () => {
    const parsed = [
      ...(seedTableText ? parseCurls(seedTableText) : []),
      ...(seedInvokeText ? parseCurls(seedInvokeText) : []),
    ];
    if (seedTableText && seedInvokeText) expect(parsed).toEqual(CALLS);
    expect([...parsed, ...CALLS].flatMap(callProblems)).toEqual([]);
  });

  it('gives the seed answer to query-all-ids as a verbatim example', () => {
    const answers = seedTableText ? parseQueryAnswers(seedTableText) : [SEED_QUERY_ALL_IDS_ANSWER];
    expect(answers).toEqual([SEED_QUERY_ALL_IDS_ANSWER]);
    const media = spec.paths['/openidm/workflow/processdefinition'].get.responses['200'].content['application/json'];
    const values = Object.values<any>(media.examples).map((e) => deref(e).value);
    for (const answer of answers) expect(values).toContainEqual(answer);
  });

  it('refuses a process instance create without _key or _processDefinitionId', () => {
    const validate = ajv.compile({ $ref: 'idm#/components/schemas/ProcessInstanceCreateRequest' });
    expect(validate({ foo: 'bar' })).toBe(false);
    expect(validate({ _processDefinitionId: 'contractorOnboarding:1:5', foo: 'bar' })).toBe(true);
    expect(validate({ _key: 'contractorOnboarding', _processDefinitionId: 'contractorOnboarding:1:5' })).toBe(true);
  });

  it('maps every action to its request body with x-wfkit-action-bodies', () => {
    const problems: string[] = [];
    for (const [template, item] of Object.entries<any>(spec.paths)) {
      for (const method of ['post', 'put'] as Method[]) {
        const op = item[method];
        if (!op) continue;
        const actions = enumOf(param(template, method, '_action'));
        const bodies = op['x-wfkit-action-bodies'] ?? {};
        const label = `${method.toUpperCase()} ${template}`;
        if (!op.requestBody) {
          if (Object.keys(bodies).length) problems.push(`${label}: action bodies without a requestBody`);
          continue;
        }
        const schema = deref(op.requestBody).content['application/json'].schema;
        const alternatives = (schema.anyOf ?? [schema]).map((s: any) => s.$ref);
        for (const action of actions) {
          const ref = bodies[action]?.$ref;
          if (!ref) problems.push(`${label}: no x-wfkit-action-bodies entry for '${action}'`);
          else if (!alternatives.includes(ref))
            problems.push(`${label}: ${ref} ('${action}') is not in the body's anyOf`);
        }
        for (const action of Object.keys(bodies))
          if (!actions.includes(action))
            problems.push(`${label}: x-wfkit-action-bodies has unknown action '${action}'`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses the CREST conventions on every operation', () => {
    const problems: string[] = [];
    const crestQuery = [
      '_queryFilter',
      '_pageSize',
      '_pagedResultsOffset',
      '_pagedResultsCookie',
      '_totalPagedResultsPolicy',
      '_sortKeys',
      '_fields',
      '_prettyPrint',
    ];
    for (const [template, item] of Object.entries<any>(spec.paths)) {
      for (const method of ['get', 'put', 'post', 'delete'] as Method[]) {
        const op = item[method];
        if (!op) continue;
        const label = `${method.toUpperCase()} ${template}`;
        if (!param(template, method, 'Accept-API-Version', 'header')) problems.push(`${label}: no Accept-API-Version`);
        const security = JSON.stringify(op.security ?? spec.security);
        if (security !== JSON.stringify([{ idmUsername: [], idmPassword: [] }]))
          problems.push(`${label}: security is not X-OpenIDM-Username + X-OpenIDM-Password`);
        for (const status of ['401', '403', '500'])
          if (!op.responses[status]) problems.push(`${label}: no ${status} response`);
        const isQuery = method === 'get' && !/\}$/.test(template);
        if (isQuery) {
          for (const name of crestQuery)
            if (!param(template, method, name)) problems.push(`${label}: query parameter ${name} missing`);
          const ok = deref(op.responses['200']?.content?.['application/json']?.schema);
          if (ok?.allOf?.[0]?.$ref !== '#/components/schemas/QueryEnvelope')
            problems.push(`${label}: 200 is not a CREST query envelope`);
        }
        if (method === 'put' || method === 'delete') {
          if (!param(template, method, 'If-Match', 'header')) problems.push(`${label}: no If-Match`);
          if (!op.responses['412']) problems.push(`${label}: no 412 response`);
        }
        if (op.responses['201'] && !op.responses['201'].headers?.Location)
          problems.push(`${label}: 201 without Location`);
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (Number(status) < 400) continue;
          const schema = deref(response).content?.['application/json']?.schema;
          if (schema?.$ref !== '#/components/schemas/CrestError')
            problems.push(`${label}: ${status} is not a CREST error`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(spec.paths['/openidm/workflow/processinstance'].post.responses['201']).toBeDefined();
    expect(spec.paths['/openidm/workflow/processdefinition/{id}'].delete.responses['409']).toBeDefined();
  });
});
