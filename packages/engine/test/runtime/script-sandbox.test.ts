import { describe, expect, it } from 'vitest';
import { checkScriptSyntax, runScript, ScriptError } from '../../src/runtime/script-sandbox.js';

function vars(initial: Record<string, unknown> = {}) {
  const v: Record<string, unknown> = { ...initial };
  return {
    v,
    exec: {
      getVariable: (n: string) => v[n],
      setVariable: (n: string, x: unknown) => {
        v[n] = x;
      },
      getVariables: () => ({ ...v }),
    },
  };
}

describe('script sandbox', () => {
  it('leaves no idle script worker keeping the process alive (a CLI using createApp exits when done)', async () => {
    const holding = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker').length;
    const before = holding();
    await runScript('1 + 1', {});
    await runScript('2 + 2', {});
    expect(holding()).toBe(before);
  });

  it('reads and writes process variables through execution', async () => {
    const { v, exec } = vars({ firstName: 'Ada', n: 2 });
    const r = await runScript(
      "execution.setVariable('greeting', 'Hello ' + execution.getVariable('firstName'));\n" +
        "execution.setVariable('twice', execution.getVariables().n * 2);\n'done'",
      exec,
    );
    expect(v.greeting).toBe('Hello Ada');
    expect(v.twice).toBe(4);
    expect(r.result).toBe('done');
  });

  it('passes objects in and out as JSON', async () => {
    const { v, exec } = vars({ user: { name: 'x', roles: ['a'] } });
    await runScript(
      "var u = execution.getVariable('user'); u.roles.push('b'); execution.setVariable('user2', u);",
      exec,
    );
    expect(v.user2).toEqual({ name: 'x', roles: ['a', 'b'] });
    expect(v.user).toEqual({ name: 'x', roles: ['a'] });
  });

  it('stops an endless loop at the time limit', async () => {
    const { exec } = vars();
    const t = Date.now();
    await expect(runScript('while (true) {}', exec, { timeoutMs: 100 })).rejects.toThrow(/time limit/);
    expect(Date.now() - t).toBeLessThan(2000);
  });

  it('stops a script that allocates without bound at the memory limit', async () => {
    const { exec } = vars();
    await expect(
      runScript("var a = []; for (;;) a.push('xxxxxxxxxxxxxxxxxxxxxxxx' + a.length);", exec, {
        memoryBytes: 4 * 1024 * 1024,
        timeoutMs: 5000,
      }),
    ).rejects.toThrow(/memory limit/);
  });

  it('has no access to the host (process, require, fetch)', async () => {
    const { exec } = vars();
    const r = await runScript('[typeof process, typeof require, typeof fetch, typeof globalThis.Deno].join()', exec);
    expect(r.result).toBe('undefined,undefined,undefined,undefined');
  });

  it('reports a runtime error with its line', async () => {
    const { exec } = vars();
    const err = await runScript('var a = 1;\nnull.x;', exec).catch((e) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect(err.line).toBe(2);
  });

  it('checks syntax without running and gives the line', async () => {
    expect(await checkScriptSyntax('var x = 1;\nexecution.setVariable("a", x);')).toBeNull();
    const bad = await checkScriptSyntax('var x = 1;\nvar y = ;');
    expect(bad?.line).toBe(2);
    const groovy = await checkScriptSyntax('def user = openidm.read("managed/user/1")\nuser.each { println it }');
    expect(groovy).not.toBeNull();
  });

  it('collects console output', async () => {
    const { exec } = vars();
    const r = await runScript("console.log('a', 1, {b: 2})", exec);
    expect(r.logs).toEqual(['a 1 {"b":2}']);
  });
});

describe('script sandbox: hostile scripts and the host', () => {
  it('runs an endless loop off the main thread: timers keep firing while it spins', async () => {
    const { exec } = vars();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await expect(runScript('while (true) {}', exec, { timeoutMs: 500 })).rejects.toMatchObject({ limit: 'time' });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(10);
  });

  it('names the memory limit it broke', async () => {
    const { exec } = vars();
    await expect(
      runScript("var a = []; for (;;) a.push('xxxxxxxxxxxxxxxxxxxxxxxx' + a.length);", exec, {
        memoryBytes: 8 * 1024 * 1024,
        timeoutMs: 5000,
      }),
    ).rejects.toThrow('Script exceeded its memory limit of 8 MB');
  });

  it('keeps only the allowed console output of a log flood', async () => {
    const { exec } = vars();
    await expect(
      runScript('for (;;) console.log("flood flood flood flood");', exec, { timeoutMs: 300, maxLogBytes: 1000 }),
    ).rejects.toMatchObject({ limit: 'time' });
    const r = await runScript('for (var i = 0; i < 2000; i++) console.log("line " + i); "ok"', exec, {
      maxLogBytes: 1000,
      timeoutMs: 10_000,
    });
    expect(r.logs.join('').length).toBeLessThanOrEqual(1000);
    expect(r.result).toBe('ok');
  });

  it('stops setVariable in a loop at the host-call limit, even when the script catches the error', async () => {
    const { v, exec } = vars();
    const err = await runScript(
      'for (var i = 0; ; i++) { try { execution.setVariable("v" + (i % 10), i); } catch (e) {} }',
      exec,
      { maxCalls: 100, timeoutMs: 2000 },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect(err.limit).toBe('calls');
    expect(err.message).toBe('Script exceeded its limit of 100 host calls');
    expect(Object.keys(v).length).toBeLessThanOrEqual(10);
  });

  it('refuses to pass more than the output budget to the host (200 × 1 MB variables)', async () => {
    const { v, exec } = vars();
    const err = await runScript(
      'var big = new Array(1024 * 1024).join("x"); for (var i = 0; i < 200; i++) execution.setVariable("big" + i, big);',
      exec,
      { maxOutputBytes: 2 * 1024 * 1024, memoryBytes: 32 * 1024 * 1024 },
    ).catch((e) => e);
    expect(err.limit).toBe('output');
    expect(err.message).toBe('Script exceeded its limit of 2 MB of values passed to the host');
    expect(Object.keys(v).length).toBeLessThanOrEqual(2);
  });

  it('calls async host functions synchronously from the script', async () => {
    const r = await runScript(
      'var u = openidm.read("managed/user/1"); u.userName + " " + openidm.read("managed/user/2").userName',
      {
        functions: {
          'openidm.read': async (id) => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            return { userName: `user-${String(id).split('/').pop()}` };
          },
        },
      },
    );
    expect(r.result).toBe('user-1 user-2');
  });

  it('turns a host function error into an exception the script can catch', async () => {
    const r = await runScript('try { openidm.read("x"); "no" } catch (e) { "caught: " + e.message }', {
      functions: {
        'openidm.read': async () => {
          throw new Error('Not Found');
        },
      },
    });
    expect(r.result).toBe('caught: Not Found');
  });

  it('gives Date and Date.now() the injected clock', async () => {
    const r = await runScript(
      '[Date.now(), new Date().toISOString(), new Date(0).toISOString(), new Date() instanceof Date]',
      {
        now: () => new Date('2030-05-06T07:08:09.000Z'),
      },
    );
    expect(r.result).toEqual([
      Date.parse('2030-05-06T07:08:09.000Z'),
      '2030-05-06T07:08:09.000Z',
      '1970-01-01T00:00:00.000Z',
      true,
    ]);
  });

  it('refuses prototype-shaped variable names and stores prototype-shaped keys inertly', async () => {
    const { v, exec } = vars();
    await expect(runScript('execution.setVariable("__proto__", {polluted: true})', exec)).rejects.toThrow(
      /'__proto__' is not allowed/,
    );
    await runScript('var o = JSON.parse(\'{"__proto__": {"polluted": true}}\'); execution.setVariable("o", o);', exec);
    expect(Object.hasOwn(v.o as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((v.o as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds timeoutMs by the server setting', async () => {
    const { configureScripts } = await import('../../src/runtime/script-sandbox.js');
    configureScripts({ maxTimeoutMs: 200 });
    try {
      const t = Date.now();
      await expect(runScript('while (true) {}', vars().exec, { timeoutMs: 300_000 })).rejects.toThrow(
        'Script exceeded its time limit of 200 ms',
      );
      expect(Date.now() - t).toBeLessThan(3000);
    } finally {
      configureScripts({ maxTimeoutMs: 30_000 });
    }
  });
});
