/**
 * CREST patch (`[{operation, field, value?, from?}]`) on a JSON document, as IDM applies it: `add` creates parents,
 * appends to an array (`/roles/-` or the array itself) and replaces a single value; `remove` drops a field, or the
 * array elements equal to `value` (relationships match by `_ref`); `replace` sets (without `value`: removes);
 * `increment` adds a number; `copy` / `move` take `from`. `transform` needs IDM's script engine: refused.
 */
import { badRequest } from '../crest/errors.js';
import { parsePointer } from '../crest/filter.js';

export interface PatchOperation {
  operation: string;
  field: string;
  value?: unknown;
  from?: string;
}

type Doc = Record<string, unknown>;

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function pointer(text: string, what: string): string[] {
  const path = parsePointer(text, (m) => {
    throw badRequest(`Invalid patch ${what} '${text}': ${m}.`);
  });
  if (path.length === 0) throw badRequest(`The patch ${what} must name a field, got '${text}'.`);
  for (const seg of path) if (FORBIDDEN.has(seg)) throw badRequest(`The patch ${what} '${text}' is not allowed.`);
  return path;
}

/** The container holding the last segment (created when `create`), or undefined. */
function parentOf(doc: Doc, path: string[], create: boolean): Doc | unknown[] | undefined {
  let cur: unknown = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) {
      cur = /^\d+$/.test(seg) ? cur[Number(seg)] : undefined;
      continue;
    }
    const obj = cur as Doc;
    if (obj[seg] === undefined || obj[seg] === null || typeof obj[seg] !== 'object') {
      if (!create) return undefined;
      obj[seg] = {};
    }
    cur = obj[seg];
  }
  return cur !== null && typeof cur === 'object' ? (cur as Doc | unknown[]) : undefined;
}

function read(doc: Doc, path: string[]): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(seg)] : (cur as Doc)[seg];
  }
  return cur;
}

function sameValue(a: unknown, b: unknown): boolean {
  const ref = (v: unknown) => (v && typeof v === 'object' && '_ref' in v ? (v as { _ref: unknown })._ref : undefined);
  if (ref(a) !== undefined || ref(b) !== undefined) return ref(a) === ref(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

function add(doc: Doc, path: string[], value: unknown): void {
  const parent = parentOf(doc, path, true);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else if (/^\d+$/.test(last) && Number(last) <= parent.length) parent.splice(Number(last), 0, value);
    else throw badRequest(`Patch field '/${path.join('/')}' is not an index of its array.`);
    return;
  }
  if (!parent) throw badRequest(`Patch field '/${path.join('/')}' has no parent object.`);
  const current = parent[last];
  if (Array.isArray(current)) {
    for (const v of Array.isArray(value) ? value : [value]) current.push(v);
  } else parent[last] = value;
}

function remove(doc: Doc, path: string[], value: unknown, hasValue: boolean): void {
  const parent = parentOf(doc, path, false);
  if (!parent) return;
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (/^\d+$/.test(last)) parent.splice(Number(last), 1);
    return;
  }
  const current = parent[last];
  if (hasValue && Array.isArray(current)) {
    const drop = Array.isArray(value) ? value : [value];
    parent[last] = current.filter((e) => !drop.some((d) => sameValue(e, d)));
    return;
  }
  if (hasValue && current !== undefined && !sameValue(current, value)) return;
  delete parent[last];
}

function replace(doc: Doc, path: string[], value: unknown, hasValue: boolean): void {
  if (!hasValue) {
    remove(doc, path, undefined, false);
    return;
  }
  const parent = parentOf(doc, path, true);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (!/^\d+$/.test(last) || Number(last) >= parent.length)
      throw badRequest(`Patch field '/${path.join('/')}' is not an element of its array.`);
    parent[Number(last)] = value;
  } else if (parent) parent[last] = value;
}

function increment(doc: Doc, path: string[], value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw badRequest(`The increment of '/${path.join('/')}' needs a number value.`);
  const current = read(doc, path);
  if (typeof current !== 'number') throw badRequest(`Patch field '/${path.join('/')}' is not a number.`);
  replace(doc, path, current + value, true);
}

/** Applies the operations in order to a copy of `doc`; a bad operation is a 400 and nothing is applied. */
export function applyPatch(doc: Doc, operations: readonly PatchOperation[]): Doc {
  const out = structuredClone(doc);
  for (const op of operations) {
    const path = pointer(op.field, 'field');
    const hasValue = Object.hasOwn(op, 'value');
    switch (op.operation) {
      case 'add':
        if (!hasValue) throw badRequest(`The add of '${op.field}' needs a value.`);
        add(out, path, structuredClone(op.value));
        break;
      case 'remove':
        remove(out, path, op.value, hasValue);
        break;
      case 'replace':
        replace(out, path, structuredClone(op.value), hasValue);
        break;
      case 'increment':
        increment(out, path, op.value);
        break;
      case 'copy':
      case 'move': {
        if (typeof op.from !== 'string') throw badRequest(`The ${op.operation} to '${op.field}' needs a from field.`);
        const from = pointer(op.from, 'from');
        const value = read(out, from);
        if (value === undefined) throw badRequest(`The ${op.operation} source '${op.from}' does not exist.`);
        if (op.operation === 'move') remove(out, from, undefined, false);
        replace(out, path, structuredClone(value), true);
        break;
      }
      case 'transform':
        throw badRequest('The transform patch operation needs a script; this server does not run patch scripts.');
      default:
        throw badRequest(`Unknown patch operation '${op.operation}'.`);
    }
  }
  return out;
}
