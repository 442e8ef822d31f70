/**
 * CREST `_queryFilter`, `_sortKeys` and `_fields` over JSON objects (definitions and request types are few: filtered in
 * memory). Grammar: or / and / `!` / parentheses, `<pointer> (eq|co|sw|gt|ge|lt|le) <value>`, `<pointer> pr`, `true`,
 * `false`; pointers as `a/b`, `/a/b` or `a.b`; values "string", 'string', numbers, true, false, null.
 */

export class QueryError extends Error {}

type Value = string | number | boolean | null;
type Node =
  | { t: 'lit'; v: boolean }
  | { t: 'and' | 'or'; l: Node; r: Node }
  | { t: 'not'; c: Node }
  | { t: 'cmp'; op: string; path: string[]; v: Value }
  | { t: 'pr'; path: string[] };

const OPS = new Set(['eq', 'co', 'sw', 'gt', 'ge', 'lt', 'le']);

export function parseQueryFilter(src: string): (obj: unknown) => boolean {
  const tokens: { k: 'word' | 'str' | '(' | ')' | '!'; v: string; pos: number }[] = [];
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === '!') tokens.push({ k: c, v: c, pos: i++ });
    else if (c === '"' || c === "'") {
      let v = '';
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        v += src[j++];
      }
      if (j >= src.length) throw new QueryError(`unterminated string at ${i}`);
      tokens.push({ k: 'str', v, pos: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !/[\s()!"']/.test(src[j]!)) j++;
      tokens.push({ k: 'word', v: src.slice(i, j), pos: i });
      i = j;
    }
  }
  let p = 0;
  const peekWord = (w: string) => tokens[p]?.k === 'word' && tokens[p]!.v === w;
  const or = (): Node => {
    let l = and();
    while (peekWord('or')) {
      p++;
      l = { t: 'or', l, r: and() };
    }
    return l;
  };
  const and = (): Node => {
    let l = not();
    while (peekWord('and')) {
      p++;
      l = { t: 'and', l, r: not() };
    }
    return l;
  };
  const not = (): Node => {
    if (tokens[p]?.k === '!') {
      p++;
      return { t: 'not', c: primary() };
    }
    return primary();
  };
  const primary = (): Node => {
    const tok = tokens[p];
    if (!tok) throw new QueryError('unexpected end of the filter');
    if (tok.k === '(') {
      p++;
      const e = or();
      if (tokens[p]?.k !== ')') throw new QueryError(`expected ")" at ${tokens[p]?.pos ?? src.length}`);
      p++;
      return e;
    }
    if (tok.k !== 'word') throw new QueryError(`unexpected "${tok.v}" at ${tok.pos}`);
    p++;
    if (
      (tok.v === 'true' || tok.v === 'false') &&
      !(tokens[p]?.k === 'word' && (OPS.has(tokens[p]!.v) || tokens[p]!.v === 'pr'))
    ) {
      return { t: 'lit', v: tok.v === 'true' };
    }
    const path = tok.v.replace(/^\//, '').split(/[/.]/).filter(Boolean);
    if (path.length === 0) throw new QueryError(`expected a field at ${tok.pos}`);
    const op = tokens[p];
    if (op?.k !== 'word') throw new QueryError(`expected an operator after "${tok.v}"`);
    p++;
    if (op.v === 'pr') return { t: 'pr', path };
    if (!OPS.has(op.v)) throw new QueryError(`unknown operator "${op.v}" at ${op.pos}`);
    const val = tokens[p];
    if (!val || (val.k !== 'str' && val.k !== 'word')) throw new QueryError(`expected a value after "${op.v}"`);
    p++;
    let v: Value;
    if (val.k === 'str') v = val.v;
    else if (val.v === 'true' || val.v === 'false') v = val.v === 'true';
    else if (val.v === 'null') v = null;
    else if (/^-?\d+(\.\d+)?$/.test(val.v)) v = Number(val.v);
    else throw new QueryError(`"${val.v}" is not a value (quote strings) at ${val.pos}`);
    return { t: 'cmp', op: op.v, path, v };
  };
  const tree = src.trim() === '' ? ({ t: 'lit', v: true } as Node) : or();
  if (p < tokens.length) throw new QueryError(`unexpected "${tokens[p]!.v}" at ${tokens[p]!.pos}`);
  return (obj) => evaluate(tree, obj);
}

const get = (obj: unknown, path: string[]) =>
  path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

function compare(a: unknown, b: Value): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function evaluate(n: Node, obj: unknown): boolean {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'and':
      return evaluate(n.l, obj) && evaluate(n.r, obj);
    case 'or':
      return evaluate(n.l, obj) || evaluate(n.r, obj);
    case 'not':
      return !evaluate(n.c, obj);
    case 'pr': {
      const v = get(obj, n.path);
      return v !== undefined && v !== null;
    }
    case 'cmp': {
      const v = get(obj, n.path);
      const values = Array.isArray(v) ? v : [v];
      return values.some((x) => {
        if (n.op === 'eq')
          return typeof x === 'string' && typeof n.v === 'string' ? x.toLowerCase() === n.v.toLowerCase() : x === n.v;
        if (n.op === 'co')
          return typeof x === 'string' && typeof n.v === 'string' && x.toLowerCase().includes(n.v.toLowerCase());
        if (n.op === 'sw')
          return typeof x === 'string' && typeof n.v === 'string' && x.toLowerCase().startsWith(n.v.toLowerCase());
        const c = compare(x, n.v);
        if (c === undefined) return false;
        return n.op === 'gt' ? c > 0 : n.op === 'ge' ? c >= 0 : n.op === 'lt' ? c < 0 : c <= 0;
      });
    }
  }
}

/** Sorts by `_sortKeys` (`-name,+_rev`); undefined values last. */
export function sortBy<T>(items: T[], keys: string | undefined, fallback: string): T[] {
  const spec = (keys ?? fallback)
    .split(',')
    .map((k) => ({ desc: k.startsWith('-'), path: k.replace(/^[+-]/, '').replace(/^\//, '').split(/[/.]/) }));
  return [...items].sort((a, b) => {
    for (const { desc, path } of spec) {
      const x = get(a, path);
      const y = get(b, path);
      if (x === y) continue;
      if (x === undefined || x === null) return 1;
      if (y === undefined || y === null) return -1;
      const c = x < y ? -1 : 1;
      return desc ? -c : c;
    }
    return 0;
  });
}

/** Keeps the listed top-level fields (and the always-returned ones). */
export function pickFields<T extends object>(item: T, fields: string | undefined, always: string[]): Partial<T> {
  if (!fields) return item;
  const keep = new Set([...fields.split(',').map((f) => f.split(/[/.]/)[0]!), ...always]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k))) as Partial<T>;
}
