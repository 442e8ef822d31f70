/**
 * The CREST `_queryFilter` grammar (ForgeRock commons `QueryFilterParser`) and its in-memory evaluation, for every API
 * that takes CREST queries (IDM, IGA; each with its dialect, dialect.ts):
 *
 *   Expr       = OrExpr
 *   OrExpr     = AndExpr ( 'or' AndExpr )*
 *   AndExpr    = NotExpr ( 'and' NotExpr )*
 *   NotExpr    = '!' PrimaryExpr | PrimaryExpr
 *   PrimaryExpr= '(' Expr ')' | Pointer Op Value | Pointer 'pr' | 'true' | 'false'
 *   Op         = eq | co | sw | lt | le | gt | ge
 *   Value      = "string" | 'string' | true | false | null | number
 *
 * Pointers are JSON pointers with or without the leading `/` (`/name`, `name`, `/processVariables/amount`), dotted
 * too in a dialect that says so. parseFilter returns an AST; a malformed filter throws a CrestQueryError naming the
 * problem and its position. Translating the AST to SQL is the business of the API that owns the tables.
 */
import { type CrestDialect, IDM_DIALECT } from './dialect.js';
import { CrestQueryError } from './errors.js';

export type CompareOp = 'eq' | 'co' | 'sw' | 'lt' | 'le' | 'gt' | 'ge';
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { type: 'literal'; value: boolean }
  | { type: 'and'; children: FilterNode[] }
  | { type: 'or'; children: FilterNode[] }
  | { type: 'not'; child: FilterNode }
  | { type: 'compare'; op: CompareOp; field: string[]; value: FilterValue }
  | { type: 'present'; field: string[] };

const OPS = new Set<string>(['eq', 'co', 'sw', 'lt', 'le', 'gt', 'ge']);

interface Token {
  kind: 'lparen' | 'rparen' | 'bang' | 'string' | 'word';
  text: string;
  value?: string;
  pos: number;
}

function fail(filter: string, message: string): never {
  throw new CrestQueryError(`Invalid _queryFilter '${filter}': ${message}`);
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', text: c, pos: i++ });
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', text: c, pos: i++ });
    } else if (c === '!') {
      tokens.push({ kind: 'bang', text: c, pos: i++ });
    } else if (c === '"' || c === "'") {
      const start = i++;
      let value = '';
      let closed = false;
      while (i < filter.length) {
        const d = filter[i]!;
        if (d === '\\' && i + 1 < filter.length) {
          const e = filter[i + 1]!;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else if (d === c) {
          closed = true;
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      if (!closed) fail(filter, `unterminated string starting at position ${start}`);
      tokens.push({ kind: 'string', text: filter.slice(start, i), value, pos: start });
    } else {
      const start = i;
      while (i < filter.length && !/[\s()"']/.test(filter[i]!)) i++;
      tokens.push({ kind: 'word', text: filter.slice(start, i), pos: start });
    }
  }
  return tokens;
}

/**
 * Splits a JSON pointer (`/a/b`, `a/b`; `a.b` too when `dotted`) into unescaped segments; `onError` for a malformed one.
 */
export function parsePointer(pointer: string, onError: (message: string) => never, dotted = false): string[] {
  const body = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  if (body === '') onError(`'${pointer}' is not a JSON pointer to a field`);
  return body.split(dotted ? /[/.]/ : '/').map((seg) => {
    if (seg === '') onError(`'${pointer}' has an empty segment`);
    if (/~(?![01])/.test(seg)) onError(`'${pointer}' has an invalid escape ('~' must be followed by 0 or 1)`);
    return seg.replace(/~1/g, '/').replace(/~0/g, '~');
  });
}

function parseLiteralValue(filter: string, t: Token): FilterValue {
  if (t.kind === 'string') return t.value!;
  if (t.kind !== 'word') fail(filter, `expected a value at position ${t.pos}, found '${t.text}'`);
  if (t.text === 'true') return true;
  if (t.text === 'false') return false;
  if (t.text === 'null') return null;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t.text)) return Number(t.text);
  return fail(filter, `'${t.text}' at position ${t.pos} is not a value (strings must be quoted)`);
}

export function parseFilter(filter: string, dialect: CrestDialect = IDM_DIALECT): FilterNode {
  const tokens = tokenize(filter);
  if (tokens.length === 0) {
    if (dialect.emptyFilterMatchesAll) return { type: 'literal', value: true };
    fail(filter, 'the filter is empty');
  }
  let p = 0;
  const peek = () => tokens[p];
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text === w;

  const parseOr = (): FilterNode => {
    const children = [parseAnd()];
    while (isWord(peek(), 'or')) {
      p++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  };
  const parseAnd = (): FilterNode => {
    const children = [parseNot()];
    while (isWord(peek(), 'and')) {
      p++;
      children.push(parseNot());
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  };
  const parseNot = (): FilterNode => {
    if (peek()?.kind === 'bang') {
      p++;
      return { type: 'not', child: parsePrimary() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): FilterNode => {
    const t = peek();
    if (!t) return fail(filter, 'unexpected end of the filter');
    if (t.kind === 'lparen') {
      p++;
      const inner = parseOr();
      const close = peek();
      if (close?.kind !== 'rparen')
        fail(filter, close ? `expected ')' at position ${close.pos}, found '${close.text}'` : "missing ')'");
      p++;
      return inner;
    }
    if (t.kind !== 'word') return fail(filter, `unexpected '${t.text}' at position ${t.pos}`);
    const next = tokens[p + 1];
    if (
      (t.text === 'true' || t.text === 'false') &&
      !(next?.kind === 'word' && (OPS.has(next.text) || next.text === 'pr'))
    ) {
      p++;
      return { type: 'literal', value: t.text === 'true' };
    }
    if (['and', 'or'].includes(t.text)) fail(filter, `unexpected '${t.text}' at position ${t.pos}`);
    const field = parsePointer(t.text, (m) => fail(filter, m), dialect.dottedPointers);
    p++;
    const op = peek();
    if (!op) return fail(filter, `expected an operator after '${t.text}'`);
    if (op.kind !== 'word') return fail(filter, `expected an operator at position ${op.pos}, found '${op.text}'`);
    p++;
    if (op.text === 'pr') return { type: 'present', field };
    if (!OPS.has(op.text)) {
      return /^[a-zA-Z_0-9.]+$/.test(op.text)
        ? fail(filter, `the operator '${op.text}' is not supported (eq, co, sw, lt, le, gt, ge, pr)`)
        : fail(filter, `'${op.text}' at position ${op.pos} is not an operator`);
    }
    const v = peek();
    if (!v) return fail(filter, `expected a value after '${t.text} ${op.text}'`);
    p++;
    return { type: 'compare', op: op.text as CompareOp, field, value: parseLiteralValue(filter, v) };
  };

  const ast = parseOr();
  const rest = peek();
  if (rest) fail(filter, `unexpected '${rest.text}' at position ${rest.pos}`);
  return ast;
}

/** True when the filter is the literal `true` (the same as `_queryId=query-all-ids`). */
export function isMatchAll(node: FilterNode): boolean {
  return node.type === 'literal' && node.value;
}

// ------------------------------------------------------------------------------------------------ in memory

/** The value at a parsed pointer (array elements by index), undefined when a segment is missing. */
export function resolve(obj: unknown, field: string[]): unknown {
  let cur = obj;
  for (const seg of field) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) && /^\d+$/.test(seg) ? cur[Number(seg)] : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function compareScalar(op: CompareOp, actual: unknown, expected: FilterValue, ignoreCase: boolean): boolean {
  if (actual instanceof Date) actual = actual.toISOString();
  if (expected === null) return op === 'eq' && actual === null;
  if (actual === null || actual === undefined) return false;
  if (typeof actual !== typeof expected) return false;
  if (ignoreCase && typeof actual === 'string' && (op === 'eq' || op === 'co' || op === 'sw')) {
    actual = actual.toLowerCase();
    expected = (expected as string).toLowerCase();
  }
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'co':
      return typeof actual === 'string' && actual.includes(expected as string);
    case 'sw':
      return typeof actual === 'string' && actual.startsWith(expected as string);
    case 'lt':
      return (actual as never) < (expected as never);
    case 'le':
      return (actual as never) <= (expected as never);
    case 'gt':
      return (actual as never) > (expected as never);
    case 'ge':
      return (actual as never) >= (expected as never);
  }
}

/**
 * An in-memory predicate with CREST semantics: a missing field matches nothing (but `!` of it does), values compare
 * only with values of the same JSON type, strings compare by code point, `eq`/`co`/`sw` are case-sensitive (unless
 * the dialect ignores case), and an array field matches when one of its elements does.
 */
export function filterToPredicate(node: FilterNode, dialect: CrestDialect = IDM_DIALECT): (obj: unknown) => boolean {
  const ignoreCase = dialect.ignoreCase;
  const sub = (n: FilterNode) => filterToPredicate(n, dialect);
  switch (node.type) {
    case 'literal':
      return () => node.value;
    case 'and': {
      const cs = node.children.map(sub);
      return (o) => cs.every((c) => c(o));
    }
    case 'or': {
      const cs = node.children.map(sub);
      return (o) => cs.some((c) => c(o));
    }
    case 'not': {
      const c = sub(node.child);
      return (o) => !c(o);
    }
    case 'present':
      return (o) => {
        const v = resolve(o, node.field);
        return v !== undefined && v !== null;
      };
    case 'compare':
      return (o) => {
        const v = resolve(o, node.field);
        if (Array.isArray(v)) return v.some((x) => compareScalar(node.op, x, node.value, ignoreCase));
        return compareScalar(node.op, v, node.value, ignoreCase);
      };
  }
}
