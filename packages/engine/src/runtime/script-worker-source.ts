/**
 * The code of a script worker (worker_threads), as text: a Worker started with `eval: true` runs it, so the same
 * code serves the TypeScript sources (tests) and the bundle (no separate worker file to find or build). It is our
 * code, never user input; user scripts run inside QuickJS in it.
 *
 * Protocol (script-pool.ts is the other side):
 * - main → worker `{type:'run', id, source, globals, functions, limits, nowMs}`; `globals` is JSON text.
 * - worker → main `{type:'call', id, seq, name, args}` (args JSON text; seq numbers the worker's calls) when the script calls a host function; the worker
 *   then blocks in Atomics.wait on the shared flag until the main thread has posted `{ok, value|error, seq}` on the reply
 *   port and set the flag: the host function may be async on the main thread and still look synchronous in the script.
 * - worker → main `{type:'done', id, result?, logs, error?: {message, line?, limit?}}`.
 */
/** Makes `Date` follow the host's clock: a function (RealDate, nowMs) run once before the script. */
export const DATE_PRELUDE =
  '(function (R, NOW) {' +
  'function D() { if (!new.target) return new R(NOW).toString();' +
  ' return arguments.length ? new (Function.prototype.bind.apply(R, [null].concat(Array.prototype.slice.call(arguments))))() : new R(NOW); }' +
  'D.prototype = R.prototype; D.now = function () { return NOW; }; D.parse = R.parse; D.UTC = R.UTC;' +
  'Object.defineProperty(R.prototype, "constructor", { value: D, writable: true, configurable: true });' +
  'globalThis.Date = D; })';

export const SCRIPT_WORKER_SOURCE = String.raw`
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { flag, replyPort, quickjsPath } = workerData;
let modPromise;
const mod = () => (modPromise ??= require(quickjsPath).getQuickJS());

class Limit extends Error {
  constructor(kind, message) { super(message); this.limit = kind; }
}
const mb = (n) => (n >= 1048576 && n % 1048576 === 0 ? (n / 1048576) + ' MB' : n >= 1024 ? Math.round(n / 1024) + ' KB' : n + ' bytes');

function lineOf(err) {
  if (err && typeof err.lineNumber === 'number') return err.lineNumber;
  const m = /script\.js:(\d+)/.exec(String((err && err.stack) || ''));
  return m ? Number(m[1]) : undefined;
}

const DATE_PRELUDE = ${JSON.stringify(DATE_PRELUDE)};

let callSeq = 0;

async function run(msg) {
  const QuickJS = await mod();
  // The host's hard deadline starts now: loading QuickJS in a fresh worker is not the script's time.
  parentPort.postMessage({ type: 'started', id: msg.id });
  const L = msg.limits;
  const rt = QuickJS.newRuntime();
  rt.setMemoryLimit(L.memoryBytes);
  rt.setMaxStackSize(512 * 1024);
  const started = Date.now();
  const deadline = started + L.timeoutMs;
  let timedOut = false;
  rt.setInterruptHandler(() => {
    if (Date.now() > deadline) { timedOut = true; return true; }
    return false;
  });
  const ctx = rt.newContext();
  const logs = [];
  let logBytes = 0;
  let calls = 0;
  let outBytes = 0;
  let limitHit;
  const fail = (kind, message) => { limitHit = new Limit(kind, message); throw limitHit; };
  const jsonOut = (h) => {
    if (ctx.typeof(h) === 'undefined' || ctx.typeof(h) === 'function' || ctx.typeof(h) === 'symbol') return undefined;
    const JSONh = ctx.getProp(ctx.global, 'JSON');
    const stringify = ctx.getProp(JSONh, 'stringify');
    const r = ctx.callFunction(stringify, JSONh, h);
    JSONh.dispose(); stringify.dispose();
    if (r.error) { r.error.dispose(); throw new Error('A value passed out of the script is not JSON-serializable'); }
    const s = ctx.typeof(r.value) === 'string' ? ctx.getString(r.value) : undefined;
    r.value.dispose();
    return s;
  };
  const jsonIn = (text) => {
    if (text === undefined) return ctx.undefined;
    const JSONh = ctx.getProp(ctx.global, 'JSON');
    const parse = ctx.getProp(JSONh, 'parse');
    const str = ctx.newString(text);
    const r = ctx.callFunction(parse, JSONh, str);
    JSONh.dispose(); parse.dispose(); str.dispose();
    if (r.error) { r.error.dispose(); return ctx.null; }
    return r.value;
  };
  try {
    // Host functions by dotted name: execution.getVariable, openidm.create, ...
    const objects = new Map();
    for (const name of msg.functions) {
      const parts = name.split('.');
      let parent = ctx.global;
      let path = '';
      for (const p of parts.slice(0, -1)) {
        path = path ? path + '.' + p : p;
        if (!objects.has(path)) {
          const o = ctx.newObject();
          ctx.setProp(parent, p, o);
          objects.set(path, o);
        }
        parent = objects.get(path);
      }
      const fn = ctx.newFunction(parts[parts.length - 1], (...args) => {
        if (++calls > L.maxCalls) fail('calls', 'Script exceeded its limit of ' + L.maxCalls + ' host calls');
        const texts = args.map((a) => jsonOut(a));
        const argsText = '[' + texts.map((t) => (t === undefined ? 'null' : t)).join(',') + ']';
        outBytes += argsText.length;
        if (outBytes > L.maxOutputBytes)
          fail('output', 'Script exceeded its limit of ' + mb(L.maxOutputBytes) + ' of values passed to the host');
        // Calls are numbered: the answer to a call that timed out (in this run or an earlier one on this worker) may
        // still arrive on the port, and must not be taken for this call's answer.
        const seq = ++callSeq;
        Atomics.store(flag, 0, 0);
        parentPort.postMessage({ type: 'call', id: msg.id, seq, name, args: argsText });
        let reply;
        for (;;) {
          const left = deadline - Date.now();
          const waited = left > 0 ? Atomics.wait(flag, 0, 0, left) : 'timed-out';
          Atomics.store(flag, 0, 0);
          for (let r = receiveMessageOnPort(replyPort); r !== undefined; r = receiveMessageOnPort(replyPort))
            if (r.message.seq === seq) { reply = r; break; }
          if (reply) break;
          if (waited === 'timed-out') { timedOut = true; fail('time', 'Script exceeded its time limit of ' + L.timeoutMs + ' ms'); }
        }
        if (!reply.message.ok) {
          const e = ctx.newError(reply.message.error);
          return { error: e };
        }
        return jsonIn(reply.message.value);
      });
      ctx.setProp(parent, parts[parts.length - 1], fn);
      fn.dispose();
    }
    for (const o of objects.values()) o.dispose();
    const consoleObj = ctx.newObject();
    const log = ctx.newFunction('log', (...args) => {
      if (logBytes >= L.maxLogBytes) return;
      const line = args.map((a) => (ctx.typeof(a) === 'string' ? ctx.getString(a) : jsonOut(a) ?? 'undefined')).join(' ');
      const kept = line.slice(0, L.maxLogBytes - logBytes);
      logBytes += kept.length;
      logs.push(kept);
    });
    for (const k of ['log', 'info', 'warn', 'error', 'debug']) ctx.setProp(consoleObj, k, log);
    log.dispose();
    ctx.setProp(ctx.global, 'console', consoleObj);
    consoleObj.dispose();
    const globals = JSON.parse(msg.globals);
    for (const k of Object.keys(globals)) {
      const h = jsonIn(JSON.stringify(globals[k]));
      ctx.setProp(ctx.global, k, h);
      h.dispose();
    }
    const prelude = ctx.evalCode(DATE_PRELUDE, 'prelude.js');
    const preludeFn = ctx.unwrapResult(prelude);
    const dateH = ctx.getProp(ctx.global, 'Date');
    const nowH = ctx.newNumber(msg.nowMs);
    ctx.unwrapResult(ctx.callFunction(preludeFn, ctx.undefined, dateH, nowH)).dispose();
    preludeFn.dispose(); dateH.dispose(); nowH.dispose();

    const r = ctx.evalCode(msg.source, 'script.js');
    if (r.error) {
      const e = ctx.dump(r.error);
      r.error.dispose();
      if (limitHit) return { error: { message: limitHit.message, limit: limitHit.limit } };
      if (timedOut) return { error: { message: 'Script exceeded its time limit of ' + L.timeoutMs + ' ms', limit: 'time' } };
      const text = String((e && e.message) || e);
      if (text === 'out of memory' || /stack overflow/.test(text))
        return { error: { message: 'Script exceeded its memory limit of ' + mb(L.memoryBytes), limit: 'memory' } };
      return { error: { message: ((e && e.name) || 'Error') + ': ' + text, line: lineOf(e) } };
    }
    const result = jsonOut(r.value);
    r.value.dispose();
    if (result !== undefined && outBytes + result.length > L.maxOutputBytes)
      return { error: { message: 'Script exceeded its limit of ' + mb(L.maxOutputBytes) + ' of values passed to the host', limit: 'output' } };
    return { result, logs };
  } catch (e) {
    if (limitHit) return { error: { message: limitHit.message, limit: limitHit.limit } };
    const text = String((e && e.message) || e);
    if (/out of memory|memory access out of bounds/i.test(text))
      return { error: { message: 'Script exceeded its memory limit of ' + mb(L.memoryBytes), limit: 'memory' } };
    return { error: { message: text } };
  } finally {
    try { ctx.dispose(); rt.dispose(); } catch {}
  }
}

parentPort.on('message', async (msg) => {
  if (msg.type !== 'run') return;
  let out;
  try {
    out = await run(msg);
  } catch (e) {
    out = { error: { message: String((e && e.message) || e) } };
  }
  parentPort.postMessage({ type: 'done', id: msg.id, ...out, logs: out.logs || [] });
});
`;
