/**
 * Run-time evaluation of FLOW templates and condition expressions (grammars in specs/flow.yaml info.description,
 * parsed by references.ts). No eval: references are looked up in a plain data scope, own properties only.
 */
import { type Accessor, type Expr, parseExpression, parseTemplateString, type Reference } from './references.js';

export interface FlowScope {
  state: Record<string, unknown>;
  tasks: Record<string, { output: unknown; status: string; error: unknown; attempts: number }>;
  execution: Record<string, unknown>;
}

const own = (o: unknown, k: string | number): unknown =>
  o !== null && typeof o === 'object' && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k as string] : undefined;

function follow(v: unknown, path: Accessor[]): unknown {
  let cur = v;
  for (const a of path) {
    if (cur === undefined) return undefined;
    cur =
      'key' in a
        ? Array.isArray(cur)
          ? undefined
          : own(cur, a.key)
        : Array.isArray(cur)
          ? own(cur, a.index)
          : undefined;
  }
  return cur;
}

/** The referenced value, or undefined when it does not exist. */
export function resolveReference(ref: Reference, scope: FlowScope): unknown {
  switch (ref.kind) {
    case 'variables':
      return follow(own(scope.state, ref.name), ref.path);
    case 'state':
      return follow(scope.state, ref.path);
    case 'tasks':
      return follow(own(own(scope.tasks, ref.taskId), ref.field), ref.path);
    case 'execution':
      return follow(own(scope.execution, ref.field), ref.path);
  }
}

const asText = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

/** Substitutes templates in every string inside `value` (objects and arrays walked; keys are not templated). */
export function resolveTemplates(value: unknown, scope: FlowScope): unknown {
  if (typeof value === 'string') {
    const parts = parseTemplateString(value);
    if (parts.length === 1 && 'ref' in parts[0]!) return resolveReference(parts[0].ref, scope) ?? null;
    return parts.map((p) => ('ref' in p ? asText(resolveReference(p.ref, scope)) : p.literal)).join('');
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, scope));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, scope)]));
  return value;
}

export const truthy = (v: unknown) => !(v === undefined || v === null || v === false || v === 0 || v === '');

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(own(a, k), own(b, k)));
}

function value(e: Expr, scope: FlowScope): unknown {
  switch (e.type) {
    case 'literal':
      return e.value;
    case 'ref':
      return resolveReference(e.ref, scope);
    case 'or':
      return truthy(value(e.left, scope)) || truthy(value(e.right, scope));
    case 'and':
      return truthy(value(e.left, scope)) && truthy(value(e.right, scope));
    case 'not':
      return !truthy(value(e.operand, scope));
    case 'compare': {
      const l = value(e.left, scope);
      const r = value(e.right, scope);
      if (e.op === '==') return jsonEqual(l, r);
      if (e.op === '!=') return !jsonEqual(l, r);
      const comparable =
        (typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string');
      if (!comparable) return false;
      const a = l as number | string;
      const b = r as number | string;
      return e.op === '<' ? a < b : e.op === '<=' ? a <= b : e.op === '>' ? a > b : a >= b;
    }
  }
}

/** Evaluates a condition expression to true or false; throws FlowSyntaxError when it does not parse. */
export function evaluateCondition(src: string, scope: FlowScope): boolean {
  return truthy(value(parseExpression(src), scope));
}
