/**
 * IDM's service tasks call the `openidm` script object from JUEL: `activiti:expression="${openidm.query('managed/user',
 * params)}"` (PingIDM's contractor onboarding sample). Expressions evaluate synchronously over variables, while
 * `openidm` reaches the store, so such an expression compiles to a one-line JavaScript script the runtime runs as it
 * runs a script task (with the owner API's script host, in the command's transaction); its value is the result.
 *
 * Only a whole-expression call `${openidm.<method>(args)}` is taken, with arguments that read the same in JUEL and
 * JavaScript: literals, variables, `a.b`, `a[i]`, lists and nested `openidm` calls. Anything else naming `openidm`
 * is refused at deploy time rather than evaluated with JavaScript's different operators.
 */
import { ExpressionError, type Node, parseTemplate } from '../../runtime/expressions/index.js';

const METHODS = new Set(['create', 'read', 'update', 'patch', 'query', 'delete', 'action']);
const JS_RESERVED = new Set(['arguments', 'eval', 'function', 'var', 'let', 'const', 'class', 'new', 'this', 'void']);

const mentionsOpenidm = (n: Node): boolean => {
  switch (n.t) {
    case 'id':
      return n.name === 'openidm';
    case 'lit':
      return false;
    case 'member':
      return mentionsOpenidm(n.obj);
    case 'index':
      return mentionsOpenidm(n.obj) || mentionsOpenidm(n.index);
    case 'call':
      return (n.obj !== null && mentionsOpenidm(n.obj)) || n.args.some(mentionsOpenidm);
    case 'unary':
      return mentionsOpenidm(n.arg);
    case 'bin':
    case 'and':
    case 'or':
      return mentionsOpenidm(n.left) || mentionsOpenidm(n.right);
    case 'cond':
      return mentionsOpenidm(n.test) || mentionsOpenidm(n.yes) || mentionsOpenidm(n.no);
    case 'list':
      return n.items.some(mentionsOpenidm);
  }
};

const isOpenidmCall = (n: Node): n is Extract<Node, { t: 'call' }> =>
  n.t === 'call' && n.obj?.t === 'id' && n.obj.name === 'openidm' && METHODS.has(n.name);

function js(n: Node): string {
  switch (n.t) {
    case 'lit':
      return JSON.stringify(n.v);
    case 'id':
      if (n.name === 'openidm' || JS_RESERVED.has(n.name)) break;
      return n.name;
    case 'member':
      return `${js(n.obj)}.${n.prop}`;
    case 'index':
      return `${js(n.obj)}[${js(n.index)}]`;
    case 'list':
      return `[${n.items.map(js).join(', ')}]`;
    case 'call':
      if (isOpenidmCall(n)) return `openidm.${n.name}(${n.args.map(js).join(', ')})`;
      break;
  }
  throw new ExpressionError('only literals, variables, a.b, a[i], lists and openidm calls may be its arguments');
}

/**
 * The script of an expression that calls `openidm`; null when it does not name `openidm` (or does not parse: it is
 * evaluated, and reported, as usual); a problem when it names `openidm` in a form this cannot run.
 */
export function openidmExpressionScript(expression: string): { script: string } | { problem: string } | null {
  let tpl: ReturnType<typeof parseTemplate>;
  try {
    tpl = parseTemplate(expression);
  } catch {
    return null;
  }
  const nodes = tpl.parts.filter((p): p is Node => typeof p !== 'string');
  if (!nodes.some(mentionsOpenidm)) return null;
  const [node] = nodes;
  if (!tpl.single || !node || !isOpenidmCall(node))
    return { problem: 'openidm may only be called as the whole expression: ${openidm.<method>(…)}' };
  try {
    return { script: js(node) };
  } catch (e) {
    if (e instanceof ExpressionError) return { problem: `openidm call: ${e.message}` };
    throw e;
  }
}
