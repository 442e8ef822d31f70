import { describe, expect, it } from 'vitest';
import { compileFlowDefinition } from '../../src/dialects/flow/compile.js';
import { parseExpression, parseTemplateString } from '../../src/dialects/flow/references.js';
import type { FlowDefinitionBody } from '../../src/dialects/flow/validate.js';
import { canReach } from '../../src/runtime/graph.js';

const def = (tasks: FlowDefinitionBody['tasks'], extra: Partial<FlowDefinitionBody> = {}) => ({
  id: 'wf',
  name: 'WF',
  isDraft: false,
  tasks,
  ...extra,
});
const targets = (g: ReturnType<typeof compileFlowDefinition>, id: string) =>
  g.nodes[id]!.outgoing.map((f) => g.flows[f]!.target);

describe('FLOW dialect: compile to the process graph', () => {
  it('compiles an empty definition to start → end', () => {
    const g = compileFlowDefinition(def([]));
    expect(targets(g, 'start')).toEqual(['end']);
    expect(g.dialect).toBe('flow');
  });

  it('forks independent tasks in parallel and joins a task with several dependencies', () => {
    const g = compileFlowDefinition(
      def([
        { id: 'a', configuration: { type: 'KYC', entityId: '{{variables.e}}' } },
        { id: 'b', configuration: { type: 'AML' } },
        { id: 'c', dependsOn: ['a', 'b'], configuration: { type: 'SCRIPT', script: 'return 1' } },
      ]),
    );
    expect(g.nodes.fork__start!.type).toBe('parallelGateway');
    expect(targets(g, 'fork__start').sort()).toEqual(['a', 'b']);
    expect(g.nodes.join__c!.type).toBe('parallelGateway');
    expect(g.nodes.join__c!.incoming).toHaveLength(2);
    expect(targets(g, 'join__c')).toEqual(['c']);
    expect(g.nodes.c).toMatchObject({ type: 'scriptTask', script: { format: 'javascript', source: 'return 1' } });
    expect(g.nodes.a).toMatchObject({
      type: 'serviceTask',
      service: { expression: 'flow:KYC', resultVariable: 'tasks.a.output' },
    });
    expect(targets(g, 'c')).toEqual(['end']);
    expect(canReach(g, 'start', 'end')).toBe(true);
  });

  it('puts a conditional task behind an exclusive gateway whose default flow skips it', () => {
    const g = compileFlowDefinition(
      def([{ id: 'a', condition: 'state.x == 1', configuration: { type: 'HTTP', url: 'https://x.test' } }]),
    );
    const cond = g.nodes.cond__a!;
    expect(cond.type).toBe('exclusiveGateway');
    const conditional = cond.outgoing.map((f) => g.flows[f]!).find((f) => f.condition);
    expect(conditional).toMatchObject({ target: 'a', condition: 'state.x == 1' });
    expect(g.flows[cond.defaultFlow!]!.target).toBe('merge__a');
    expect(targets(g, 'merge__a')).toEqual(['end']);
  });

  it('joins several leaves before the end, maps WAIT to timers and retries to async nodes', () => {
    const g = compileFlowDefinition(
      def(
        [
          {
            id: 'w',
            configuration: { type: 'WAIT', durationMs: 1500 },
            errorHandling: { retryConfig: { maxAttempts: 4 } },
          },
          { id: 'u', configuration: { type: 'WAIT', until: '2030-01-01T00:00:00Z' } },
        ],
        { defaultErrorHandling: { ignoreErrors: true, retryConfig: { maxAttempts: 1, delayMs: 2000 } } },
      ),
    );
    expect(g.nodes.w).toMatchObject({
      type: 'intermediateCatchEvent',
      event: { kind: 'timer', timer: { type: 'duration', value: 'PT1.5S' } },
    });
    expect(g.nodes.w).toMatchObject({ async: true, failedJobRetryTimeCycle: 'R3/PT2S' });
    expect(g.nodes.w!.errorHandling).toMatchObject({
      ignoreErrors: true,
      retryConfig: { maxAttempts: 4, delayMs: 2000, backoffFactor: 2 },
    });
    expect(g.nodes.u!.event!.timer).toEqual({ type: 'date', value: '2030-01-01T00:00:00Z' });
    expect(g.nodes.u!.async).toBeUndefined();
    expect(targets(g, 'w')).toEqual(['join__end']);
    expect(targets(g, 'join__end')).toEqual(['end']);
  });
});

describe('FLOW templates and expressions', () => {
  it('parses templates, literal braces and whitespace inside braces', () => {
    expect(parseTemplateString('a {{ variables.x.y[0] }} \\{{b')).toEqual([
      { literal: 'a ' },
      { ref: { kind: 'variables', name: 'x', path: [{ key: 'y' }, { index: 0 }], text: 'variables.x.y[0]' } },
      { literal: ' {{b' },
    ]);
    expect(() => parseTemplateString('{{state}}')).toThrow();
    expect(() => parseTemplateString('{{tasks.a.result}}')).toThrow();
    expect(() => parseTemplateString('{{variables.x[01]}}')).toThrow();
  });

  it('parses conditions with precedence and task ids containing "-"', () => {
    const e = parseExpression('!tasks.check-1.status == "DONE" || state.n >= -2 && true');
    expect(e.type).toBe('or');
    expect(() => parseExpression('state.a + 1')).toThrow();
    expect(() => parseExpression("state.a == 'x")).toThrow();
  });
});
