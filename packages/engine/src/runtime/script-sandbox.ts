/**
 * Script tasks run in QuickJS compiled to WASM (quickjs-emscripten): a fresh runtime per run, with a time limit
 * (interrupt handler) and a memory limit. Values cross the boundary as JSON only; the script sees
 * `execution.getVariable(name)`, `execution.setVariable(name, value)`, `execution.getVariables()`, plus `console.log`.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten';
import { loadQuickJS } from './quickjs-module.js';

export interface ScriptLimits {
  /** Wall-clock limit in milliseconds (default 1000). */
  timeoutMs?: number;
  /** Heap limit in bytes (default 16 MiB). */
  memoryBytes?: number;
}

export interface ScriptExecution {
  getVariable(name: string): unknown;
  setVariable(name: string, value: unknown): void;
  getVariables(): Record<string, unknown>;
  /** Extra read-only values bound as globals (e.g. `executionId`). */
  globals?: Record<string, unknown>;
}

export class ScriptError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ScriptError';
  }
}

let qjs: Promise<QuickJSWASMModule> | undefined;
function quickjs(): Promise<QuickJSWASMModule> {
  qjs ??= loadQuickJS();
  return qjs;
}

/** Loads the WASM module ahead of the first script (optional). */
export async function warmUpSandbox(): Promise<void> {
  await quickjs();
}

function toJson(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v, (_k, x) => (x instanceof Date ? x.toISOString() : x));
}

function fromHandle(ctx: QuickJSContext, h: QuickJSHandle): unknown {
  const t = ctx.typeof(h);
  if (t === 'undefined') return undefined;
  if (t === 'function' || t === 'symbol') return undefined;
  const json = ctx.getProp(ctx.global, 'JSON');
  const stringify = ctx.getProp(json, 'stringify');
  const r = ctx.callFunction(stringify, json, h);
  json.dispose();
  stringify.dispose();
  if (r.error) {
    r.error.dispose();
    throw new ScriptError('A value passed out of the script is not JSON-serializable');
  }
  const s = ctx.getString(r.value);
  r.value.dispose();
  return s === undefined ? undefined : JSON.parse(s);
}

function toHandle(ctx: QuickJSContext, v: unknown): QuickJSHandle {
  if (v === undefined) return ctx.undefined;
  const r = ctx.evalCode(`(${toJson(v)})`);
  if (r.error) {
    r.error.dispose();
    return ctx.null;
  }
  return r.value;
}

function lineOf(err: Record<string, unknown>): number | undefined {
  if (typeof err.lineNumber === 'number') return err.lineNumber;
  const m = /script\.js:(\d+)/.exec(String(err.stack ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** Checks the syntax of a JavaScript source without running it. */
export async function checkScriptSyntax(source: string): Promise<{ message: string; line?: number } | null> {
  const mod = await quickjs();
  const ctx = mod.newContext();
  try {
    const r = ctx.evalCode(source, 'script.js', { compileOnly: true });
    if (r.error) {
      const e = ctx.dump(r.error) as Record<string, unknown>;
      r.error.dispose();
      return { message: `${e.name ?? 'SyntaxError'}: ${e.message ?? 'invalid script'}`, line: lineOf(e) };
    }
    r.value.dispose();
    return null;
  } finally {
    ctx.dispose();
  }
}

/** Runs a script; resolves with the value of its last expression statement (JSON-converted). */
export async function runScript(
  source: string,
  execution: ScriptExecution,
  limits: ScriptLimits = {},
): Promise<{ result: unknown; logs: string[] }> {
  const mod = await quickjs();
  const timeoutMs = limits.timeoutMs ?? 1000;
  const rt = mod.newRuntime();
  rt.setMemoryLimit(limits.memoryBytes ?? 16 * 1024 * 1024);
  rt.setMaxStackSize(512 * 1024);
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  rt.setInterruptHandler(() => {
    if (Date.now() > deadline) {
      timedOut = true;
      return true;
    }
    return false;
  });
  const ctx = rt.newContext();
  const logs: string[] = [];
  try {
    const exec = ctx.newObject();
    const getVariable = ctx.newFunction('getVariable', (name) =>
      toHandle(ctx, execution.getVariable(ctx.getString(name))),
    );
    const setVariable = ctx.newFunction('setVariable', (name, value) => {
      execution.setVariable(ctx.getString(name), value ? fromHandle(ctx, value) : null);
    });
    const getVariables = ctx.newFunction('getVariables', () => toHandle(ctx, execution.getVariables()));
    ctx.setProp(exec, 'getVariable', getVariable);
    ctx.setProp(exec, 'setVariable', setVariable);
    ctx.setProp(exec, 'getVariables', getVariables);
    getVariable.dispose();
    setVariable.dispose();
    getVariables.dispose();
    ctx.setProp(ctx.global, 'execution', exec);
    exec.dispose();
    const consoleObj = ctx.newObject();
    const log = ctx.newFunction('log', (...args) => {
      logs.push(
        args.map((a) => (ctx.typeof(a) === 'string' ? ctx.getString(a) : toJson(fromHandle(ctx, a)))).join(' '),
      );
    });
    ctx.setProp(consoleObj, 'log', log);
    ctx.setProp(consoleObj, 'info', log);
    ctx.setProp(consoleObj, 'warn', log);
    ctx.setProp(consoleObj, 'error', log);
    log.dispose();
    ctx.setProp(ctx.global, 'console', consoleObj);
    consoleObj.dispose();
    for (const [k, v] of Object.entries(execution.globals ?? {})) {
      const h = toHandle(ctx, v);
      ctx.setProp(ctx.global, k, h);
      h.dispose();
    }
    const r = ctx.evalCode(source, 'script.js');
    if (r.error) {
      const e = ctx.dump(r.error) as Record<string, unknown>;
      r.error.dispose();
      if (timedOut) throw new ScriptError(`Script exceeded its time limit of ${timeoutMs} ms`);
      const msg = String(e?.message ?? e);
      if (msg === 'out of memory') throw new ScriptError('Script exceeded its memory limit');
      throw new ScriptError(`${e?.name ?? 'Error'}: ${msg}`, lineOf(e));
    }
    const result = fromHandle(ctx, r.value);
    r.value.dispose();
    return { result, logs };
  } finally {
    ctx.dispose();
    rt.dispose();
  }
}
