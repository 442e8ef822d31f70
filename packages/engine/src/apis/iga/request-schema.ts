/**
 * A request type's schema blocks (`schemas.common`, `schemas.custom`: `[{_meta: {properties: {<name>: {isRequired,
 * isMultiValue, …}}}, properties: {<name>: {type}}}]`) as a check of what a submitted request carries: every property
 * must be one of the blocks', of its type (`text`/`string` a string, `boolean`, `number`/`integer`, `object`, `array`;
 * `isMultiValue` a list of them), and the `isRequired` ones present.
 *
 * wfkit: Ping documents the block format (request type objects) but not how a submitted request is checked against
 * it; unknown properties being refused is inferred from "Only schema properties … can change" of request updates.
 */

export interface SchemaBlock {
  _meta?: { properties?: Record<string, { isRequired?: boolean; isMultiValue?: boolean }> };
  properties?: Record<string, { type?: string }>;
}

export interface SchemaProblem {
  step: null;
  field: string;
  rule: 'schema';
  message: string;
}

/** The common request properties of the built-in types, for custom types created without a `schemas.common`. */
export const COMMON_REQUEST_SCHEMA: SchemaBlock[] = [
  {
    _meta: { properties: {} },
    properties: {
      justification: { type: 'text' },
      externalRequestId: { type: 'text' },
      priority: { type: 'text' },
      expiryDate: { type: 'text' },
      context: { type: 'object' },
      workflowId: { type: 'text' },
      startDate: { type: 'text' },
      endDate: { type: 'text' },
      isDraft: { type: 'boolean' },
    },
  },
];

function fits(type: string | undefined, v: unknown): boolean {
  switch (type) {
    case 'text':
    case 'string':
    case 'date':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return Number.isInteger(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    default:
      return true; // a form type wfkit does not know: any JSON value
  }
}

/** What is wrong with `values` (an object of the request: `common` or `custom`) for `blocks`, at `at`. */
export function checkAgainst(values: unknown, blocks: readonly SchemaBlock[], at: string): SchemaProblem[] {
  const problem = (field: string, message: string): SchemaProblem => ({ step: null, field, rule: 'schema', message });
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return [problem(at, 'must be an object')];
  const known = new Map<string, { type?: string; required: boolean; multi: boolean }>();
  for (const b of blocks)
    for (const [name, p] of Object.entries(b.properties ?? {})) {
      const meta = b._meta?.properties?.[name] ?? {};
      known.set(name, { type: p?.type, required: meta.isRequired === true, multi: meta.isMultiValue === true });
    }
  const out: SchemaProblem[] = [];
  const v = values as Record<string, unknown>;
  for (const [name, value] of Object.entries(v)) {
    const p = known.get(name);
    if (!p) {
      out.push(problem(`${at}/${name}`, `is not a property of this request type (${[...known.keys()].join(', ')})`));
      continue;
    }
    if (value === null) continue;
    const ok = p.multi ? Array.isArray(value) && value.every((x) => fits(p.type, x)) : fits(p.type, value);
    if (!ok) out.push(problem(`${at}/${name}`, `must be ${p.multi ? 'a list of ' : ''}${p.type ?? 'a value'}`));
  }
  for (const [name, p] of known)
    if (p.required && (v[name] === undefined || v[name] === null || v[name] === ''))
      out.push(problem(`${at}/${name}`, 'is required'));
  return out;
}
