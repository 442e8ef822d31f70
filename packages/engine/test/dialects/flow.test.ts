import { describe, expect, it } from 'vitest';
import {
  CALL_BEHAVIOUR,
  compileFlowDefinition,
  type FlowGraphNode,
  retryDelays,
  TASK_BEHAVIOUR,
  TIMEOUT_BEHAVIOUR,
} from '../../src/dialects/flow/compile.js';
import { parseExpression, parseTemplateString } from '../../src/dialects/flow/references.js';
import type { FlowDefinitionBody } from '../../src/dialects/flow/validate.js';
import { canReach } from '../../src/runtime/graph.js';

const def = (tasks: FlowDefinitionBody['tasks'], extra: Partial<FlowDefinitionBody> = {}) => ({
  name: 'WF',
  tasks,
  ...extra,
});
type Graph = ReturnType<typeof compileFlowDefinition>;
const targets = (g: Graph, id: string) => g.nodes[id]!.outgoing.map((f) => g.flows[f]!.target);
const node = (g: Graph, id: string) => g.nodes[id] as FlowGraphNode;

describe('FLOW dialect: the graph an execution runs', () => {
  it('compiles an empty definition to start → (timeout branch, background gateway) → finish → terminate', () => {
    const g = compileFlowDefinition(def([]), 'flow/c//wf');
    expect(g.id).toBe('flow/c//wf');
    expect(targets(g, 'start')).toEqual(['fork__run']);
    // the timeout branch comes first so it settles before the main branch can terminate the instance
    expect(targets(g, 'fork__run')).toEqual(['timeout__', 'bg__']);
    expect(targets(g, 'bg__merge')).toEqual(['finish__']);
    expect(g.nodes.end!.event).toEqual({ kind: 'terminate' });
    expect(g.nodes.timeout__timer!.event).toEqual({
      kind: 'timer',
      timer: { type: 'date', value: '${flowTimeoutAt}' },
    });
    expect(targets(g, 'timeout__timer')).toEqual(['timeout__fire']);
    expect(g.nodes.timeout__fire!.service).toEqual({ expression: '', behaviour: TIMEOUT_BEHAVIOUR });
    expect(g.nodes.timeout__end!.event).toEqual({ kind: 'terminate' });
    expect(canReach(g, 'start', 'end')).toBe(true);
  });

  it('forks independent tasks, joins a task with several dependencies; HTTP, SCRIPT and checks are external', () => {
    const g = compileFlowDefinition(
      def([
        { id: 'a', configuration: { type: 'KYC', entityId: '{{variables.e}}' } },
        { id: 'b', configuration: { type: 'SET_VARIABLES', values: { x: 1 } } },
        { id: 'c', dependsOn: ['a', 'b'], configuration: { type: 'SCRIPT', script: 'return 1' } },
        {
          id: 'd',
          dependsOn: ['c'],
          condition: 'state.x == 1',
          configuration: { type: 'HTTP', url: 'https://x.test' },
        },
      ]),
      'wf',
    );
    expect(targets(g, 'bg__merge')).toEqual(['fork__start']);
    expect(targets(g, 'fork__start').sort()).toEqual(['a', 'b']);
    expect(g.nodes.join__c!.type).toBe('parallelGateway');
    expect(targets(g, 'join__c')).toEqual(['c']);
    expect(g.nodes.a!.service!.behaviour).toBe(CALL_BEHAVIOUR);
    expect(g.nodes.c!.service!.behaviour).toBe(CALL_BEHAVIOUR);
    expect(g.nodes.d!.service!.behaviour).toBe(CALL_BEHAVIOUR);
    expect(g.nodes.b!.service!.behaviour).toBe(TASK_BEHAVIOUR);
    // a condition is applied by the behaviour (SKIPPED), so the task is entered like any other
    expect(targets(g, 'c')).toEqual(['d']);
    expect(targets(g, 'd')).toEqual(['finish__']);
    expect(node(g, 'd').upstream!.sort()).toEqual(['a', 'b', 'c']);
  });

  it('maps WAIT to a timer on its own variable, merges error handling and turns retries into delays', () => {
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
      'wf',
    );
    expect(node(g, 'w').waitVar).toBe('flowWait0');
    expect(g.nodes.timer__w!.event).toEqual({ kind: 'timer', timer: { type: 'date', value: '${flowWait0}' } });
    expect(targets(g, 'wait__w').sort()).toEqual(['timer__w', 'waited__w']);
    expect(node(g, 'w').errorHandling).toMatchObject({
      ignoreErrors: true,
      retryConfig: { maxAttempts: 4, delayMs: 2000, backoffFactor: 2 },
    });
    expect(targets(g, 'waited__w')).toEqual(['join__end']);
    expect(targets(g, 'join__end')).toEqual(['finish__']);
    expect(retryDelays(node(g, 'w').errorHandling!.retryConfig)).toEqual([2000, 4000, 8000]);
    expect(retryDelays({ maxAttempts: 4, delayMs: 100, backoffFactor: 3, maxDelayMs: 500 })).toEqual([100, 300, 500]);
    expect(retryDelays({ maxAttempts: 1, delayMs: 100, backoffFactor: 3 })).toEqual([]);
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
