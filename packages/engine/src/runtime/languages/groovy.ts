/**
 * The Groovy that IDM workflow scripts are written in (PingIDM's samples, Flowable script tasks with
 * `scriptFormat="groovy"`), compiled to the JavaScript our sandbox runs. Groovy is not JavaScript, so this covers the
 * subset such scripts use and refuses the rest with a line number:
 *
 * - `def x = …` and typed declarations (`String s = …`, `java.text.SimpleDateFormat f = …`) → `var`;
 * - map literals `[a: 1, 'b': 2]`, `[:]` → object literals; list literals stay arrays;
 * - GStrings `"Hi ${name}"` / `"$name"` and triple-quoted strings → template literals;
 * - closures `{ x -> … }` / `{ … it … }`, also as a trailing argument (`list.each { … }`, `f(a) { … }`), → arrows
 *   (a one-expression closure returns its value, as in Groovy);
 * - `a ?: b` → `a || b`; `for (x in xs)` / `for (T x : xs)` → `for (var x of xs)`; `println x`; number suffixes;
 * - a prelude (`GROOVY_PRELUDE`) with the JDK and GDK methods these scripts call (`size()`, `each`, `collect`,
 *   `get`/`put`, `SimpleDateFormat` (format, parse), `TimeZone`, `ArrayList`, `HashMap`, …), GPath reads over lists
 *   (`users.result._id`), Java's `new Boolean(x)` and Groovy's literal, replace-all `String.replace`;
 * - negative indexes (`parts[-1]` → `parts.at(-1)`), statement labels before command calls (`out:println x`),
 *   slashy strings (`/"/`, a String as in Groovy, not a regex).
 *
 * Line breaks are kept one for one, so a script error's line is the line in the Groovy source.
 */

export class GroovyCompileError extends Error {
  override readonly name = 'GroovyCompileError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`Groovy line ${line}: ${message}`);
  }
}

type Kind = 'ws' | 'comment' | 'string' | 'number' | 'ident' | 'punct';

interface Token {
  kind: Kind;
  text: string;
  line: number;
  /** For strings: the quote (`'`, `"`, `'''`, `"""`). */
  quote?: string;
  /** Replacement text (default: `text`). */
  out?: string;
  /** Text written after the token (a closing `)` of a command call, a `;`). */
  suffix?: string;
}

const PUNCT = [
  '==~',
  '<=>',
  '...',
  '?.',
  '?:',
  '*.',
  '.&',
  '->',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '**',
  '<<',
  '>>',
  '..',
  '=~',
  '::',
];

const KEYWORDS = new Set([
  'if',
  'else',
  'for',
  'while',
  'do',
  'switch',
  'case',
  'default',
  'break',
  'continue',
  'return',
  'throw',
  'try',
  'catch',
  'finally',
  'new',
  'def',
  'var',
  'in',
  'instanceof',
  'true',
  'false',
  'null',
  'this',
  'import',
  'class',
  'final',
  'static',
  'as',
  'assert',
  'synchronized',
  'typeof',
  'void',
  'delete',
  'function',
  'let',
  'const',
]);

/** Whether the last significant token ends a value (then `/` divides; otherwise it opens a slashy string). */
function endsValue(tokens: Token[]): boolean {
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.kind === 'ws' || t.kind === 'comment') continue;
    if (t.kind === 'ident') return !KEYWORDS.has(t.text) || ['true', 'false', 'null', 'this'].includes(t.text);
    return t.kind === 'string' || t.kind === 'number' || [')', ']', '}', '++', '--'].includes(t.text);
  }
  return false;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: Kind, text: string, extra: Partial<Token> = {}) => {
    tokens.push({ kind, text, line, ...extra });
    line += text.split('\n').length - 1;
  };
  while (i < src.length) {
    const c = src[i]!;
    const rest = src.slice(i);
    if (/\s/.test(c)) {
      const m = /^\s+/.exec(rest)!;
      push('ws', m[0]);
      i += m[0].length;
    } else if (rest.startsWith('//')) {
      const m = /^\/\/[^\n]*/.exec(rest)!;
      push('comment', m[0]);
      i += m[0].length;
    } else if (rest.startsWith('/*')) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new GroovyCompileError('unterminated comment', line);
      push('comment', src.slice(i, end + 2));
      i = end + 2;
    } else if (rest.startsWith("'''") || rest.startsWith('"""')) {
      const q = rest.slice(0, 3);
      const end = src.indexOf(q, i + 3);
      if (end < 0) throw new GroovyCompileError('unterminated string', line);
      push('string', src.slice(i, end + 3), { quote: q });
      i = end + 3;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') j++;
        if (src[j] === '\n') throw new GroovyCompileError('unterminated string', line);
        j++;
      }
      if (j >= src.length) throw new GroovyCompileError('unterminated string', line);
      push('string', src.slice(i, j + 1), { quote: c });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?)([lLgGdDfFiI])?/.exec(rest)!;
      push('number', m[0], { out: m[1]!.replace(/_/g, '') });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest)!;
      push('ident', m[0]);
      i += m[0].length;
    } else if (c === '/' && !rest.startsWith('/=') && !endsValue(tokens)) {
      // A slashy string (`/"/`): a String in Groovy (not a regex), where only `\/` is an escape.
      let j = i + 1;
      while (j < src.length && src[j] !== '/' && src[j] !== '\n') j += src[j] === '\\' && src[j + 1] === '/' ? 2 : 1;
      if (src[j] !== '/') throw new GroovyCompileError('unterminated slashy string', line);
      const body = src.slice(i + 1, j).replace(/\\\//g, '/');
      if (body.includes('$')) throw new GroovyCompileError('slashy strings with ${…} are not supported', line);
      push('string', src.slice(i, j + 1), { quote: '/', out: JSON.stringify(body) });
      i = j + 1;
    } else {
      const p = PUNCT.find((p) => rest.startsWith(p)) ?? c;
      push('punct', p);
      i += p.length;
    }
  }
  return tokens;
}

/** Escapes text for a template literal (keeping `${…}` interpolations when `interpolate`). */
function templateOf(body: string, interpolate: boolean, line: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      out += body.slice(i, i + 2);
      i++;
    } else if (c === '`') out += '\\`';
    else if (c === '$') {
      if (!interpolate) out += '\\$';
      else if (body[i + 1] === '{') {
        const end = matchingBrace(body, i + 1);
        if (end < 0) throw new GroovyCompileError('unterminated ${…} in a string', line);
        out += `\${${body.slice(i + 2, end)}}`;
        i = end;
      } else {
        const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(body.slice(i + 1));
        if (m) {
          out += `\${${m[0]}}`;
          i += m[0].length;
        } else out += '$';
      }
    } else out += c;
  }
  return `\`${out}\``;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function convertString(t: Token): void {
  const q = t.quote!;
  const body = t.text.slice(q.length, t.text.length - q.length);
  if (q === '"""') t.out = templateOf(body, true, t.line);
  else if (q === "'''") t.out = templateOf(body, false, t.line);
  else if (q === '"' && body.includes('$')) t.out = templateOf(body, true, t.line);
}

class Compiler {
  private readonly sig: number[];
  private readonly match = new Map<number, number>();

  constructor(private readonly t: Token[]) {
    this.sig = t.flatMap((tok, i) => (tok.kind === 'ws' || tok.kind === 'comment' ? [] : [i]));
    const stack: number[] = [];
    for (const i of this.sig) {
      const x = t[i]!.text;
      if (t[i]!.kind !== 'punct') continue;
      if (x === '(' || x === '[' || x === '{') stack.push(i);
      else if (x === ')' || x === ']' || x === '}') {
        const open = stack.pop();
        const expected = { ')': '(', ']': '[', '}': '{' }[x];
        if (open === undefined || t[open]!.text !== expected)
          throw new GroovyCompileError(`unbalanced '${x}'`, t[i]!.line);
        this.match.set(open, i);
        this.match.set(i, open);
      }
    }
    if (stack.length)
      throw new GroovyCompileError(
        `unclosed '${t[stack[stack.length - 1]!]!.text}'`,
        t[stack[stack.length - 1]!]!.line,
      );
  }

  private prev(i: number): number | undefined {
    const k = this.sig.indexOf(i);
    return k > 0 ? this.sig[k - 1] : undefined;
  }
  private next(i: number): number | undefined {
    const k = this.sig.indexOf(i);
    return k >= 0 && k + 1 < this.sig.length ? this.sig[k + 1] : undefined;
  }
  private text(i: number | undefined): string | undefined {
    return i === undefined ? undefined : this.t[i]!.text;
  }
  private isValueEnd(i: number | undefined): boolean {
    if (i === undefined) return false;
    const tok = this.t[i]!;
    if (tok.kind === 'ident') return !KEYWORDS.has(tok.text) || ['true', 'false', 'null', 'this'].includes(tok.text);
    return tok.kind === 'string' || tok.kind === 'number' || [')', ']', '}', '++', '--'].includes(tok.text);
  }
  private newlineBetween(a: number, b: number): boolean {
    for (let i = a + 1; i < b; i++) if (this.t[i]!.text.includes('\n')) return true;
    return false;
  }
  /** Whether the significant token i starts a statement. */
  private atStatementStart(i: number): boolean {
    const p = this.prev(i);
    if (p === undefined) return true;
    const pt = this.text(p)!;
    if (pt === ';' || pt === '{' || pt === '}' || pt === '->') return true;
    // After a statement label (`out: println x`, as IDM's example sample writes it).
    if (pt === ':' && this.t[this.prev(p)!]?.kind === 'ident' && this.atStatementStart(this.prev(p)!)) return true;
    return this.newlineBetween(p, i) && this.isValueEnd(p);
  }

  run(): string {
    for (const i of this.sig) {
      const tok = this.t[i]!;
      if (tok.kind === 'string') convertString(tok);
      else if (tok.kind === 'ident') this.ident(i);
      else if (tok.kind === 'punct') this.punct(i);
    }
    this.separateStatements();
    return this.t.map((x) => (x.out ?? x.text) + (x.suffix ?? '')).join('');
  }

  private ident(i: number): void {
    const tok = this.t[i]!;
    if (tok.out !== undefined) return;
    const n = this.next(i);
    if (tok.text === 'def') {
      tok.out = 'var';
      return;
    }
    if (tok.text === 'new' && this.text(n) === 'Boolean' && this.text(this.next(n!)) === '(') {
      // Java's Boolean is a value (`new Boolean("false")` is false); JavaScript's boxed one is always truthy.
      tok.out = '';
      this.t[n!]!.out = '__groovyBoolean';
      return;
    }
    if (tok.text === 'final' && this.atStatementStart(i)) {
      tok.out = '';
      return;
    }
    if (tok.text === 'import') throw new GroovyCompileError('import statements are not supported', tok.line);
    if (tok.text === 'class') throw new GroovyCompileError('class declarations are not supported', tok.line);
    if (tok.text === 'as') throw new GroovyCompileError("'as' casts are not supported", tok.line);
    if (
      (tok.text === 'println' || tok.text === 'print') &&
      n !== undefined &&
      this.text(n) !== '(' &&
      this.atStatementStart(i)
    ) {
      // Command syntax: println x → println(x), up to the end of the line.
      let end = n;
      for (const j of this.sig) if (j > n && !this.newlineBetween(end, j) && this.text(j) !== ';') end = j;
      tok.out = `${tok.text}(`;
      this.t[end]!.suffix = `${this.t[end]!.suffix ?? ''})`;
      return;
    }
    if (!KEYWORDS.has(tok.text) && this.atStatementStart(i)) this.typedDeclaration(i);
  }

  /** `Type name = …`, `a.b.Type name = …`, `Map<K, V> name = …` at a statement start → `var name = …`. */
  private typedDeclaration(i: number): void {
    let j: number | undefined = i;
    const typeTokens: number[] = [i];
    while (this.text(this.next(j!)) === '.' && this.t[this.next(this.next(j!)!)!]?.kind === 'ident') {
      const dot: number = this.next(j!)!;
      j = this.next(dot)!;
      typeTokens.push(dot, j);
    }
    let after = this.next(j!);
    if (this.text(after) === '<') {
      let depth = 0;
      let k = after;
      while (k !== undefined) {
        typeTokens.push(k);
        if (this.text(k) === '<') depth++;
        if (this.text(k) === '>') depth--;
        if (this.text(k) === '>>') depth -= 2;
        if (depth <= 0) break;
        k = this.next(k);
      }
      after = k === undefined ? undefined : this.next(k);
    }
    if (this.text(after) === '[' && this.text(this.next(after!)) === ']') {
      const close = this.next(after!)!;
      typeTokens.push(after!, close);
      after = this.next(close);
    }
    if (after === undefined || this.t[after]!.kind !== 'ident' || KEYWORDS.has(this.t[after]!.text)) return;
    const follow = this.text(this.next(after));
    if (follow !== '=' && follow !== ';' && follow !== undefined && !this.newlineBetween(after, this.next(after)!))
      return;
    this.t[i]!.out = 'var';
    for (const k of typeTokens.slice(1)) this.t[k]!.out = '';
    // Remove whitespace inside the type (keeps line breaks: there are none in a type).
    for (let k = i + 1; k < after; k++)
      if (this.t[k]!.kind === 'ws' && !this.t[k]!.text.includes('\n')) this.t[k]!.out = k === after - 1 ? ' ' : '';
  }

  private punct(i: number): void {
    const tok = this.t[i]!;
    switch (tok.text) {
      case '?:':
        tok.out = '||';
        return;
      case '[':
        this.bracket(i);
        return;
      case '{':
        this.brace(i);
        return;
      case '(':
        this.forHeader(i);
        return;
      case '==~':
      case '=~':
      case '<=>':
      case '.&':
      case '*.':
      case '..':
      case '::':
        throw new GroovyCompileError(`the operator '${tok.text}' is not supported`, tok.line);
    }
  }

  /** `for (x in xs)` / `for (T x : xs)` → `for (var x of xs)`. */
  private forHeader(i: number): void {
    if (this.text(this.prev(i)) !== 'for') return;
    const close = this.match.get(i)!;
    const inner = this.sig.filter((k) => k > i && k < close);
    if (inner.some((k) => this.text(k) === ';')) return;
    const sep = inner.findIndex((k) => this.text(k) === 'in' || this.text(k) === ':');
    if (sep < 1) return;
    const head = inner.slice(0, sep);
    const name = head[head.length - 1]!;
    for (const k of head.slice(0, -1)) this.t[k]!.out = '';
    this.t[name]!.out = `var ${this.t[name]!.text}`;
    this.t[inner[sep]!]!.out = 'of';
  }

  /** A list literal, or a map literal when it has a top-level `:` (`[:]` is the empty map). */
  private bracket(i: number): void {
    const p = this.prev(i);
    const pt = this.text(p);
    const isIndex =
      this.isValueEnd(p) &&
      !(p !== undefined && pt === 'return') &&
      !(p !== undefined && this.atStatementStart(i) && this.newlineBetween(p, i));
    if (isIndex) {
      // Groovy counts a negative index from the end (`path.split('/')[-1]`): JavaScript's `at`.
      const close = this.match.get(i)!;
      const inner = this.sig.filter((k) => k > i && k < close);
      if (inner.length === 2 && this.text(inner[0]) === '-' && this.t[inner[1]!]!.kind === 'number') {
        this.t[i]!.out = '.at(';
        this.t[close]!.out = ')';
      }
      return;
    }
    const close = this.match.get(i)!;
    const inner = this.sig.filter((k) => k > i && k < close);
    let depth = 0;
    let ternary = 0;
    const colons: number[] = [];
    for (const k of inner) {
      const x = this.text(k)!;
      if (this.t[k]!.kind !== 'punct') continue;
      if (x === '(' || x === '[' || x === '{') depth++;
      else if (x === ')' || x === ']' || x === '}') depth--;
      else if (depth === 0 && x === '?') ternary++;
      else if (depth === 0 && x === ':') {
        if (ternary > 0) ternary--;
        else colons.push(k);
      }
    }
    if (colons.length === 0) return;
    this.t[i]!.out = '{';
    this.t[close]!.out = '}';
    if (inner.length === 1) {
      this.t[inner[0]!]!.out = ''; // [:]
      return;
    }
    for (const c of colons) {
      const key = this.prev(c)!;
      if (this.text(key) === ')') {
        this.t[this.match.get(key)!]!.out = '[';
        this.t[key]!.out = ']';
      } else if (this.t[key]!.kind === 'string' && this.t[key]!.out?.startsWith('`')) {
        this.t[key]!.out = `[${this.t[key]!.out}]`;
      }
    }
  }

  /** Closures → arrow functions; blocks stay. */
  private brace(i: number): void {
    const p = this.prev(i);
    const pt = this.text(p);
    const close = this.match.get(i)!;
    let trailing: 'paren' | 'bare' | 'value' | undefined;
    if (pt === ')') {
      const before = this.text(this.prev(this.match.get(p!)!));
      if (!['if', 'for', 'while', 'switch', 'catch', 'synchronized'].includes(before ?? '')) trailing = 'paren';
    } else if (
      p !== undefined &&
      this.t[p]!.kind === 'ident' &&
      !KEYWORDS.has(pt!) &&
      this.text(this.prev(p)) === '.'
    ) {
      trailing = 'bare';
    } else if (p === undefined || ['=', '(', ',', ':', 'return', '?', '[', '||', '&&', '?:'].includes(pt!)) {
      trailing = p === undefined ? undefined : 'value';
    }
    if (!trailing) return;
    // Parameters: `a, b ->` before the first top-level `->`.
    const inner = this.sig.filter((k) => k > i && k < close);
    const arrow = inner.findIndex((k) => this.text(k) === '->');
    let params = 'it';
    let bodyStart = 0;
    if (arrow >= 0 && inner.slice(0, arrow).every((k) => this.t[k]!.kind === 'ident' || this.text(k) === ',')) {
      const names = inner.slice(0, arrow).filter((k) => this.t[k]!.kind === 'ident');
      // `Type name` pairs keep the name.
      const list: string[] = [];
      let cur: string[] = [];
      for (const k of inner.slice(0, arrow)) {
        if (this.text(k) === ',') {
          list.push(cur[cur.length - 1]!);
          cur = [];
        } else cur.push(this.t[k]!.text);
      }
      if (cur.length) list.push(cur[cur.length - 1]!);
      params = names.length ? list.join(', ') : '';
      for (const k of inner.slice(0, arrow + 1)) this.t[k]!.out = '';
      for (let k = i + 1; k < inner[arrow]!; k++)
        if (this.t[k]!.kind === 'ws') this.t[k]!.out = this.t[k]!.text.includes('\n') ? this.t[k]!.text : '';
      bodyStart = arrow + 1;
    }
    const body = inner.slice(bodyStart);
    const single = this.isSingleExpression(body);
    const open = single ? `((${params}) => (` : `((${params}) => {`;
    const shut = single ? '))' : '})';
    if (trailing === 'paren') {
      const lparen = this.match.get(p!)!;
      const hasArgs = this.next(lparen) !== p;
      this.t[p!]!.out = '';
      this.t[i]!.out = `${hasArgs ? ', ' : ''}${open}`;
      this.t[close]!.out = `${shut})`;
    } else if (trailing === 'bare') {
      this.t[i]!.out = `(${open}`;
      this.t[close]!.out = `${shut})`;
    } else {
      this.t[i]!.out = open;
      this.t[close]!.out = shut;
    }
  }

  /** One expression, no statements: the closure's value is its result. */
  private isSingleExpression(body: number[]): boolean {
    if (body.length === 0) return false;
    const first = this.t[body[0]!]!;
    if (
      first.kind === 'ident' &&
      ['if', 'for', 'while', 'return', 'def', 'var', 'throw', 'try', 'switch', 'do'].includes(first.text)
    )
      return false;
    let depth = 0;
    for (let k = 0; k < body.length; k++) {
      const x = this.text(body[k])!;
      const tok = this.t[body[k]!]!;
      if (tok.kind === 'punct') {
        if (x === '(' || x === '[' || x === '{') depth++;
        else if (x === ')' || x === ']' || x === '}') depth--;
        else if (depth === 0 && (x === ';' || x === '=' || x === '+=' || x === '-=' || x === '++' || x === '--'))
          return false;
      }
      if (
        depth === 0 &&
        k > 0 &&
        this.newlineBetween(body[k - 1]!, body[k]!) &&
        this.isValueEnd(body[k - 1]) &&
        !/^[.?)\]}]/.test(x)
      )
        return false;
    }
    return true;
  }

  /** Groovy ends statements at line ends: add `;` where JavaScript would join a line starting with `(`, `[` or a template. */
  private separateStatements(): void {
    for (let k = 1; k < this.sig.length; k++) {
      const a = this.sig[k - 1]!;
      const b = this.sig[k]!;
      if (!this.newlineBetween(a, b) || !this.isValueEnd(a)) continue;
      const start = (this.t[b]!.out ?? this.t[b]!.text).trimStart();
      if (/^[([`{]/.test(start) && this.t[b]!.text !== '{') this.t[a]!.suffix = `${this.t[a]!.suffix ?? ''};`;
    }
  }
}

/** Compiles a Groovy script to JavaScript (same line numbers); throws GroovyCompileError for what it cannot. */
export function groovyToJavaScript(source: string): string {
  return new Compiler(tokenize(source)).run();
}

/**
 * JDK / GDK methods Groovy scripts call, for the JavaScript sandbox. One line (prepended to the compiled script's
 * first line, so line numbers stay), defined non-enumerable so JSON of variables is unchanged.
 */
export const GROOVY_PRELUDE = [
  '(function(){',
  // Descriptors without a prototype: Object.prototype.get below would otherwise read as an accessor.
  'var d=function(o,k,f){var x=Object.create(null);x.value=f;x.configurable=true;x.writable=true;x.enumerable=false;Object.defineProperty(o,k,x);};',
  'var A=Array.prototype,S=String.prototype,O=Object.prototype;',
  "d(A,'size',function(){return this.length;});d(S,'size',function(){return this.length;});",
  "d(O,'size',function(){return Object.keys(this).length;});",
  "d(A,'isEmpty',function(){return this.length===0;});d(S,'isEmpty',function(){return this.length===0;});",
  "d(O,'isEmpty',function(){return Object.keys(this).length===0;});",
  "d(A,'each',function(f){this.forEach(function(x){f(x);});return this;});",
  "d(A,'eachWithIndex',function(f){this.forEach(function(x,i){f(x,i);});return this;});",
  "d(O,'each',function(f){var s=this;Object.keys(s).forEach(function(k){if(f.length>=2)f(k,s[k]);else f({key:k,value:s[k],getKey:function(){return k;},getValue:function(){return s[k];}});});return this;});",
  "d(A,'collect',function(f){return this.map(function(x){return f(x);});});",
  "d(A,'findAll',function(f){return this.filter(function(x){return f?f(x):x;});});",
  "d(A,'any',function(f){return this.some(function(x){return f?f(x):x;});});",
  "d(A,'contains',function(x){return this.indexOf(x)>=0;});d(S,'contains',function(x){return this.indexOf(x)>=0;});",
  "d(A,'add',function(x){this.push(x);return true;});d(A,'addAll',function(xs){for(var i=0;i<xs.length;i++)this.push(xs[i]);return true;});",
  "d(A,'get',function(i){return this[i];});d(A,'remove',function(i){return this.splice(i,1)[0];});",
  "d(O,'get',function(k){return this[k];});d(O,'put',function(k,v){this[k]=v;return v;});",
  "d(O,'containsKey',function(k){return O.hasOwnProperty.call(this,k);});d(O,'keySet',function(){return Object.keys(this);});",
  "d(O,'values',function(){var s=this;return Object.keys(s).map(function(k){return s[k];});});",
  "d(O,'remove',function(k){var v=this[k];delete this[k];return v;});",
  "d(S,'equals',function(o){return String(this)===o;});d(S,'equalsIgnoreCase',function(o){return o!=null&&String(this).toLowerCase()===String(o).toLowerCase();});",
  "d(S,'toInteger',function(){return parseInt(this,10);});",
  "var p2=function(n,w){n=String(n);while(n.length<w)n='0'+n;return n;};",
  'function SimpleDateFormat(pattern){this.pattern=pattern;this.utc=true;}',
  'SimpleDateFormat.prototype.setTimeZone=function(){};',
  "SimpleDateFormat.prototype.format=function(dt){var t=new Date(dt);return this.pattern.replace(/'([^']*)'|yyyy|MM|dd|HH|mm|ss|SSS|S|Z|X/g,function(m,lit){if(lit!==undefined)return lit;switch(m){case 'yyyy':return p2(t.getUTCFullYear(),4);case 'MM':return p2(t.getUTCMonth()+1,2);case 'dd':return p2(t.getUTCDate(),2);case 'HH':return p2(t.getUTCHours(),2);case 'mm':return p2(t.getUTCMinutes(),2);case 'ss':return p2(t.getUTCSeconds(),2);case 'SSS':return p2(t.getUTCMilliseconds(),3);case 'S':return String(t.getUTCMilliseconds());case 'Z':return '+0000';case 'X':return 'Z';}return m;});};",
  // parse: the pattern's fields back to a date (UTC, as format writes them).
  "SimpleDateFormat.prototype.parse=function(text){var f=[],re=this.pattern.replace(/'([^']*)'|yyyy|MM|dd|HH|mm|ss|SSS|S|[.*+?^${}()|[\\]\\\\]/g,function(m,lit){if(lit!==undefined)return lit.replace(/[.*+?^${}()|[\\]\\\\]/g,'\\\\$&');if(/^[yMdHmsS]/.test(m)){f.push(m);return '(\\\\d+)';}return '\\\\'+m;});var r=new RegExp('^'+re).exec(String(text));if(!r)throw new Error('Unparseable date: \"'+text+'\"');var v={yyyy:1970,MM:1,dd:1,HH:0,mm:0,ss:0,SSS:0,S:0};f.forEach(function(k,i){v[k]=parseInt(r[i+1],10);});return new Date(Date.UTC(v.yyyy,v.MM-1,v.dd,v.HH,v.mm,v.ss,v.SSS||v.S));};",
  'var TimeZone={getTimeZone:function(id){return {id:id};}};',
  'function ArrayList(){return [];}function HashMap(){return {};}',
  'var g=globalThis;g.SimpleDateFormat=SimpleDateFormat;g.TimeZone=TimeZone;g.ArrayList=ArrayList;g.HashMap=HashMap;g.LinkedHashMap=HashMap;',
  'g.Integer={parseInt:function(s){return parseInt(s,10);},valueOf:function(s){return parseInt(s,10);}};',
  'g.println=function(){console.log.apply(console,arguments);};g.print=g.println;',
  "g.__groovyBoolean=function(v){return typeof v==='string'?v.toLowerCase()==='true':v===true||(v!=null&&v.valueOf()===true);};",
  // Groovy's String.replace(CharSequence, CharSequence) replaces every occurrence, literally.
  "var rp=S.replace;d(S,'replace',function(a,b){return typeof a==='string'&&typeof b==='string'?this.split(a).join(b):rp.apply(this,arguments);});",
  // GPath: a property a list does not have is read from each element (`query.result._id` is the list of ids) when
  // some element is an object that has it; otherwise it stays undefined (`list.inject ? …` still tests for a method).
  "Object.setPrototypeOf(A,new Proxy(O,{get:function(t,k,r){if(typeof k==='string'&&!(k in t)&&k!=='toJSON'&&k!=='then'&&Array.isArray(r)){var any=false,m=r.map(function(x){if(x!==null&&typeof x==='object'&&k in x){any=true;return x[k];}return null;});return any?m:undefined;}return Reflect.get(t,k,r);}}));",
  'g.java={text:{SimpleDateFormat:SimpleDateFormat},util:{Date:Date,TimeZone:TimeZone,ArrayList:ArrayList,HashMap:HashMap,LinkedHashMap:HashMap}};',
  '})();',
].join('');

/** The JavaScript the sandbox runs for a Groovy script: the prelude on the first line, then the compiled script. */
export function compileGroovyScript(source: string): string {
  return `${GROOVY_PRELUDE}${groovyToJavaScript(source)}`;
}
