/**
 * IDM's policy check of a managed object before it is written: required properties (`REQUIRED`), JSON types
 * (`VALID_TYPE`), relationship references (`VALID_REFERENCE`). A failure is IDM's 403 "Policy validation failed"
 * with `detail.failedPolicyRequirements`, one entry per property.
 */
import { CrestError } from '../crest/errors.js';
import type { JsonType, ObjectSpec, PropertySpec } from './schema.js';

export interface PolicyFailure {
  property: string;
  policyRequirements: { policyRequirement: string; params?: Record<string, unknown> }[];
}

export function policyError(failures: PolicyFailure[]): CrestError {
  return new CrestError(403, 'Policy validation failed', { result: false, failedPolicyRequirements: failures });
}

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

function hasType(p: PropertySpec, v: unknown): boolean {
  const t = typeOf(v);
  return p.types.includes(t) || (t === 'integer' && p.types.includes('number'));
}

/** A reference `{_ref: 'managed/role/<id>', _refProperties?}`; answers [collection, id] or a failure reason. */
export function parseRef(p: PropertySpec, v: unknown): [string, string] | string {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'a reference must be an object with _ref';
  const ref = (v as { _ref?: unknown })._ref;
  if (typeof ref !== 'string') return 'a reference needs a _ref string';
  const i = ref.lastIndexOf('/');
  // AIC's realm-prefixed collections (`managed/alpha_role`) are the plain ones.
  const collection = ref.slice(0, i).replace(/^managed\/(alpha|bravo)_/, 'managed/');
  const id = ref.slice(i + 1);
  if (i <= 0 || !id || !p.relationship!.collections.includes(collection))
    return `_ref '${ref}' is not in ${p.relationship!.collections.join(' or ')}`;
  const props = (v as { _refProperties?: unknown })._refProperties;
  if (props !== undefined && (props === null || typeof props !== 'object' || Array.isArray(props)))
    return '_refProperties must be an object';
  return [collection, id];
}

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Checks a whole object (plain properties and the relationships present); throws the 403 on the first problems. */
export function checkPolicies(spec: ObjectSpec, doc: Record<string, unknown>, relationshipsPresent: boolean): void {
  const failures: PolicyFailure[] = [];
  const fail = (property: string, policyRequirement: string, params?: Record<string, unknown>) =>
    failures.push({ property, policyRequirements: [{ policyRequirement, ...(params ? { params } : {}) }] });
  for (const r of spec.required) {
    const p = spec.properties.get(r)!;
    if (p.relationship && !relationshipsPresent) continue;
    if (empty(doc[r])) fail(r, 'REQUIRED');
  }
  for (const [name, v] of Object.entries(doc)) {
    const p = spec.properties.get(name);
    if (!p || v === undefined || (v === null && !p.relationship && spec.required.includes(name))) continue;
    if (!p.relationship) {
      if (!hasType(p, v)) fail(name, 'VALID_TYPE', { types: p.types });
      continue;
    }
    if (v === null && !p.many) continue;
    const refs = p.many ? v : [v];
    if (!Array.isArray(refs)) {
      fail(name, 'VALID_TYPE', { types: ['array'] });
      continue;
    }
    for (const ref of refs) {
      const parsed = parseRef(p, ref);
      if (typeof parsed === 'string') {
        fail(name, 'VALID_REFERENCE', { reason: parsed });
        break;
      }
    }
  }
  if (failures.length) throw policyError(failures);
}
