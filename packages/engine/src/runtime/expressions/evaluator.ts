/**
 * Evaluates parsed JUEL-subset expressions over process variables. Walks the AST itself: no eval, no new Function,
 * and only own properties of plain data are reachable (`constructor`, `__proto__`, `prototype` are refused).
 */
import { ExpressionError, type Node, parseTemplate } from './parser.js';

/** An object the host exposes to expressions: only the listed methods and properties are reachable. */
export class HostObject {
  constructor(
    readonly methods: Readonly<Record<string, (...args: unknown[]) => unknown>>,
    readonly props: Readonly<Record<string, unknown>> = {},
  ) {}
}

export interface ExpressionContext {
  /** Looks a top-level identifier up (process variables, then host objects). */
  resolve(name: string): { found: boolean; value?: unknown };
  /** Top-level functions such as `${fn(x)}`. */
  functions?: Readonly<Record<string, (...args: unknown[]) => unknown>>;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__lookupGetter__']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date || v instanceof HostObject)
    return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'date';
  if (v instanceof HostObject) return 'object';
  return typeof v;
}

export function coerceToBoolean(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.toLowerCase() === 'true';
  throw new ExpressionError(`Cannot coerce ${typeName(v)} to boolean`);
}

function coerceToNumber(v: unknown): number {
  if (v === null || v === undefined || v === '') return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') throw new ExpressionError('Cannot coerce boolean to number');
  if (typeof v === 'string') {
    const n = Number(v.trim());
    if (v.trim() === '' || Number.isNaN(n)) throw new ExpressionError(`Cannot coerce '${v}' to a number`);
    return n;
  }
  if (v instanceof Date) return v.getTime();
  throw new ExpressionError(`Cannot coerce ${typeName(v)} to a number`);
}

function isNumeric(v: unknown): boolean {
  return typeof v === 'number';
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a instanceof Date || b instanceof Date) {
    const x = a instanceof Date ? a.getTime() : typeof a === 'string' ? Date.parse(a) : a;
    const y = b instanceof Date ? b.getTime() : typeof b === 'string' ? Date.parse(b) : b;
    return x === y;
  }
  if (isNumeric(a) || isNumeric(b)) {
    try {
      return coerceToNumber(a) === coerceToNumber(b);
    } catch {
      return false;
    }
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    try {
      return coerceToBoolean(a) === coerceToBoolean(b);
    } catch {
      return false;
    }
  }
  if (typeof a === 'string' || typeof b === 'string') return String(a) === String(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(a: unknown, b: unknown): number {
  if (a === null || a === undefined || b === null || b === undefined) {
    throw new ExpressionError('Cannot compare null');
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = coerceToNumber(a);
  const y = coerceToNumber(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

function getProperty(obj: unknown, prop: unknown): unknown {
  const key = typeof prop === 'number' ? prop : String(prop);
  if (typeof key === 'string' && FORBIDDEN.has(key)) throw new ExpressionError(`Access to '${key}' is not allowed`);
  if (obj === null || obj === undefined) throw new ExpressionError(`Cannot read property '${key}' of null`);
  if (Array.isArray(obj)) {
    const i = typeof key === 'number' ? key : Number(key);
    if (!Number.isInteger(i)) throw new ExpressionError(`Cannot read property '${key}' of a list`);
    if (i < 0 || i >= obj.length) throw new ExpressionError(`Index ${i} out of bounds`);
    return obj[i];
  }
  if (obj instanceof HostObject) {
    if (Object.hasOwn(obj.props, key)) return obj.props[key as string];
    throw new ExpressionError(`Unknown property '${key}'`);
  }
  if (isPlainObject(obj)) {
    return Object.hasOwn(obj, key) ? obj[key as string] : null;
  }
  throw new ExpressionError(`Cannot read property '${key}' of ${typeName(obj)}`);
}

function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function argStr(args: unknown[], i: number): string {
  return str(args[i]);
}
function argInt(args: unknown[], i: number): number {
  return Math.trunc(coerceToNumber(args[i]));
}

const STRING_METHODS: Record<string, (s: string, a: unknown[]) => unknown> = {
  equals: (s, a) => s === a[0],
  equalsIgnoreCase: (s, a) => typeof a[0] === 'string' && s.toLowerCase() === a[0].toLowerCase(),
  contains: (s, a) => s.includes(argStr(a, 0)),
  startsWith: (s, a) => s.startsWith(argStr(a, 0)),
  endsWith: (s, a) => s.endsWith(argStr(a, 0)),
  length: (s) => s.length,
  isEmpty: (s) => s.length === 0,
  toUpperCase: (s) => s.toUpperCase(),
  toLowerCase: (s) => s.toLowerCase(),
  trim: (s) => s.trim(),
  substring: (s, a) => (a.length > 1 ? s.substring(argInt(a, 0), argInt(a, 1)) : s.substring(argInt(a, 0))),
  indexOf: (s, a) => s.indexOf(argStr(a, 0)),
  lastIndexOf: (s, a) => s.lastIndexOf(argStr(a, 0)),
  charAt: (s, a) => s.charAt(argInt(a, 0)),
  concat: (s, a) => s + argStr(a, 0),
  replace: (s, a) => s.split(argStr(a, 0)).join(argStr(a, 1)),
  split: (s, a) => s.split(argStr(a, 0)),
  toString: (s: string) => s,
  hashCode: (s) => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return h;
  },
};

const LIST_METHODS: Record<string, (l: unknown[], a: unknown[]) => unknown> = {
  size: (l) => l.length,
  isEmpty: (l) => l.length === 0,
  contains: (l, a) => l.some((x) => looseEquals(x, a[0])),
  get: (l, a) => getProperty(l, argInt(a, 0)),
  indexOf: (l, a) => l.findIndex((x) => looseEquals(x, a[0])),
  equals: (l, a) => JSON.stringify(l) === JSON.stringify(a[0]),
};

const MAP_METHODS: Record<string, (m: Record<string, unknown>, a: unknown[]) => unknown> = {
  get: (m, a) => getProperty(m, argStr(a, 0)),
  containsKey: (m, a) => Object.hasOwn(m, argStr(a, 0)),
  size: (m) => Object.keys(m).length,
  isEmpty: (m) => Object.keys(m).length === 0,
  keySet: (m) => Object.keys(m),
  values: (m) => Object.values(m),
  equals: (m, a) => JSON.stringify(m) === JSON.stringify(a[0]),
};

function callMethod(obj: unknown, name: string, args: unknown[]): unknown {
  if (FORBIDDEN.has(name)) throw new ExpressionError(`Access to '${name}' is not allowed`);
  if (obj === null || obj === undefined) throw new ExpressionError(`Cannot call '${name}' on null`);
  let fn: ((...x: any[]) => unknown) | undefined;
  if (typeof obj === 'string') fn = Object.hasOwn(STRING_METHODS, name) ? STRING_METHODS[name] : undefined;
  else if (Array.isArray(obj)) fn = Object.hasOwn(LIST_METHODS, name) ? LIST_METHODS[name] : undefined;
  else if (obj instanceof HostObject) {
    const m = Object.hasOwn(obj.methods, name) ? obj.methods[name] : undefined;
    if (m) return m(...args);
  } else if (isPlainObject(obj)) fn = Object.hasOwn(MAP_METHODS, name) ? MAP_METHODS[name] : undefined;
  else if (typeof obj === 'number') {
    if (name === 'intValue' || name === 'longValue') return Math.trunc(obj);
    if (name === 'doubleValue' || name === 'floatValue') return obj;
    if (name === 'toString') return String(obj);
    if (name === 'equals') return looseEquals(obj, args[0]) && typeof args[0] === 'number';
  } else if (typeof obj === 'boolean') {
    if (name === 'booleanValue') return obj;
    if (name === 'toString') return String(obj);
    if (name === 'equals') return obj === args[0];
  } else if (obj instanceof Date) {
    if (name === 'getTime') return obj.getTime();
    if (name === 'before') return obj.getTime() < coerceToNumber(args[0]);
    if (name === 'after') return obj.getTime() > coerceToNumber(args[0]);
    if (name === 'toString') return obj.toISOString();
    if (name === 'equals') return looseEquals(obj, args[0]);
  }
  if (!fn) throw new ExpressionError(`Unknown method '${name}' on ${typeName(obj)}`);
  return fn(obj, args);
}

export function evaluateNode(n: Node, ctx: ExpressionContext): unknown {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'id': {
      if (FORBIDDEN.has(n.name)) throw new ExpressionError(`Access to '${n.name}' is not allowed`);
      const r = ctx.resolve(n.name);
      if (!r.found) throw new ExpressionError(`Unknown property used in expression: '${n.name}'`);
      return r.value ?? null;
    }
    case 'member':
      return getProperty(evaluateNode(n.obj, ctx), n.prop);
    case 'index': {
      const obj = evaluateNode(n.obj, ctx);
      const idx = evaluateNode(n.index, ctx);
      return getProperty(obj, typeof idx === 'number' ? idx : str(idx));
    }
    case 'call': {
      const args = n.args.map((a) => evaluateNode(a, ctx));
      if (n.obj === null) {
        const f = ctx.functions && Object.hasOwn(ctx.functions, n.name) ? ctx.functions[n.name] : undefined;
        if (!f) throw new ExpressionError(`Unknown function '${n.name}'`);
        return f(...args);
      }
      return callMethod(evaluateNode(n.obj, ctx), n.name, args);
    }
    case 'list':
      return n.items.map((i) => evaluateNode(i, ctx));
    case 'unary': {
      const v = evaluateNode(n.arg, ctx);
      if (n.op === '!') return !coerceToBoolean(v);
      if (n.op === 'empty') return isEmpty(v);
      return -coerceToNumber(v);
    }
    case 'and':
      return coerceToBoolean(evaluateNode(n.left, ctx)) && coerceToBoolean(evaluateNode(n.right, ctx));
    case 'or':
      return coerceToBoolean(evaluateNode(n.left, ctx)) || coerceToBoolean(evaluateNode(n.right, ctx));
    case 'cond':
      return coerceToBoolean(evaluateNode(n.test, ctx)) ? evaluateNode(n.yes, ctx) : evaluateNode(n.no, ctx);
    case 'bin': {
      const a = evaluateNode(n.left, ctx);
      const b = evaluateNode(n.right, ctx);
      switch (n.op) {
        case '==':
          return looseEquals(a, b);
        case '!=':
          return !looseEquals(a, b);
        case '<':
          return compare(a, b) < 0;
        case '>':
          return compare(a, b) > 0;
        case '<=':
          return compare(a, b) <= 0;
        case '>=':
          return compare(a, b) >= 0;
        case '+':
          return coerceToNumber(a) + coerceToNumber(b);
        case '-':
          return coerceToNumber(a) - coerceToNumber(b);
        case '*':
          return coerceToNumber(a) * coerceToNumber(b);
        case '/': {
          const d = coerceToNumber(b);
          if (d === 0) throw new ExpressionError('Division by zero');
          return coerceToNumber(a) / d;
        }
        case '%': {
          const d = coerceToNumber(b);
          if (d === 0) throw new ExpressionError('Division by zero');
          return coerceToNumber(a) % d;
        }
      }
      throw new ExpressionError(`Unknown operator ${n.op}`);
    }
  }
}

/** Evaluates a template: a single `${expr}` gives its value; mixed text gives a string. */
export function evaluate(src: string, ctx: ExpressionContext): unknown {
  const tpl = parseTemplate(src);
  if (tpl.single) return evaluateNode(tpl.parts[0] as Node, ctx);
  return tpl.parts.map((p) => (typeof p === 'string' ? p : str(evaluateNode(p, ctx)))).join('');
}

/** Evaluates a condition; the result is coerced to boolean as JUEL does. */
export function evaluateCondition(src: string, ctx: ExpressionContext): boolean {
  return coerceToBoolean(evaluate(src, ctx));
}

/** A context over a plain variables object (own properties only). */
export function variablesContext(
  vars: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  functions?: ExpressionContext['functions'],
): ExpressionContext {
  return {
    resolve(name) {
      if (Object.hasOwn(vars, name)) return { found: true, value: vars[name] };
      if (Object.hasOwn(extra, name)) return { found: true, value: extra[name] };
      return { found: false };
    },
    functions,
  };
}
