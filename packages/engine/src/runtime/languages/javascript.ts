/**
 * JavaScript expressions, evaluated in the QuickJS sandbox (script-sandbox.ts) with the process variables as globals,
 * `execution.*` and the owning API's host functions, and `Date` following the command's clock. All sources of one
 * call run in one sandbox run: each through an indirect `eval` in its own `try`, so a syntax or run-time error in one
 * is that source's outcome only. Values cross as JSON (a `Date` result arrives as its ISO text).
 *
 * Groovy expressions (BPMN's `<conditionExpression language="groovy">`) run the same way, compiled by groovy.ts
 * and with its prelude of JDK methods.
 */
import { runScript } from '../script-sandbox.js';
import { GROOVY_PRELUDE, groovyToJavaScript } from './groovy.js';
import type { Language, LanguageName, Outcome } from './index.js';

/** The sandbox program: `[{ok, value} | {ok: false, error}]`, one entry per source, in order. */
function program(sources: readonly string[], condition: boolean, prelude: string): string {
  const each = sources.map(
    (src) =>
      // `(…\n)`: an object literal is a value, not a block, and a trailing `// comment` does not eat the parenthesis.
      `try { v = (0, eval)(${JSON.stringify(`(${src}\n)`)}); r.push({ ok: true, value: ${condition ? '!!v' : 'v'} }); } catch (e) { r.push({ ok: false, error: String(e && e.name ? e.name + ': ' + e.message : e) }); }`,
  );
  return `${prelude}(function () { var r = [], v;\n${each.join('\n')}\nreturn r; })()`;
}

/** The value of a source that is a JSON literal (a string, number, boolean or null), else undefined. */
function jsonLiteral(src: string): Outcome | undefined {
  const t = src.trim();
  if (!/^(?:"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)$/.test(t)) return undefined;
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return undefined;
  }
}

function sandboxLanguage(name: LanguageName, translate: (src: string) => string, prelude: string): Language {
  return {
    name,
    async evaluateAll(sources, scope, kind) {
      if (sources.length === 0) return [];
      // A JSON literal (IGA's static actor ids, `"managed/role/x"`) is its own value: no sandbox run for it.
      const translated: (string | Error | Outcome)[] = sources.map((src) => {
        const literal = jsonLiteral(src);
        if (literal !== undefined) return literal;
        try {
          return translate(src);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        }
      });
      const runnable = translated.filter((t): t is string => typeof t === 'string');
      const { result } = runnable.length
        ? await runScript(program(runnable, kind === 'condition', prelude), scope.script(), scope.limits)
        : { result: [] };
      const out = (Array.isArray(result) ? result : []) as { ok: boolean; value?: unknown; error?: string }[];
      let i = 0;
      return translated.map((t): Outcome => {
        if (t instanceof Error) return { ok: false, error: t };
        if (typeof t !== 'string') return kind === 'condition' && t.ok ? { ok: true, value: !!t.value } : t;
        const o = out[i++];
        return o?.ok ? { ok: true, value: o.value } : { ok: false, error: new Error(o?.error ?? 'no result') };
      });
    },
  };
}

export const javascript = sandboxLanguage('javascript', (src) => src, '');

export const groovy = sandboxLanguage('groovy', groovyToJavaScript, GROOVY_PRELUDE);
