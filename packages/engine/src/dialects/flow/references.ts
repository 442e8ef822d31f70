/**
 * FLOW references, templates and condition expressions (the grammars in specs/flow.yaml info.description).
 * Parsing only, no evaluation by eval: validation uses it to check definitions, the runtime to evaluate them.
 */

export type Accessor = { key: string } | { index: number };

export type Reference =
  | { kind: 'variables'; name: string; path: Accessor[]; text: string }
  | { kind: 'state'; path: Accessor[]; text: string }
  | { kind: 'tasks'; taskId: string; field: 'output' | 'status' | 'error' | 'attempts'; path: Accessor[]; text: string }
  | { kind: 'execution'; field: string; path: Accessor[]; text: string };

export const EXECUTION_FIELDS = ['id', 'workflowDefinitionId', 'version', 'versionId', 'startedAt'] as const;

export class FlowSyntaxError extends Error {
  override readonly name = 'FlowSyntaxError';
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}/;
const TASK_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}/;
const KEY = /^[A-Za-z0-9_-]+/;
const INDEX = /^\[(0|[1-9][0-9]*)\]/;

function accessors(src: string, pos: number): { path: Accessor[]; end: number } {
  const path: Accessor[] = [];
  for (;;) {
    if (src[pos] === '.') {
      const m = KEY.exec(src.slice(pos + 1));
      if (!m) throw new FlowSyntaxError(`expected a key after '.' at ${pos + 1}`);
      path.push({ key: m[0] });
      pos += 1 + m[0].length;
    } else if (src[pos] === '[') {
      const m = INDEX.exec(src.slice(pos));
      if (!m) throw new FlowSyntaxError(`expected an index like [0] at ${pos}`);
      path.push({ index: Number(m[1]) });
      pos += m[0].length;
    } else return { path, end: pos };
  }
}

/** Parses one reference starting at `pos`; returns it and where it ends. Throws FlowSyntaxError. */
export function parseReferenceAt(src: string, pos: number): { ref: Reference; end: number } {
  const rest = src.slice(pos);
  if (rest.startsWith('variables.')) {
    const m = VAR_NAME.exec(rest.slice(10));
    if (!m) throw new FlowSyntaxError('expected a variable name after "variables."');
    const a = accessors(src, pos + 10 + m[0].length);
    return { ref: { kind: 'variables', name: m[0], path: a.path, text: src.slice(pos, a.end) }, end: a.end };
  }
  if (rest.startsWith('tasks.')) {
    const m = TASK_ID.exec(rest.slice(6));
    if (!m) throw new FlowSyntaxError('expected a task id after "tasks."');
    let p = pos + 6 + m[0].length;
    const f = /^\.(output|status|error|attempts)(?![A-Za-z0-9_-])/.exec(src.slice(p));
    if (!f) throw new FlowSyntaxError(`expected .output, .status, .error or .attempts after "tasks.${m[0]}"`);
    p += f[0].length;
    const a = accessors(src, p);
    const field = f[1] as 'output' | 'status' | 'error' | 'attempts';
    return { ref: { kind: 'tasks', taskId: m[0], field, path: a.path, text: src.slice(pos, a.end) }, end: a.end };
  }
  if (rest.startsWith('execution.')) {
    const m = KEY.exec(rest.slice(10));
    if (!m) throw new FlowSyntaxError('expected a field after "execution."');
    const a = accessors(src, pos + 10 + m[0].length);
    return { ref: { kind: 'execution', field: m[0], path: a.path, text: src.slice(pos, a.end) }, end: a.end };
  }
  if (/^state[.[]/.test(rest)) {
    const a = accessors(src, pos + 5);
    return { ref: { kind: 'state', path: a.path, text: src.slice(pos, a.end) }, end: a.end };
  }
  throw new FlowSyntaxError('a reference starts with "variables.", "state", "tasks." or "execution."');
}

export type TemplatePart = { literal: string } | { ref: Reference };

/**
 * Splits a string into literal text and `{{ reference }}` templates (`\{{` is a literal `{{`). Throws FlowSyntaxError
 * on a template that does not parse.
 */
export function parseTemplateString(src: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < src.length) {
    if (src.startsWith('\\{{', i)) {
      literal += '{{';
      i += 3;
    } else if (src.startsWith('{{', i)) {
      const close = src.indexOf('}}', i + 2);
      if (close < 0) throw new FlowSyntaxError(`the template at ${i} has no closing "}}"`);
      const inner = src.slice(i + 2, close);
      const lead = inner.length - inner.replace(/^[ \t]+/, '').length;
      const body = inner.trim();
      if (!body || /[^ \t]/.test(inner.slice(0, lead)) || body !== inner.replace(/^[ \t]+|[ \t]+$/g, '')) {
        throw new FlowSyntaxError(`"{{${inner}}}" is not a template`);
      }
      let parsed: { ref: Reference; end: number };
      try {
        parsed = parseReferenceAt(body, 0);
      } catch (e) {
        throw new FlowSyntaxError(`"{{${inner}}}" is not a template: ${(e as Error).message}`);
      }
      if (parsed.end !== body.length)
        throw new FlowSyntaxError(`"{{${inner}}}" is not a template: unexpected "${body.slice(parsed.end)}"`);
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ ref: parsed.ref });
      i = close + 2;
    } else {
      literal += src[i];
      i++;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

// --- condition expressions ------------------------------------------------------------------------------------------

export type Expr =
  | { type: 'or' | 'and'; left: Expr; right: Expr }
  | { type: 'not'; operand: Expr }
  | { type: 'compare'; op: '==' | '!=' | '<=' | '>=' | '<' | '>'; left: Expr; right: Expr }
  | { type: 'literal'; value: string | number | boolean | null }
  | { type: 'ref'; ref: Reference };

/** Parses a condition expression; throws FlowSyntaxError with the position of the first problem. */
export function parseExpression(src: string): Expr {
  let pos = 0;
  const ws = () => {
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
  };
  const peek = (s: string) => {
    ws();
    return src.startsWith(s, pos);
  };
  const fail = (msg: string): never => {
    throw new FlowSyntaxError(`${msg} at position ${pos}`);
  };
  const or = (): Expr => {
    let left = and();
    while (peek('||')) {
      pos += 2;
      left = { type: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Expr => {
    let left = not();
    while (peek('&&')) {
      pos += 2;
      left = { type: 'and', left, right: not() };
    }
    return left;
  };
  const not = (): Expr => {
    if (peek('!') && !peek('!=')) {
      pos++;
      return { type: 'not', operand: not() };
    }
    return compare();
  };
  const compare = (): Expr => {
    const left = operand();
    ws();
    for (const op of ['==', '!=', '<=', '>=', '<', '>'] as const) {
      if (src.startsWith(op, pos)) {
        pos += op.length;
        return { type: 'compare', op, left, right: operand() };
      }
    }
    return left;
  };
  const operand = (): Expr => {
    ws();
    if (pos >= src.length) fail('expected an operand');
    const c = src[pos]!;
    if (c === '(') {
      pos++;
      const e = or();
      if (!peek(')')) fail('expected ")"');
      pos++;
      return e;
    }
    if (c === "'" || c === '"') {
      let value = '';
      let i = pos + 1;
      for (;;) {
        if (i >= src.length) fail('unterminated string');
        const ch = src[i]!;
        if (ch === '\\') {
          if (i + 1 >= src.length) fail('unterminated string');
          value += src[i + 1];
          i += 2;
        } else if (ch === c) break;
        else {
          value += ch;
          i++;
        }
      }
      pos = i + 1;
      return { type: 'literal', value };
    }
    const num = /^-?[0-9]+(\.[0-9]+)?(?![A-Za-z0-9_.])/.exec(src.slice(pos));
    if (num) {
      pos += num[0].length;
      return { type: 'literal', value: Number(num[0]) };
    }
    const kw = /^(true|false|null)(?![A-Za-z0-9_.[-])/.exec(src.slice(pos));
    if (kw) {
      pos += kw[0].length;
      return { type: 'literal', value: kw[1] === 'null' ? null : kw[1] === 'true' };
    }
    try {
      const r = parseReferenceAt(src, pos);
      pos = r.end;
      return { type: 'ref', ref: r.ref };
    } catch (e) {
      return fail((e as Error).message);
    }
  };
  const e = or();
  ws();
  if (pos < src.length) fail(`unexpected "${src.slice(pos, pos + 10)}"`);
  return e;
}

/** Every reference in an expression, left to right. */
export function expressionReferences(e: Expr, out: Reference[] = []): Reference[] {
  switch (e.type) {
    case 'or':
    case 'and':
    case 'compare':
      expressionReferences(e.left, out);
      expressionReferences(e.right, out);
      break;
    case 'not':
      expressionReferences(e.operand, out);
      break;
    case 'ref':
      out.push(e.ref);
      break;
  }
  return out;
}
