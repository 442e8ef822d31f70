/**
 * JavaScript expressions, evaluated in the QuickJS sandbox (script-sandbox.ts) with the process variables as globals,
 * `execution.*` and the owning API's host functions, and `Date` following the command's clock. All sources of one
 * call run in one sandbox run: each through an indirect `eval` in its own `try`, so a syntax or run-time error in one
 * is that source's outcome only. Values cross as JSON (a `Date` result arrives as its ISO text).
 */
import { runScript } from '../script-sandbox.js';
import type { Language, Outcome } from './index.js';

/** The sandbox program: `[{ok, value} | {ok: false, error}]`, one entry per source, in order. */
function program(sources: readonly string[], condition: boolean): string {
  const each = sources.map(
    (src) =>
      // `(…\n)`: an object literal is a value, not a block, and a trailing `// comment` does not eat the parenthesis.
      `try { v = (0, eval)(${JSON.stringify(`(${src}\n)`)}); r.push({ ok: true, value: ${condition ? '!!v' : 'v'} }); } catch (e) { r.push({ ok: false, error: String(e && e.name ? e.name + ': ' + e.message : e) }); }`,
  );
  return `(function () { var r = [], v;\n${each.join('\n')}\nreturn r; })()`;
}

export const javascript: Language = {
  name: 'javascript',
  async evaluateAll(sources, scope, kind) {
    if (sources.length === 0) return [];
    const { result } = await runScript(program(sources, kind === 'condition'), scope.script(), scope.limits);
    const out = (Array.isArray(result) ? result : []) as { ok: boolean; value?: unknown; error?: string }[];
    return sources.map(
      (_s, i): Outcome =>
        out[i]?.ok ? { ok: true, value: out[i]!.value } : { ok: false, error: new Error(out[i]?.error ?? 'no result') },
    );
  },
};
