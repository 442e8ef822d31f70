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
