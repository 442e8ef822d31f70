import { describe, expect, it } from 'vitest';
import { compileGroovyScript, GroovyCompileError, groovyToJavaScript } from '../../src/runtime/languages/groovy.js';
import { runScript } from '../../src/runtime/script-sandbox.js';

/** Runs Groovy in the sandbox with the given variables; answers the variables it set and its result. */
async function run(source: string, vars: Record<string, unknown> = {}) {
  const set: Record<string, unknown> = {};
  const r = await runScript(compileGroovyScript(source), {
    getVariable: (n) => vars[n],
    setVariable: (n, v) => {
      set[n] = v;
    },
    getVariables: () => ({ ...vars }),
    globals: vars,
  });
  return { set, result: r.result, logs: r.logs };
}

describe('Groovy scripts compiled to JavaScript', () => {
  it('turns def and typed declarations into var, keeping every line where it was', () => {
    const js = groovyToJavaScript(
      'def a = 1\nString b = "x"\njava.text.SimpleDateFormat f = new java.text.SimpleDateFormat("yyyy")\nMap<String, Object> m = [:]',
    );
    expect(js.split('\n')).toHaveLength(4);
    expect(js).toMatch(/^var a = 1\nvar b = "x"\nvar f = new java\.text\.SimpleDateFormat\("yyyy"\)\nvar m = \{\}$/);
  });

  it('runs map and list literals, GStrings, closures and the GDK methods IDM scripts use', async () => {
    const { set } = await run(
      `def options = [ 'accept' : 'common.form.accept' , 'reject' : 'common.form.reject', '__null' : '  ']
       def params = [_queryId:'for-userName', uid: startUserId]
       def names = ['a', 'bb', 'ccc'].collect { it.size() }
       def total = 0
       names.each { n -> total += n }
       def big = names.findAll { it > 1 }
       def greeting = "Hello \${startUserId}, you have \${names.size()} items and $startUserId again"
       execution.setVariable("options", options)
       execution.setVariable("params", params)
       execution.setVariable("total", total)
       execution.setVariable("big", big)
       execution.setVariable("greeting", greeting)
       execution.setVariable("fallback", missing ?: 'none')`,
      { startUserId: 'bjensen', missing: null },
    );
    expect(set.options).toEqual({ accept: 'common.form.accept', reject: 'common.form.reject', __null: '  ' });
    expect(set.params).toEqual({ _queryId: 'for-userName', uid: 'bjensen' });
    expect(set.total).toBe(6);
    expect(set.big).toEqual([2, 3]);
    expect(set.greeting).toBe('Hello bjensen, you have 3 items and bjensen again');
    expect(set.fallback).toBe('none');
  });

  it('formats dates as java.text.SimpleDateFormat does in UTC', async () => {
    const { set } = await run(
      `java.text.SimpleDateFormat formatUTC = new java.text.SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.S'Z'");
       formatUTC.setTimeZone(TimeZone.getTimeZone("UTC"));
       requestDate = formatUTC.format(new Date(Date.UTC(2025, 5, 1, 8, 12, 3, 117)));
       execution.setVariable("requestDate", requestDate)`,
    );
    expect(set.requestDate).toBe('2025-06-01T08:12:03.117Z');
  });

  it('supports for-in and typed for-each loops, maps with get/put, if/else blocks', async () => {
    const { set } = await run(
      `def m = new HashMap()
       m.put("x", 1)
       for (k in ['a', 'b']) { m.put(k, k.size()) }
       for (String s : ['cc']) { m.put(s, 2) }
       if (m.containsKey('x')) { execution.setVariable('hasX', m.get('x')) } else { execution.setVariable('hasX', false) }
       execution.setVariable('m', m)`,
    );
    expect(set.hasX).toBe(1);
    expect(set.m).toEqual({ x: 1, a: 1, b: 1, cc: 2 });
  });

  it('reports the Groovy line of a runtime error', async () => {
    await expect(run('def a = 1\ndef b = a.nothing.deeper\n')).rejects.toMatchObject({ line: 2 });
  });

  it('refuses what it cannot translate with the line: imports, classes, casts, ranges', () => {
    expect(() => groovyToJavaScript('def a = 1\nimport java.util.List')).toThrow(GroovyCompileError);
    expect(() => groovyToJavaScript('def a = 1\n\ndef r = 1..3')).toThrow(/line 3/);
    expect(() => groovyToJavaScript('def x = y as String')).toThrow(/'as' casts/);
    expect(() => groovyToJavaScript('def s = "unterminated')).toThrow(/unterminated string/);
  });

  it('keeps JavaScript-compatible Groovy as it is', () => {
    const src = "execution.setVariable('x', execution.getVariable('y') + 1);";
    expect(groovyToJavaScript(src)).toBe(src);
  });

  it('passes a trailing closure after arguments as the last argument', async () => {
    const { set } = await run(
      `def out = []
       [3, 1, 2].sort().each({ out.add(it * 2) })
       def joined = out.inject ? 'no' : out.join('-')
       execution.setVariable('joined', joined)`,
    );
    expect(set.joined).toBe('2-4-6');
  });
});
