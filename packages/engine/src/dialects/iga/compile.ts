/**
 * IGA orchestration definition → process graph (src/runtime/graph.ts):
 *
 * - `staticNodes.startNode` → start event `startNode`; `nextStep[].step: null` → end event `endNode`;
 * - `approvalTask` / `fulfillmentTask` / `violationTask` → a user task (candidate users and groups from `managed/user/…`
 *   and `managed/role/…` actors) whose input parameter `actors` (a local variable of the task's execution while open)
 *   lists each actor with its permissions, expression ids evaluated when the step starts (the request reads its
 *   phase's actors there; reassign replaces it); followed by an exclusive gateway `<step>__outcome` whose flows test
 *   the action's outcome (`outcome === "APPROVE"`) and the transition's condition; an `expiration` event becomes an
 *   optional boundary timer `<step>__expiration` on the task (no date: it never expires) whose output sets the outcome
 *   (EXPIRATION when the step has that transition, else the expiration's action) before the same outcome gateway;
 * - `scriptTask` → a JavaScript script task; with conditional branches (If/else, Switch) it is followed by an exclusive
 *   gateway, or an inclusive one for `gatewayType: inclusive`;
 * - `waitTask` → an optional timer catch event at `resumeDate` (no date: it resumes at once);
 * - `emailTask` → a service task running IGA's `iga.email` behaviour (apis/iga/email.ts) over its input parameter `email`
 *   (recipients, template, object), followed by an outcome gateway (SUCCESS / FAILED).
 * The graph's language is JavaScript (runtime/languages): conditions, actor ids and dates are evaluated in the script
 * sandbox with the process variables in scope and the runtime's clock; an expression that fails is null (a condition
 * false, an actor left out, a date absent), as IGA reads them. Scripts get IGA's prelude from its script host
 * (apis/iga/openidm/prelude.ts), not from the graph.
 */
import type { AssignedValue, GraphFlow, GraphNode, NodeType, ProcessGraph } from '../../runtime/graph.js';
import {
  type Actor,
  bodyOf,
  type Expression,
  type IgaDefinition,
  type NextStep,
  type Step,
  type StepBody,
} from './types.js';

export type IgaGraphNode = GraphNode & { igaStep?: Step };

export interface IgaProcessGraph extends ProcessGraph {
  dialect: 'iga';
  nodes: Record<string, IgaGraphNode>;
}

/**
 * The version of what this compiler produces: a request deploys a definition once per rev, body and this version, so
 * a definition deployed by an earlier compiler is compiled again.
 */
export const IGA_GRAPH_VERSION = 2;

/** The service behaviour of email steps (apis/iga/email.ts). */
export const EMAIL_BEHAVIOUR = 'iga.email';

/** A definition's value as a JavaScript expression: `{isExpression, value}` as written, anything else a literal. */
function expressionOf(v: unknown): AssignedValue {
  const e = v as Partial<Expression> | null | undefined;
  if (e && typeof e === 'object' && e.isExpression === true && typeof e.value === 'string') return e.value;
  if (e && typeof e === 'object' && 'value' in e) return { literal: e.value ?? null };
  return { literal: v ?? null };
}

/** A timer value: an expression as written, a literal date as a JavaScript string. */
function timerValue(v: Expression | undefined): string {
  const x = expressionOf(v);
  return typeof x === 'string' ? x : JSON.stringify(String((x as { literal: unknown }).literal ?? ''));
}

const asString = (v: AssignedValue): AssignedValue => (typeof v === 'string' ? `String((${v}\n))` : v);

/** A human step's actors with their permissions, each id a JavaScript expression or a literal. */
function actorsInput(actors: Actor[] | Expression | undefined): AssignedValue {
  if (!Array.isArray(actors)) return actors ? expressionOf(actors) : { literal: [] };
  return {
    list: actors.map((a) => ({
      map: {
        // As a string, as the request lists it (an id that fails or is not an actor id is left out there).
        id: typeof a.id === 'string' ? { literal: a.id } : asString(expressionOf(a.id)),
        permissions: { literal: a.permissions ?? {} },
      },
    })),
  };
}

/** An email step's message fields (the behaviour adds the request and the step). */
function emailInput(body: StepBody): AssignedValue {
  const object = (body.object ?? {}) as Record<string, unknown>;
  return {
    map: {
      to: expressionOf(body.to),
      cc: expressionOf(body.cc),
      bcc: expressionOf(body.bcc),
      templateName: expressionOf(body.templateName),
      object: { map: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, expressionOf(v)])) },
    },
  };
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

/** The graph under construction: nodes, flows and the two ways to add to them. */
interface GraphBuild {
  nodes: Record<string, IgaGraphNode>;
  flows: Record<string, GraphFlow>;
  node(id: string, type: NodeType, extra?: Partial<IgaGraphNode>): IgaGraphNode;
  connect(source: string, target: string, condition?: string, name?: string): string;
}

function graphBuild(): GraphBuild {
  const nodes: Record<string, IgaGraphNode> = {};
  const flows: Record<string, GraphFlow> = {};
  let count = 0;
  return {
    nodes,
    flows,
    node(id, type, extra = {}) {
      nodes[id] = { id, type, parent: null, incoming: [], outgoing: [], ...extra };
      return nodes[id]!;
    },
    connect(source, target, condition, name) {
      const id = `flow_${++count}`;
      flows[id] = { id, source, target, ...(name ? { name } : {}), ...(condition !== undefined ? { condition } : {}) };
      nodes[source]!.outgoing.push(id);
      nodes[target]!.incoming.push(id);
      return id;
    },
  };
}

export function compileIgaDefinition(def: IgaDefinition, options: { processId?: string } = {}): IgaProcessGraph {
  const g = graphBuild();
  g.node('startNode', 'startEvent', { event: { kind: 'none' }, name: 'Start' });
  g.node('endNode', 'endEvent', { event: { kind: 'none' }, name: 'End' });
  for (const step of def.steps) addStep(g, step);
  const start = def.staticNodes.startNode.connections.start;
  g.connect('startNode', start && g.nodes[start] ? start : 'endNode');
  for (const step of def.steps) connectStep(g, step);
  return {
    id: options.processId ?? def.id,
    name: def.displayName || def.name,
    ...(def.description ? { documentation: def.description } : {}),
    isExecutable: true,
    startNodeId: 'startNode',
    nodes: g.nodes,
    flows: g.flows,
    candidateStarterUsers: [],
    candidateStarterGroups: [],
    dialect: 'iga',
    language: 'javascript',
    expressionErrors: 'null',
  };
}

/** Candidates are expressions in the graph's language: a static actor id is a JavaScript string literal. */
function actorsOf(actors: Actor[] | unknown): { users: string[]; groups: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  if (Array.isArray(actors)) {
    for (const a of actors as Actor[]) {
      if (typeof a.id !== 'string') continue;
      if (a.id.startsWith('managed/user/')) users.push(JSON.stringify(a.id));
      else if (a.id.startsWith('managed/role/')) groups.push(JSON.stringify(a.id));
    }
  }
  return { users, groups };
}

/** A step's node: a user task for a human step (with its expiration timer), a script, a wait timer or an email. */
function addStep(g: GraphBuild, step: Step): void {
  const body = bodyOf(step) ?? {};
  const base = { name: step.displayName || step.name, igaStep: step };
  if (HUMAN.has(step.type)) {
    const { users, groups } = actorsOf(body.actors);
    g.node(step.name, 'userTask', {
      ...base,
      userTask: { candidateUsers: users, candidateGroups: groups, formProperties: [], category: step.type },
      inputOutput: { inputs: [{ name: 'actors', value: actorsInput(body.actors) }], outputs: [] },
    });
    const expiration = body.events?.expiration;
    if (expiration?.date) {
      const id = `${step.name}__expiration`;
      const hasExpiration = (body.nextStep ?? []).some((n) => n.outcome === 'EXPIRATION');
      const action = typeof expiration.action === 'string' ? expiration.action.toUpperCase() : '';
      g.node(id, 'boundaryEvent', {
        attachedTo: step.name,
        cancelActivity: true,
        event: { kind: 'timer', timer: { type: 'date', value: timerValue(expiration.date), optional: true } },
        inputOutput: {
          inputs: [],
          outputs: [{ name: 'outcome', value: { literal: hasExpiration ? 'EXPIRATION' : action || 'EXPIRATION' } }],
        },
      });
      g.nodes[step.name]!.boundaryEvents = [id];
    }
  } else if (step.type === 'scriptTask') {
    g.node(step.name, 'scriptTask', {
      ...base,
      script: { format: body.language ?? 'javascript', source: body.script ?? '' },
    });
  } else if (step.type === 'waitTask') {
    g.node(step.name, 'intermediateCatchEvent', {
      ...base,
      event: { kind: 'timer', timer: { type: 'date', value: timerValue(body.resumeDate), optional: true } },
    });
  } else {
    g.node(step.name, 'serviceTask', {
      ...base,
      service: { expression: '', behaviour: EMAIL_BEHAVIOUR, resultVariable: 'outcome' },
      inputOutput: { inputs: [{ name: 'email', value: emailInput(body) }], outputs: [] },
    });
  }
}

/** A step's transitions: one plain flow, or a gateway choosing by outcome and condition. */
function connectStep(g: GraphBuild, step: Step): void {
  const next = bodyOf(step)?.nextStep ?? [];
  const target = (n: NextStep) => (n.step === null ? 'endNode' : n.step);
  const conditions = next.map((n) => transitionCondition(step, n));
  if (next.length === 1 && conditions[0] === undefined) {
    g.connect(step.name, target(next[0]!));
    return;
  }
  if (next.length === 0) return;
  const inclusive = step.type === 'scriptTask' && bodyOf(step)?.gatewayType === 'inclusive';
  const gateway = g.node(
    `${step.name}__${step.type === 'scriptTask' ? 'gateway' : 'outcome'}`,
    inclusive ? 'inclusiveGateway' : 'exclusiveGateway',
  );
  g.connect(step.name, gateway.id);
  next.forEach((n, i) => {
    const flow = g.connect(gateway.id, target(n), conditions[i], n.outcome);
    if (conditions[i] === undefined && !gateway.defaultFlow) gateway.defaultFlow = flow;
  });
  // The expiration timer leaves through the same outcome gateway, with outcome EXPIRATION (or REJECT).
  const boundary = g.nodes[step.name]!.boundaryEvents?.[0];
  if (boundary) g.connect(boundary, gateway.id);
}
