import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  evaluate,
  evaluateCondition,
  HostObject,
  parseTemplate,
  variablesContext,
} from '../../src/runtime/expressions/index.js';

const ctx = (vars: Record<string, unknown>) => variablesContext(vars);

describe('expression evaluator (JUEL subset)', () => {
  it('compares strings with == and eq', () => {
    expect(evaluateCondition("${decision=='accept'}", ctx({ decision: 'accept' }))).toBe(true);
    expect(evaluateCondition("${decision eq 'accept'}", ctx({ decision: 'reject' }))).toBe(false);
    expect(evaluateCondition('${decision != "accept"}', ctx({ decision: 'reject' }))).toBe(true);
    expect(evaluateCondition("${decision ne 'reject'}", ctx({ decision: 'reject' }))).toBe(false);
  });

  it('compares numbers with symbols and keywords', () => {
    const c = ctx({ amount: 150 });
    expect(evaluateCondition('${amount > 100}', c)).toBe(true);
    expect(evaluateCondition('${amount lt 100}', c)).toBe(false);
    expect(evaluateCondition('${amount gt 100 and amount le 150}', c)).toBe(true);
    expect(evaluateCondition('${amount >= 151 || amount <= 149}', c)).toBe(false);
    expect(evaluateCondition("${amount == '150'}", c)).toBe(true);
  });

  it('handles not, !, and, or, &&, ||', () => {
    const c = ctx({ a: true, b: false });
    expect(evaluateCondition('${!b}', c)).toBe(true);
    expect(evaluateCondition('${not a}', c)).toBe(false);
    expect(evaluateCondition('${a && !b}', c)).toBe(true);
    expect(evaluateCondition('${b or a}', c)).toBe(true);
    expect(evaluateCondition('${passwordChanged}', ctx({ passwordChanged: 'true' }))).toBe(true);
  });

  it('evaluates empty on null, strings, lists and maps', () => {
    const c = ctx({ s: '', l: [], m: {}, n: null, x: 'y', k: [1] });
    expect(evaluate('${empty s}', c)).toBe(true);
    expect(evaluate('${empty l}', c)).toBe(true);
    expect(evaluate('${empty m}', c)).toBe(true);
    expect(evaluate('${empty n}', c)).toBe(true);
    expect(evaluate('${empty x}', c)).toBe(false);
    expect(evaluate('${not empty k}', c)).toBe(true);
  });

  it('evaluates the ternary operator and arithmetic', () => {
    const c = ctx({ n: 3 });
    expect(evaluate("${n > 2 ? 'big' : 'small'}", c)).toBe('big');
    expect(evaluate('${n * 2 + 1}', c)).toBe(7);
    expect(evaluate('${n mod 2}', c)).toBe(1);
    expect(evaluate('${-n}', c)).toBe(-3);
  });

  it('reads nested properties and indexes', () => {
    const c = ctx({ employee: { firstName: 'Ada', tags: ['x', 'y'] } });
    expect(evaluate('${employee.firstName}', c)).toBe('Ada');
    expect(evaluate("${employee['firstName']}", c)).toBe('Ada');
    expect(evaluate('${employee.tags[1]}', c)).toBe('y');
    expect(evaluate('${employee.missing}', c)).toBe(null);
  });

  it('calls string methods such as equals', () => {
    const c = ctx({ s: 'Hello' });
    expect(evaluate("${s.equals('Hello')}", c)).toBe(true);
    expect(evaluate("${s.equalsIgnoreCase('hello')}", c)).toBe(true);
    expect(evaluate("${s.startsWith('He') && s.contains('ll')}", c)).toBe(true);
    expect(evaluate('${s.toUpperCase()}', c)).toBe('HELLO');
    expect(evaluate('${s.length()}', c)).toBe(5);
    expect(evaluate('${s.substring(1, 3)}', c)).toBe('el');
  });

  it('renders mixed text templates as strings', () => {
    expect(evaluate('Dear ${name}, you owe ${amount}', ctx({ name: 'Bo', amount: 3 }))).toBe('Dear Bo, you owe 3');
    expect(evaluate('no expression', ctx({}))).toBe('no expression');
  });

  it('refuses prototype access', () => {
    const c = ctx({ x: {}, s: 'a', l: [] });
    expect(() => evaluate('${x.constructor}', c)).toThrow(ExpressionError);
    expect(() => evaluate('${x.__proto__}', c)).toThrow(/not allowed/);
    expect(() => evaluate("${x['__proto__']}", c)).toThrow(/not allowed/);
    expect(() => evaluate('${s.constructor}', c)).toThrow(ExpressionError);
    expect(() => evaluate('${l.constructor}', c)).toThrow(ExpressionError);
    expect(() => evaluate('${constructor}', c)).toThrow(ExpressionError);
    expect(() => evaluate("${s.constructor.constructor('return process')()}", c)).toThrow(ExpressionError);
    expect(() => evaluate('${x.toString()}', c)).toThrow(ExpressionError);
    expect(() => evaluate('${x.hasOwnProperty}', c)).not.toThrow();
    expect(evaluate('${x.hasOwnProperty}', c)).toBe(null);
  });

  it('reports unknown variables and syntax errors with a position', () => {
    expect(() => evaluate('${missing == 1}', ctx({}))).toThrow(/Unknown property used in expression: 'missing'/);
    expect(() => parseTemplate('${a ==}')).toThrow(/position 7/);
    expect(() => parseTemplate('${a')).toThrow(/Unterminated/);
    expect(() => parseTemplate("${'abc}")).toThrow(ExpressionError);
  });

  it('calls only the declared methods of host objects', () => {
    const host = new HostObject({ greet: (n) => `hi ${n}` }, { version: 8 });
    const c = variablesContext({}, { idm: host });
    expect(evaluate("${idm.greet('x')}", c)).toBe('hi x');
    expect(evaluate('${idm.version}', c)).toBe(8);
    expect(() => evaluate('${idm.methods}', c)).toThrow(ExpressionError);
    expect(() => evaluate('${idm.other()}', c)).toThrow(/Unknown method/);
  });
});
