/**
 * Scripts run in QuickJS compiled to WASM (quickjs-emscripten), a fresh QuickJS runtime per run, with limits on
 * wall time, QuickJS memory, host calls, bytes passed out to the host and log output kept. On Node they run in a
 * worker pool (script-pool.ts), off the main thread; elsewhere (a browser) in the calling thread, with synchronous
 * host functions only. Values cross the boundary as JSON only. `Date` and `Date.now()` inside a script follow the
 * host's clock. See runtime/README.md ("Scripts") for the API other modules use.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten';
import { onNode } from '../store/wasm-assets.js';
import { loadQuickJS } from './quickjs-module.js';
import { ScriptPool } from './script-pool.js';
import { DATE_PRELUDE } from './script-worker-source.js';

export interface ScriptLimits {
  /** Wall-clock limit in milliseconds (default 1000; at most the server's `maxTimeoutMs`). */
  timeoutMs?: number;
  /** QuickJS heap limit in bytes (default 16 MiB). */
  memoryBytes?: number;
  /** Host function calls per run (default 10,000). */
  maxCalls?: number;
  /** Bytes passed out to the host per run: arguments of host calls (variables set) and the result (default 1 MiB). */
  maxOutputBytes?: number;
  /** Bytes of console output kept per run; the rest is dropped (default 64 KiB). */
  maxLogBytes?: number;
}

/** A host function the script calls synchronously; on Node it may return a Promise (awaited on the main thread). */
export type HostFunction = (...args: unknown[]) => unknown;

/** What a script sees of its host. */
export interface ScriptHost {
  /** JSON values bound as globals (e.g. `processInstanceId`). */
  globals?: Record<string, unknown>;
  /** Host functions by dotted name: `execution.setVariable`, `openidm.create`, ... */
  functions?: Record<string, HostFunction>;
  /** The clock `Date` follows (the time at the start of the run); default the system clock. */
  now?: () => Date;
}

/** The BPMN/IDM shape: `execution.getVariable/setVariable/getVariables` plus globals. */
export interface ScriptExecution {
  getVariable(name: string): unknown;
  setVariable(name: string, value: unknown): void;
  getVariables(): Record<string, unknown>;
  /** Extra read-only values bound as globals (e.g. `executionId`). */
  globals?: Record<string, unknown>;
  /** More host functions by dotted name (e.g. `openidm.read`). */
  functions?: Record<string, HostFunction>;
  now?: () => Date;
}

export type ScriptLimitKind = 'time' | 'memory' | 'calls' | 'output';

export class ScriptError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    /** The limit the script broke, when it broke one. */
    readonly limit?: ScriptLimitKind,
  ) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** Process-wide script settings (the server sets them from its environment). */
export interface ScriptSettings {
  /** Largest `timeoutMs` any script may ask for (default 30,000). */
  maxTimeoutMs: number;
  /** Worker threads running scripts (default 2). */
  workers: number;
}

const settings: ScriptSettings = { maxTimeoutMs: 30_000, workers: 2 };
let pool: ScriptPool | undefined;

export function configureScripts(next: Partial<ScriptSettings>): void {
  if (next.maxTimeoutMs !== undefined) settings.maxTimeoutMs = Math.max(1, next.maxTimeoutMs);
  if (next.workers !== undefined && next.workers !== settings.workers) {
    settings.workers = Math.max(1, next.workers);
    pool = undefined; // the next run starts a pool of the new size; the old one's idle workers are unref'd
  }
}

/** Variable names a script may not set: they would turn into prototypes in a careless host. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

function checkedName(name: unknown): string {
  const n = String(name);
  if (FORBIDDEN_NAMES.has(n)) throw new Error(`The variable name '${n}' is not allowed`);
  return n;
}

function hostOf(h: ScriptExecution | ScriptHost): ScriptHost {
  if (!('getVariable' in h)) return h;
  const e = h as ScriptExecution;
  return {
    ...(e.globals ? { globals: e.globals } : {}),
    ...(e.now ? { now: e.now } : {}),
    functions: {
      ...e.functions,
      'execution.getVariable': (name) => e.getVariable(String(name)) ?? null,
      'execution.setVariable': (name, value) => {
        e.setVariable(checkedName(name), value ?? null);
      },
      'execution.getVariables': () => e.getVariables(),
    },
  };
}

function limitsOf(l: ScriptLimits) {
  return {
    timeoutMs: Math.min(Math.max(1, l.timeoutMs ?? 1000), settings.maxTimeoutMs),
    memoryBytes: l.memoryBytes ?? 16 * 1024 * 1024,
    maxCalls: l.maxCalls ?? 10_000,
    maxOutputBytes: l.maxOutputBytes ?? 1024 * 1024,
    maxLogBytes: l.maxLogBytes ?? 64 * 1024,
  };
}

/**
 * Runs a script; resolves with the value of its last expression statement (JSON-converted) and the console output
 * kept. Rejects with a ScriptError naming the broken limit (`Script exceeded its memory limit of 16 MB`).
 */
export async function runScript(
  source: string,
  host: ScriptExecution | ScriptHost,
  limits: ScriptLimits = {},
): Promise<{ result: unknown; logs: string[] }> {
  const h = hostOf(host);
  const l = limitsOf(limits);
  const nowMs = (h.now ?? (() => new Date()))().getTime();
  if (!onNode) return runInThread(source, h, l, nowMs);
  pool ??= new ScriptPool(settings.workers);
  const out = await pool.run({
    source,
    globals: toJson(h.globals ?? {}),
    functions: h.functions ?? {},
    limits: l,
    nowMs,
  });
  if (out.error) throw new ScriptError(out.error.message, out.error.line, out.error.limit as ScriptLimitKind);
  return { result: out.result === undefined ? undefined : JSON.parse(out.result), logs: out.logs };
}

let qjs: Promise<QuickJSWASMModule> | undefined;
function quickjs(): Promise<QuickJSWASMModule> {
  qjs ??= loadQuickJS();
  return qjs;
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

/** The host's functions as globals (a dotted name makes nested objects), each call counted against the limits. */
function installHostFunctions(
  ctx: QuickJSContext,
  host: ScriptHost,
  limits: ReturnType<typeof limitsOf>,
  fail: (e: ScriptError) => never,
): void {
  let calls = 0;
  let outBytes = 0;
  const objects = new Map<string, QuickJSHandle>();
  for (const [name, fn] of Object.entries(host.functions ?? {})) {
    const parts = name.split('.');
    let parent = ctx.global;
    let path = '';
    for (const p of parts.slice(0, -1)) {
      path = path ? `${path}.${p}` : p;
      if (!objects.has(path)) {
        const o = ctx.newObject();
        ctx.setProp(parent, p, o);
        objects.set(path, o);
      }
      parent = objects.get(path)!;
    }
    const f = ctx.newFunction(parts[parts.length - 1]!, (...args) => {
      if (++calls > limits.maxCalls)
        fail(new ScriptError(`Script exceeded its limit of ${limits.maxCalls} host calls`, undefined, 'calls'));
      const values = args.map((a) => fromHandle(ctx, a) ?? null);
      outBytes += toJson(values).length;
      if (outBytes > limits.maxOutputBytes)
        fail(
          new ScriptError(
            `Script exceeded its limit of ${sizeText(limits.maxOutputBytes)} of values passed to the host`,
            undefined,
            'output',
          ),
        );
      const v = fn(...values);
      if (v instanceof Promise) throw new Error(`${name} is asynchronous: it needs the worker pool (Node)`);
      return toHandle(ctx, v);
    });
    ctx.setProp(parent, parts[parts.length - 1]!, f);
    f.dispose();
  }
  for (const o of objects.values()) o.dispose();
}

/** `console.log/info/warn/error/debug` into `logs`, up to the log limit. */
function installConsole(ctx: QuickJSContext, limits: ReturnType<typeof limitsOf>, logs: string[]): void {
  let logBytes = 0;
  const consoleObj = ctx.newObject();
  const log = ctx.newFunction('log', (...args) => {
    if (logBytes >= limits.maxLogBytes) return;
    const line = args
      .map((a) => (ctx.typeof(a) === 'string' ? ctx.getString(a) : toJson(fromHandle(ctx, a))))
      .join(' ')
      .slice(0, limits.maxLogBytes - logBytes);
    logBytes += line.length;
    logs.push(line);
  });
  for (const k of ['log', 'info', 'warn', 'error', 'debug']) ctx.setProp(consoleObj, k, log);
  log.dispose();
  ctx.setProp(ctx.global, 'console', consoleObj);
  consoleObj.dispose();
}

/** The fallback where there are no worker threads: the same limits, in the calling thread. */
async function runInThread(
  source: string,
  host: ScriptHost,
  limits: ReturnType<typeof limitsOf>,
  nowMs: number,
): Promise<{ result: unknown; logs: string[] }> {
  const mod = await quickjs();
  const { timeoutMs } = limits;
  const rt = mod.newRuntime();
  rt.setMemoryLimit(limits.memoryBytes);
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
  let broken: ScriptError | undefined;
  const fail = (e: ScriptError): never => {
    broken = e;
    throw e;
  };
  try {
    installHostFunctions(ctx, host, limits, fail);
    installConsole(ctx, limits, logs);
    for (const [k, v] of Object.entries(host.globals ?? {})) {
      const h = toHandle(ctx, v);
      ctx.setProp(ctx.global, k, h);
      h.dispose();
    }
    const prelude = ctx.unwrapResult(ctx.evalCode(DATE_PRELUDE, 'prelude.js'));
    const date = ctx.getProp(ctx.global, 'Date');
    const now = ctx.newNumber(nowMs);
    ctx.unwrapResult(ctx.callFunction(prelude, ctx.undefined, date, now)).dispose();
    prelude.dispose();
    date.dispose();
    now.dispose();
    const r = ctx.evalCode(source, 'script.js');
    if (r.error) {
      const e = ctx.dump(r.error) as Record<string, unknown>;
      r.error.dispose();
      if (broken) throw broken;
      if (timedOut) throw new ScriptError(`Script exceeded its time limit of ${timeoutMs} ms`, undefined, 'time');
      const msg = String(e?.message ?? e);
      if (msg === 'out of memory')
        throw new ScriptError(
          `Script exceeded its memory limit of ${sizeText(limits.memoryBytes)}`,
          undefined,
          'memory',
        );
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

function sizeText(n: number): string {
  return n >= 1048576 && n % 1048576 === 0
    ? `${n / 1048576} MB`
    : n >= 1024
      ? `${Math.round(n / 1024)} KB`
      : `${n} bytes`;
}
