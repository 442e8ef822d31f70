/**
 * What no API can store, whatever its spec says: NUL characters (PostgreSQL text refuses them), lone UTF-16
 * surrogates (not encodable as UTF-8: they would be stored changed), integers beyond ±2^53 (they lose precision, and a
 * database integer column refuses them), `__proto__` keys (an object spread or assign elsewhere would turn them into a
 * prototype) and bodies nested deeper than anyone writes by hand. The validation layer refuses them with a 400 for
 * every operation, before a handler runs; this module finds them.
 */
import type { ValidationIssue } from './api-module.js';

/** JSON nesting deeper than this is refused (a recursive walk of it could exhaust the stack). */
export const MAX_JSON_DEPTH = 64;

// Tested first so well-formed text costs one regex pass.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what it looks for.
const SUSPECT = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored, or undefined when it can. */
export function unsafeStringReason(s: string): string | undefined {
  if (!SUSPECT.test(s)) return undefined;
  if (s.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(s)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function toField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/**
 * Walks a parsed JSON value without recursion and reports the first few values that cannot be stored.
 * `prefix` is the pointer of the value itself (`/name` for a parameter).
 */
export function unsafeValueIssues(
  value: unknown,
  location: ValidationIssue['in'],
  prefix = '',
  fieldPrefix?: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const issue = (pointer: string, message: string, keyword: string) => {
    const rel = toField(pointer.slice(prefix.length) || '');
    const field =
      fieldPrefix === undefined
        ? toField(pointer)
        : !rel
          ? fieldPrefix
          : rel.startsWith('[')
            ? fieldPrefix + rel
            : `${fieldPrefix}.${rel}`;
    issues.push({ in: location, field, pointer, message, keyword });
  };
  // Pointers are built only for the values reported: building one per value cost most of the walk on large bodies.
  interface Node {
    v: unknown;
    parent: Node | undefined;
    key: string;
    depth: number;
  }
  const pointerOf = (n: Node): string => {
    const parts: string[] = [];
    for (let at: Node | undefined = n; at?.parent; at = at.parent) parts.push(escapePointer(at.key));
    return prefix + (parts.length ? `/${parts.reverse().join('/')}` : '');
  };
  const stack: Node[] = [{ v: value, parent: undefined, key: '', depth: 0 }];
  while (stack.length > 0 && issues.length < 10) {
    const node = stack.pop()!;
    const { v, depth } = node;
    if (typeof v === 'string') {
      const reason = unsafeStringReason(v);
      if (reason) issue(pointerOf(node), reason, 'unsafe-string');
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) issue(pointerOf(node), 'must be a finite number', 'maximum');
      else if (Number.isInteger(v) && !Number.isSafeInteger(v))
        issue(pointerOf(node), `must be between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`, 'maximum');
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) {
        issue(pointerOf(node), `is nested deeper than ${MAX_JSON_DEPTH} levels`, 'maxDepth');
        continue;
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], parent: node, key: String(i), depth: depth + 1 });
      } else {
        for (const key of Object.keys(v)) {
          const reason = key === '__proto__' ? 'is not an allowed property name' : unsafeStringReason(key);
          if (reason) {
            const at = { v: undefined, parent: node, key, depth: depth + 1 };
            issue(pointerOf(at), reason, key === '__proto__' ? 'propertyNames' : 'unsafe-string');
            continue;
          }
          stack.push({ v: (v as Record<string, unknown>)[key], parent: node, key, depth: depth + 1 });
        }
      }
    }
  }
  return issues;
}

/** Number bounds of an integer parameter: its schema's, else 32-bit (64-bit within ±2^53 for `format: int64`). */
export function integerBounds(schema: Record<string, unknown>): { min: number; max: number } | undefined {
  const type = schema.type;
  const isInteger = type === 'integer' || (Array.isArray(type) && type.includes('integer'));
  const isNumber = type === 'number' || (Array.isArray(type) && type.includes('number'));
  if (!isInteger && !isNumber) return undefined;
  const wide = schema.format === 'int64' || isNumber;
  const min = typeof schema.minimum === 'number' ? schema.minimum : wide ? -Number.MAX_SAFE_INTEGER : -(2 ** 31);
  const max = typeof schema.maximum === 'number' ? schema.maximum : wide ? Number.MAX_SAFE_INTEGER : 2 ** 31 - 1;
  return { min, max };
}

/** Reads a body as text, refusing it as soon as it passes `limit` bytes (Content-Length first, then while streaming). */
export async function readBodyText(
  request: Request,
  limit: number,
): Promise<{ ok: true; text: string } | { ok: false; bytes: number }> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit)
    return { ok: false, bytes: Number(declared) };
  if (declared !== null && /^\d+$/.test(declared)) {
    // A declared length within the limit is the whole body (the HTTP parser holds a peer to it): read it at once,
    // which the Node adapter does without a web stream (so `body` is not touched first). Checked again for a Request
    // built in process, which could declare less than it holds.
    const text = await request.text();
    const bytes = text.length * 3 <= limit ? 0 : new TextEncoder().encode(text).byteLength;
    return bytes > limit ? { ok: false, bytes } : { ok: true, text };
  }
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      // Stop reading: what was read is dropped, the rest is never buffered (the server closes the connection).
      reader.cancel().catch(() => {});
      return { ok: false, bytes };
    }
    text += decoder.decode(value, { stream: true });
  }
  return { ok: true, text: text + decoder.decode() };
}

/** Whether a Content-Type names JSON (`application/json`, `application/*+json`, with any parameters). */
export function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(type);
}
