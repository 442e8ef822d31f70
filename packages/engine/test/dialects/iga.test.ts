import { describe, expect, it } from 'vitest';
import { compileIgaDefinition } from '../../src/dialects/iga/compile.js';
import { canReach } from '../../src/runtime/graph.js';
import { definition } from '../iga/helpers.js';

const out = (g: ReturnType<typeof compileIgaDefinition>, id: string) =>
  g.nodes[id]!.outgoing.map((f) => ({
    target: g.flows[f]!.target,
    condition: g.flows[f]!.condition,
    name: g.flows[f]!.name,
  }));

describe('IGA dialect: compile to the process graph', () => {
  const g = compileIgaDefinition(definition('wf'));

  it('connects the start node to the first step and null transitions to the end node', () => {
    expect(g).toMatchObject({
      id: 'wf',
      startNodeId: 'startNode',
      dialect: 'iga',
      language: 'javascript',
      expressionErrors: 'null',
    });
    expect(out(g, 'startNode')).toEqual([{ target: 'scriptTask-000000000001', condition: undefined, name: undefined }]);
    expect(out(g, 'scriptTask-000000000004')).toEqual([{ target: 'endNode', condition: undefined, name: undefined }]);
    expect(canReach(g, 'startNode', 'endNode')).toBe(true);
  });

  it('turns an approval task into a user task with candidates, its actors as an input and an outcome gateway', () => {
    expect(g.nodes['approvalTask-000000000003']).toMatchObject({
      type: 'userTask',
      // Candidates are JavaScript, the graph's language: a static id is a string literal.
      userTask: { candidateUsers: [], candidateGroups: ['"managed/role/approvers"'], category: 'approvalTask' },
      boundaryEvents: ['approvalTask-000000000003__expiration'],
    });
    const actors = g.nodes['approvalTask-000000000003']!.inputOutput!.inputs;
    expect(actors.map((a) => a.name)).toEqual(['actors']);
    expect((actors[0]!.value as { list: unknown[] }).list).toEqual([
      {
        map: {
          id: { literal: 'managed/role/approvers' },
          permissions: { literal: expect.objectContaining({ approve: true }) },
        },
      },
      {
        map: {
          id: 'String(("managed/user/" + requestIndex.manager.id\n))',
          permissions: { literal: expect.any(Object) },
        },
      },
    ]);
    expect(out(g, 'approvalTask-000000000003')).toEqual([
      { target: 'approvalTask-000000000003__outcome', condition: undefined, name: undefined },
    ]);
    expect(out(g, 'approvalTask-000000000003__outcome')).toEqual([
      { target: 'scriptTask-000000000004', condition: 'outcome === "APPROVE"', name: 'APPROVE' },
      { target: 'scriptTask-000000000005', condition: 'outcome === "REJECT"', name: 'REJECT' },
      { target: 'scriptTask-000000000005', condition: 'outcome === "EXPIRATION"', name: 'EXPIRATION' },
    ]);
    expect(g.nodes['approvalTask-000000000003__expiration']).toMatchObject({
      type: 'boundaryEvent',
      event: {
        kind: 'timer',
        timer: { type: 'date', value: 'new Date(Date.now() + 7 * 864e5).toISOString()', optional: true },
      },
      inputOutput: { outputs: [{ name: 'outcome', value: { literal: 'EXPIRATION' } }] },
    });
  });

  it('turns an If/else script into a script task and an exclusive gateway with JavaScript conditions', () => {
    expect(g.nodes['exclusiveGateway-000000000002']!.type).toBe('scriptTask');
    expect(g.nodes['exclusiveGateway-000000000002__gateway']!.type).toBe('exclusiveGateway');
    expect(out(g, 'exclusiveGateway-000000000002__gateway').map((f) => f.condition)).toEqual([
      '(failureReason == null)',
      '(failureReason != null)',
    ]);
  });

  it('makes a Switch an inclusive gateway, a wait task a timer and an email task a service task', () => {
    const d = definition('wf2');
    d.steps[1].scriptTask.gatewayType = 'inclusive';
    d.steps[3] = {
      name: 'waitTask-1',
      displayName: 'Wait',
      type: 'waitTask',
      waitTask: {
        nextStep: [{ condition: 'true', outcome: 'COMPLETE', step: 'emailTask-1' }],
        resumeDate: { isExpression: true, value: 'requestIndex.request.common.startDate' },
      },
    };
    d.steps.push({
      name: 'emailTask-1',
      displayName: 'Mail',
      type: 'emailTask',
      emailTask: { nextStep: [{ condition: null, outcome: 'SUCCESS', step: null }], templateName: 'requestApproved' },
    });
    d.steps[2].approvalTask.nextStep[0].step = 'waitTask-1';
    const g2 = compileIgaDefinition(d);
    expect(g2.nodes['exclusiveGateway-000000000002__gateway']!.type).toBe('inclusiveGateway');
    expect(g2.nodes['waitTask-1']).toMatchObject({
      type: 'intermediateCatchEvent',
      event: { kind: 'timer', timer: { type: 'date', value: 'requestIndex.request.common.startDate', optional: true } },
    });
    expect(out(g2, 'waitTask-1')).toEqual([{ target: 'emailTask-1', condition: undefined, name: undefined }]);
    expect(g2.nodes['emailTask-1']).toMatchObject({
      type: 'serviceTask',
      service: { behaviour: 'iga.email', resultVariable: 'outcome' },
      inputOutput: {
        inputs: [
          { name: 'email', value: { map: expect.objectContaining({ templateName: { literal: 'requestApproved' } }) } },
        ],
      },
    });
    expect(out(g2, 'emailTask-1__outcome')).toEqual([
      { target: 'endNode', condition: 'outcome === "SUCCESS"', name: 'SUCCESS' },
    ]);
  });

  it('is the graph the runtime runs: no generated script nodes, no sentinel variables', () => {
    // The runtime evaluates the graph's JavaScript itself (runtime/languages): nothing is rewritten before a request
    // deploys it, so the compiled graph has only the definition's own steps, their gateways and expiration timers.
    const text = JSON.stringify(g);
    expect(Object.keys(g.nodes).filter((id) => /__(eval|prepare|expired)$/.test(id))).toEqual([]);
    expect(text).not.toMatch(/__(actors|due|resume|deadline|expired|cond)_?/);
    expect(text).not.toContain('9999');
    const scripts = Object.values(g.nodes).filter((n) => n.type === 'scriptTask');
    const steps = definition('wf').steps.filter((st: { type: string }) => st.type === 'scriptTask');
    expect(scripts.map((n) => n.id).sort()).toEqual(steps.map((st: { name: string }) => st.name).sort());
  });
});
