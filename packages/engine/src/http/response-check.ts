/**
 * For API test suites: checks a Response against the spec's response schema for its operation and status, so a
 * suite can assert that every answer validates against the spec.
 */
import type { ApiModule } from './api-module.js';
import { deref, type MediaType } from './openapi.js';
import { OperationTable } from './operations.js';
import { SpecValidator, toIssues } from './validate.js';

const checkers = new WeakMap<object, { table: OperationTable; validator: SpecValidator }>();

function checkerFor(module: Pick<ApiModule, 'spec' | 'basePath'>) {
  let c = checkers.get(module.spec);
  if (!c) {
    c = { table: new OperationTable(module.spec, module.basePath), validator: new SpecValidator(module.spec) };
    checkers.set(module.spec, c);
  }
  return c;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Returns the ways the response departs from the spec (empty when it conforms): an undocumented status, a body that
 * fails the schema, a missing body. Reads a clone, so the response stays usable.
 */
export async function checkResponse(
  module: Pick<ApiModule, 'spec' | 'basePath'>,
  request: Request | { method: string; url: string },
  response: Response,
): Promise<string[]> {
  const { table, validator } = checkerFor(module);
  const url = new URL(request.url, 'http://localhost');
  const relative = table.relative(url.pathname);
  const match = relative === undefined ? undefined : table.match(request.method, relative);
  if (match?.kind !== 'operation') return [`${request.method} ${url.pathname} is not an operation of the spec`];
  const { entry } = match;
  const name = entry.operationId ?? `${entry.method} ${entry.path}`;
  const status = String(response.status);
  const responses = entry.operation.responses ?? {};
  const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((k) => k in responses);
  if (!key) return [`${name}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
  const documented = deref(module.spec, responses[key]) as { content?: Record<string, MediaType> } | undefined;
  const raw = responses[key] as { $ref?: string };
  const base = raw?.$ref?.startsWith('#/') ? raw.$ref.slice(1) : `${entry.pointer}/responses/${escapePointer(key)}`;
  const content = documented?.content ?? {};
  const jsonType = Object.keys(content).find((t) => t === 'application/json' || t.endsWith('+json'));
  const text = await response.clone().text();
  if (!jsonType) return [];
  let pointer = `${base}/content/${escapePointer(jsonType)}/schema`;
  const action = url.searchParams.get('_action');
  const actionResponses = entry.operation['x-wfkit-action-responses'] as Record<string, unknown> | undefined;
  if (action && status === '200' && actionResponses?.[action]) {
    pointer = `${entry.pointer}/x-wfkit-action-responses/${escapePointer(action)}`;
  } else if (!content[jsonType]?.schema) return [];
  if (text.length === 0) return [`${name} ${status}: the spec documents a JSON body, the response has none`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${name} ${status}: the body is not JSON: ${text.slice(0, 100)}`];
  }
  const validate = validator.schemaAt(pointer);
  if (validate(body)) return [];
  return toIssues(validate.errors, 'body').map((i) => `${name} ${status}: ${i.field || '(body)'} ${i.message}`);
}

/** Throws when the response departs from the spec (use inside tests: `await expectMatchesSpec(kontent, req, res)`). */
export async function expectMatchesSpec(
  module: Pick<ApiModule, 'spec' | 'basePath'>,
  request: Request | { method: string; url: string },
  response: Response,
): Promise<void> {
  const problems = await checkResponse(module, request, response);
  if (problems.length > 0) throw new Error(`Response does not match the spec:\n  ${problems.join('\n  ')}`);
}
