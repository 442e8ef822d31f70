/**
 * The expression languages of process graphs. A graph declares its language (`ProcessGraph.language`, set by its
 * dialect's compiler): JUEL for BPMN (the default), JavaScript for IGA. The executor evaluates every condition, timer
 * date / duration / cycle, user task field (assignee, candidates, due date, …) and input / output parameter through
 * `languageNamed` (executor.ts `evaluate`); BPMN's script conditions (`GraphFlow.conditionLanguage`) run as scripts.
 * A graph may also declare `groovy`: its expressions are compiled to JavaScript by groovy.ts.
 *
 * JUEL evaluates synchronously in the calling thread and its outcomes come back as a plain array, so BPMN's path
 * never waits for a promise; JavaScript runs in the QuickJS sandbox (script-sandbox.ts, a worker pool on Node) and
 * comes back as a promise. `evaluateAll` takes several sources at once, so one gateway or one user task costs one
 * sandbox run, not one per expression; one source failing does not stop the others.
 */
import { coerceToBoolean, type ExpressionContext, evaluate } from '../expressions/index.js';
import type { ScriptExecution, ScriptLimits } from '../script-sandbox.js';
import { groovy, javascript } from './javascript.js';

export type LanguageName = 'juel' | 'javascript' | 'groovy';

/** One source's outcome: its value, or why it failed. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/** What an expression sees, in the shape each language takes it. */
export interface EvaluationScope {
  /** JUEL: names resolved on demand (variables, `execution`, host objects). */
  expression(): ExpressionContext;
  /** JavaScript: the variables as globals, `execution.*` and the API's host functions, the command's clock. */
  script(): ScriptExecution;
  limits?: ScriptLimits;
}

/** A source's kind: a condition's value is a boolean as the language reads one (JUEL coerces, JavaScript `!!`). */
export type SourceKind = 'value' | 'condition';

export interface Language {
  readonly name: LanguageName;
  /** Outcomes in the order of `sources`: an array for a synchronous language, a promise for the sandbox. */
  evaluateAll(sources: readonly string[], scope: EvaluationScope, kind: SourceKind): Outcome[] | Promise<Outcome[]>;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

export const juel: Language = {
  name: 'juel',
  evaluateAll(sources, scope, kind) {
    const ctx = scope.expression();
    return sources.map((src): Outcome => {
      try {
        const v = evaluate(src, ctx);
        return { ok: true, value: kind === 'condition' ? coerceToBoolean(v) : v };
      } catch (e) {
        return { ok: false, error: asError(e) };
      }
    });
  },
};

const LANGUAGES: Record<string, Language> = { juel, javascript, groovy };

/** The language of a name (`juel`, `javascript`, `groovy`; case-insensitive, `js` and `ecmascript` are JavaScript). */
export function languageNamed(name: string | undefined): Language {
  const n = (name ?? 'juel').toLowerCase();
  const l = LANGUAGES[n === 'js' || n === 'ecmascript' ? 'javascript' : n];
  if (!l) throw new Error(`Unknown expression language '${name}'`);
  return l;
}
