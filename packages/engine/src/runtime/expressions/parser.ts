/**
 * Tokenizer and parser for the JUEL subset used in BPMN `${...}` expressions.
 * Produces a small AST; nothing here evaluates anything.
 */

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export type Node =
  | { t: 'lit'; v: string | number | boolean | null }
  | { t: 'id'; name: string }
  | { t: 'member'; obj: Node; prop: string }
  | { t: 'index'; obj: Node; index: Node }
  | { t: 'call'; obj: Node | null; name: string; args: Node[] }
  | { t: 'unary'; op: '-' | '!' | 'empty'; arg: Node }
  | { t: 'bin'; op: string; left: Node; right: Node }
  | { t: 'and' | 'or'; left: Node; right: Node }
  | { t: 'cond'; test: Node; yes: Node; no: Node }
  | { t: 'list'; items: Node[] };

/** A template: literal text and expressions, e.g. `Hello ${name}`. */
export type Template = { parts: (string | Node)[]; single: boolean };

type Tok =
  | { k: 'num'; v: number; p: number }
  | { k: 'str'; v: string; p: number }
  | { k: 'id'; v: string; p: number }
  | { k: 'op'; v: string; p: number }
  | { k: 'end'; p: number };

const KEYWORD_OPS: Record<string, string> = {
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  and: '&&',
  or: '||',
  not: '!',
  div: '/',
  mod: '%',
};
const PUNCT = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
];

function tokenize(src: string, base: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const p = base + i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      out.push({ k: 'num', v: Number(m[0]), p });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          const n = src[j + 1]!;
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          j += 2;
        } else {
          s += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new ExpressionError(`Unterminated string literal at position ${p + 1}`, p);
      out.push({ k: 'str', v: s, p });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      const w = m[0];
      const kw = Object.hasOwn(KEYWORD_OPS, w) ? KEYWORD_OPS[w] : undefined;
      if (kw) out.push({ k: 'op', v: kw, p });
      else if (w === 'empty' || w === 'instanceof') out.push({ k: 'op', v: w, p });
      else out.push({ k: 'id', v: w, p });
      i += w.length;
      continue;
    }
    const op = PUNCT.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`Unexpected character '${c}' at position ${p + 1}`, p);
    out.push({ k: 'op', v: op, p });
    i += op.length;
  }
  out.push({ k: 'end', p: base + src.length });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }
  private eat(v: string): boolean {
    if (this.isOp(v)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(v: string): void {
    if (!this.eat(v)) this.fail(`expected '${v}'`);
  }
  private fail(msg: string): never {
    const t = this.peek();
    const what = t.k === 'end' ? 'end of expression' : `'${'v' in t ? t.v : ''}'`;
    throw new ExpressionError(`Syntax error at position ${t.p + 1}: ${msg}, found ${what}`, t.p);
  }

  parseAll(): Node {
    const n = this.ternary();
    if (this.peek().k !== 'end') this.fail('unexpected token');
    return n;
  }

  private ternary(): Node {
    const test = this.or();
    if (this.eat('?')) {
      const a = this.ternary();
      this.expect(':');
      const b = this.ternary();
      return { t: 'cond', test, yes: a, no: b };
    }
    return test;
  }
  private or(): Node {
    let l = this.and();
    while (this.eat('||')) l = { t: 'or', left: l, right: this.and() };
    return l;
  }
  private and(): Node {
    let l = this.eq();
    while (this.eat('&&')) l = { t: 'and', left: l, right: this.eq() };
    return l;
  }
  private eq(): Node {
    let l = this.rel();
    for (;;) {
      if (this.eat('==')) l = { t: 'bin', op: '==', left: l, right: this.rel() };
      else if (this.eat('!=')) l = { t: 'bin', op: '!=', left: l, right: this.rel() };
      else return l;
    }
  }
  private rel(): Node {
    let l = this.add();
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && (t.v === '<' || t.v === '>' || t.v === '<=' || t.v === '>=')) {
        this.i++;
        l = { t: 'bin', op: t.v, left: l, right: this.add() };
      } else if (t.k === 'op' && t.v === 'instanceof') {
        this.fail('instanceof is not supported');
      } else return l;
    }
  }
  private add(): Node {
    let l = this.mul();
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && (t.v === '+' || t.v === '-')) {
        this.i++;
        l = { t: 'bin', op: t.v, left: l, right: this.mul() };
      } else return l;
    }
  }
  private mul(): Node {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && (t.v === '*' || t.v === '/' || t.v === '%')) {
        this.i++;
        l = { t: 'bin', op: t.v, left: l, right: this.unary() };
      } else return l;
    }
  }
  private unary(): Node {
    if (this.eat('-')) return { t: 'unary', op: '-', arg: this.unary() };
    if (this.eat('!')) return { t: 'unary', op: '!', arg: this.unary() };
    if (this.eat('empty')) return { t: 'unary', op: 'empty', arg: this.unary() };
    return this.postfix();
  }
  private args(): Node[] {
    const args: Node[] = [];
    if (!this.eat(')')) {
      do args.push(this.ternary());
      while (this.eat(','));
      this.expect(')');
    }
    return args;
  }
  private postfix(): Node {
    let n = this.primary();
    for (;;) {
      if (this.eat('.')) {
        const t = this.peek();
        if (t.k !== 'id') this.fail('expected a property name');
        this.i++;
        if (this.eat('(')) n = { t: 'call', obj: n, name: t.v, args: this.args() };
        else n = { t: 'member', obj: n, prop: t.v };
      } else if (this.eat('[')) {
        const idx = this.ternary();
        this.expect(']');
        n = { t: 'index', obj: n, index: idx };
      } else return n;
    }
  }
  private primary(): Node {
    const t = this.peek();
    if (t.k === 'num' || t.k === 'str') {
      this.i++;
      return { t: 'lit', v: t.v };
    }
    if (t.k === 'id') {
      this.i++;
      if (t.v === 'true') return { t: 'lit', v: true };
      if (t.v === 'false') return { t: 'lit', v: false };
      if (t.v === 'null') return { t: 'lit', v: null };
      if (this.eat('(')) return { t: 'call', obj: null, name: t.v, args: this.args() };
      return { t: 'id', name: t.v };
    }
    if (this.eat('(')) {
      const n = this.ternary();
      this.expect(')');
      return n;
    }
    if (this.eat('[')) {
      const items: Node[] = [];
      if (!this.eat(']')) {
        do items.push(this.ternary());
        while (this.eat(','));
        this.expect(']');
      }
      return { t: 'list', items };
    }
    this.fail('expected a value');
  }
}

/** Parses one expression body (the text between `${` and `}`). */
export function parseExpression(body: string, base = 0): Node {
  return new Parser(tokenize(body, base)).parseAll();
}

/** Finds the end of a `${...}` body starting at `start` (index after `{`), honouring string literals. */
function findClose(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"') {
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') i++;
        i++;
      }
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

const cache = new Map<string, Template>();

/** Parses a template such as `${a == 1}` or `Dear ${name}`; text without `${` is a literal. */
export function parseTemplate(src: string): Template {
  const hit = cache.get(src);
  if (hit) return hit;
  const parts: (string | Node)[] = [];
  let i = 0;
  let text = '';
  while (i < src.length) {
    const c = src[i]!;
    if ((c === '$' || c === '#') && src[i + 1] === '{') {
      const end = findClose(src, i + 2);
      if (end < 0) throw new ExpressionError(`Unterminated expression starting at position ${i + 1}`, i);
      if (text) parts.push(text);
      text = '';
      const body = src.slice(i + 2, end);
      if (!body.trim()) throw new ExpressionError(`Empty expression at position ${i + 1}`, i);
      parts.push(parseExpression(body, i + 2));
      i = end + 1;
    } else if (c === '\\' && (src[i + 1] === '$' || src[i + 1] === '#')) {
      text += src[i + 1];
      i += 2;
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push(text);
  const tpl = { parts, single: parts.length === 1 && typeof parts[0] !== 'string' };
  if (cache.size > 5000) cache.clear();
  cache.set(src, tpl);
  return tpl;
}

/** True when the string contains an expression (`${` or `#{`). */
export function isExpression(src: string): boolean {
  return /[$#]\{/.test(src);
}
