/**
 * IGA orchestration definition → process graph (src/runtime/graph.ts):
 *
 * - `staticNodes.startNode` → start event `startNode`; `nextStep[].step: null` → end event `endNode`;
 * - `approvalTask` / `fulfillmentTask` / `violationTask` → a user task (candidate users and groups from `managed/user/…`
 *   and `managed/role/…` actors; expression actors and events stay on the node's `igaStep`), followed by an exclusive
 *   gateway `<step>__outcome` whose flows test the action's outcome (`outcome === "APPROVE"`) and the transition's
 *   condition; an `expiration` event becomes a boundary timer on the task that leaves with outcome EXPIRATION;
 * - `scriptTask` → a JavaScript script task; with conditional branches (If/else, Switch) it is followed by an exclusive
 *   gateway, or an inclusive one for `gatewayType: inclusive`;
 * - `waitTask` → a timer catch event at `resumeDate` (a JavaScript expression);
 * - `emailTask` → a service task `iga:email` followed by an outcome gateway (SUCCESS / FAILED).
 * Conditions are JavaScript (the graph's `dialect: 'iga'` tells the runtime), evaluated in the script sandbox with the
 * process variables and the task's `outcome`.
 */
import type { GraphFlow, GraphNode, NodeType, ProcessGraph } from '../../runtime/graph.js';
import { type Actor, bodyOf, type IgaDefinition, type NextStep, type Step } from './types.js';

export type IgaGraphNode = GraphNode & { igaStep?: Step };

export interface IgaProcessGraph extends ProcessGraph {
  dialect: 'iga';
  nodes: Record<string, IgaGraphNode>;
}

const HUMAN = new Set(['approvalTask', 'fulfillmentTask', 'violationTask']);

const isTrue = (c: string | null) => c === null || c.trim() === 'true';

/** The condition of a transition: the outcome (for steps that decide one) and the transition's own condition. */
export function transitionCondition(step: Step, n: NextStep): string | undefined {
  const parts: string[] = [];
  if (step.type !== 'scriptTask' && step.type !== 'waitTask') parts.push(`outcome === ${JSON.stringify(n.outcome)}`);
  if (!isTrue(n.condition)) parts.push(`(${n.condition})`);
  return parts.length ? parts.join(' && ') : undefined;
}

export function compileIgaDefinition(def: IgaDefinition, options: { processId?: string } = {}): IgaProcessGraph {
  const nodes: Record<string, IgaGraphNode> = {};
  const flows: Record<string, GraphFlow> = {};
  const node = (id: string, type: NodeType, extra: Partial<IgaGraphNode> = {}) => {
    nodes[id] = { id, type, parent: null, incoming: [], outgoing: [], ...extra };
    return nodes[id]!;
  };
  let count = 0;
  const connect = (source: string, target: string, condition?: string, name?: string) => {
    const id = `flow_${++count}`;
    flows[id] = { id, source, target, ...(name ? { name } : {}), ...(condition !== undefined ? { condition } : {}) };
    nodes[source]!.outgoing.push(id);
    nodes[target]!.incoming.push(id);
    return id;
  };
  node('startNode', 'startEvent', { event: { kind: 'none' }, name: 'Start' });
  node('endNode', 'endEvent', { event: { kind: 'none' }, name: 'End' });

  const actorsOf = (actors: Actor[] | unknown) => {
    const users: string[] = [];
    const groups: string[] = [];
    if (Array.isArray(actors)) {
      for (const a of actors as Actor[]) {
        if (typeof a.id !== 'string') continue;
        if (a.id.startsWith('managed/user/')) users.push(a.id);
        else if (a.id.startsWith('managed/role/')) groups.push(a.id);
      }
    }
    return { users, groups };
  };

  for (const step of def.steps) {
    const body = bodyOf(step) ?? {};
    const base = { name: step.displayName || step.name, igaStep: step };
    if (HUMAN.has(step.type)) {
      const { users, groups } = actorsOf(body.actors);
      node(step.name, 'userTask', {
        ...base,
        userTask: { candidateUsers: users, candidateGroups: groups, formProperties: [], category: step.type },
      });
      const expiration = body.events?.expiration;
      if (expiration?.date) {
        const id = `${step.name}__expiration`;
        node(id, 'boundaryEvent', {
          attachedTo: step.name,
          cancelActivity: true,
          event: { kind: 'timer', timer: { type: 'date', value: expiration.date.value } },
        });
        nodes[step.name]!.boundaryEvents = [id];
      }
    } else if (step.type === 'scriptTask') {
      node(step.name, 'scriptTask', {
        ...base,
        script: { format: body.language ?? 'javascript', source: body.script ?? '' },
      });
    } else if (step.type === 'waitTask') {
      node(step.name, 'intermediateCatchEvent', {
        ...base,
        event: { kind: 'timer', timer: { type: 'date', value: body.resumeDate?.value ?? '' } },
      });
    } else {
      node(step.name, 'serviceTask', { ...base, service: { expression: 'iga:email', resultVariable: 'outcome' } });
    }
  }

  const start = def.staticNodes.startNode.connections.start;
  connect('startNode', start && nodes[start] ? start : 'endNode');

  for (const step of def.steps) {
    const next = bodyOf(step)?.nextStep ?? [];
    const target = (n: NextStep) => (n.step === null ? 'endNode' : n.step);
    const conditions = next.map((n) => transitionCondition(step, n));
    if (next.length === 1 && conditions[0] === undefined) {
      connect(step.name, target(next[0]!));
      continue;
    }
    if (next.length === 0) continue;
    const inclusive = step.type === 'scriptTask' && bodyOf(step)?.gatewayType === 'inclusive';
    const gateway = node(
      `${step.name}__${step.type === 'scriptTask' ? 'gateway' : 'outcome'}`,
      inclusive ? 'inclusiveGateway' : 'exclusiveGateway',
    );
    connect(step.name, gateway.id);
    next.forEach((n, i) => {
      const flow = connect(gateway.id, target(n), conditions[i], n.outcome);
      if (conditions[i] === undefined && !gateway.defaultFlow) gateway.defaultFlow = flow;
    });
    const boundary = nodes[step.name]!.boundaryEvents?.[0];
    if (boundary) {
      // The expiration timer leaves through the same outcome gateway, with outcome EXPIRATION (or REJECT).
      connect(boundary, gateway.id);
    }
  }

  return {
    id: options.processId ?? def.id,
    name: def.displayName || def.name,
    ...(def.description ? { documentation: def.description } : {}),
    isExecutable: true,
    startNodeId: 'startNode',
    nodes,
    flows,
    candidateStarterUsers: [],
    candidateStarterGroups: [],
    dialect: 'iga',
  };
}
