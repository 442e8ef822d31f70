/**
 * `_action=validate` of an IGA workflow definition: every rule of specs/iga.yaml `ValidationProblem.rule`, each problem
 * with its step and field (a JSON pointer into the body). Conditions, scripts and expressions are parsed as JavaScript
 * with acorn (parsed, never run).
 */
import { parse, parseExpressionAt } from 'acorn';
import {
  type Actor,
  bodyOf,
  type Events,
  type Expression,
  type IgaDefinition,
  STEP_TYPES,
  type StepType,
} from './types.js';

export type ValidationRule =
  | 'schema'
  | 'idMismatch'
  | 'duplicateStepName'
  | 'invalidStepName'
  | 'unknownStepType'
  | 'missingStepBody'
  | 'extraStepBody'
  | 'missingField'
  | 'unknownNextStep'
  | 'invalidOutcome'
  | 'duplicateOutcome'
  | 'missingOutcome'
  | 'invalidCondition'
  | 'invalidScript'
  | 'invalidExpression'
  | 'invalidActor'
  | 'invalidPermission'
  | 'invalidEvent'
  | 'missingStart'
  | 'unreachableStep'
  | 'noPathToEnd';

export interface ValidationProblem {
  step: string | null;
  field: string;
  rule: ValidationRule;
  message: string;
}

const STEP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const ACTOR_ID = /^managed\/(user|role)\/[^/\s]+$/;

/** Outcomes per type: allowed (null = any name) and required. */
const OUTCOMES: Record<StepType, { allowed: string[] | null; required: string[] }> = {
  approvalTask: { allowed: ['APPROVE', 'REJECT', 'EXPIRATION'], required: ['APPROVE', 'REJECT'] },
  fulfillmentTask: { allowed: ['FULFILL', 'DENY'], required: ['FULFILL', 'DENY'] },
  violationTask: { allowed: ['REMEDIATE', 'ALLOW', 'EXPIRATION'], required: ['REMEDIATE', 'ALLOW'] },
  emailTask: { allowed: ['SUCCESS', 'FAILED'], required: ['SUCCESS'] },
  waitTask: { allowed: ['COMPLETE'], required: ['COMPLETE'] },
  scriptTask: { allowed: null, required: [] },
};

const PERMISSIONS: Partial<Record<StepType, string[]>> = {
  approvalTask: ['approve', 'reject', 'reassign', 'modify', 'comment'],
  fulfillmentTask: ['fulfill', 'deny', 'reassign', 'modify', 'comment'],
  violationTask: ['allow', 'exception', 'remediate', 'reassign', 'comment'],
};

const REQUIRED_FIELDS: Record<StepType, string[]> = {
  approvalTask: ['actors'],
  fulfillmentTask: ['actors'],
  violationTask: ['actors'],
  scriptTask: ['script'],
  waitTask: ['resumeDate'],
  emailTask: ['templateName'],
};

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** A JavaScript syntax error, or undefined when `source` is one complete expression. */
export function expressionError(source: string): { message: string; line: number; column: number } | undefined {
  try {
    const node = parseExpressionAt(source, 0, { ecmaVersion: 'latest', locations: true });
    const rest = source.slice(node.end);
    if (rest.trim() !== '' && rest.trim() !== ';') {
      const before = source.slice(0, node.end).split('\n');
      return {
        message: `Unexpected "${rest.trim().slice(0, 20)}" after the expression`,
        line: before.length,
        column: before.at(-1)!.length + 1,
      };
    }
    return undefined;
  } catch (e) {
    return syntaxError(e);
  }
}

/** A JavaScript syntax error, or undefined when `source` is a valid script body (top-level `return` allowed). */
export function scriptError(source: string): { message: string; line: number; column: number } | undefined {
  try {
    parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, locations: true });
    return undefined;
  } catch (e) {
    return syntaxError(e);
  }
}

function syntaxError(e: unknown): { message: string; line: number; column: number } {
  const err = e as { message?: string; loc?: { line: number; column: number } };
  if (!err.loc) throw e;
  return {
    message: (err.message ?? 'Syntax error').replace(/ \(\d+:\d+\)$/, ''),
    line: err.loc.line,
    column: err.loc.column + 1,
  };
}

export function validateIgaDefinition(def: IgaDefinition, options: { pathId?: string } = {}): ValidationProblem[] {
  const global: ValidationProblem[] = [];
  const perStep = def.steps.map(() => [] as ValidationProblem[]);

  if (options.pathId !== undefined && def.id !== options.pathId) {
    global.push({
      step: null,
      field: '/id',
      rule: 'idMismatch',
      message: `The body's id '${def.id}' differs from the id in the path '${options.pathId}'`,
    });
  }

  const c: Checking = { steps: def.steps, names: new Map(), missingBody: new Set() };
  def.steps.forEach((step, i) => {
    checkStep(c, step, i, (field, rule, message) => perStep[i]!.push({ step: step.name, field, rule, message }));
  });
  checkGraph(def, c, global, perStep);
  return [...global, ...perStep.flat()];
}

type Step = IgaDefinition['steps'][number];
type Body = NonNullable<ReturnType<typeof bodyOf>>;
type Add = (field: string, rule: ValidationRule, message: string) => void;
type CheckExpression = (value: unknown, field: string) => void;
type CheckActors = (actors: Actor[], field: string) => void;

/** What the checks of one definition share: its steps, their names (first index) and those without a body. */
interface Checking {
  steps: Step[];
  names: Map<string, number>;
  missingBody: Set<string>;
}

/** One step: its name, type and body, then its transitions, script, expressions, actors and events. */
function checkStep(c: Checking, step: Step, i: number, add: Add): void {
  const at = `/steps/${i}`;
  if (!STEP_NAME.test(step.name))
    add(
      `${at}/name`,
      'invalidStepName',
      `'${step.name}' is not a valid step name (a letter, then letters, digits, '_' or '-')`,
    );
  if (c.names.has(step.name))
    add(
      `${at}/name`,
      'duplicateStepName',
      `The step name '${step.name}' is already used by /steps/${c.names.get(step.name)}`,
    );
  else c.names.set(step.name, i);
  if (!STEP_TYPES.includes(step.type)) {
    add(`${at}/type`, 'unknownStepType', `'${step.type}' is not a step type (${STEP_TYPES.join(', ')})`);
    return;
  }
  for (const other of STEP_TYPES) {
    if (other !== step.type && (step as unknown as Record<string, unknown>)[other] !== undefined) {
      add(`${at}/${other}`, 'extraStepBody', `A ${step.type} step may not carry a '${other}' body`);
    }
  }
  const body = bodyOf(step);
  if (!body) {
    c.missingBody.add(step.name);
    add(
      `${at}/${step.type}`,
      'missingStepBody',
      `A step of type '${step.type}' needs its body under the key '${step.type}'`,
    );
    return;
  }
  const bodyAt = `${at}/${step.type}`;
  for (const f of REQUIRED_FIELDS[step.type]) {
    if ((body as Record<string, unknown>)[f] === undefined)
      add(`${bodyAt}/${f}`, 'missingField', `A ${step.type} needs '${f}'`);
  }
  checkTransitions(c.steps, step, body, bodyAt, add);
  const checkExpression = checkScripts(body, bodyAt, add);
  const checkActors = actorChecker(step, add, checkExpression);
  if (Array.isArray(body.actors)) checkActors(body.actors, `${bodyAt}/actors`);
  else if (body.actors) {
    if (body.actors.isExpression) checkExpression(body.actors, `${bodyAt}/actors/value`);
    else
      add(`${bodyAt}/actors`, 'invalidActor', 'actors must be a list or an expression ({isExpression: true, value})');
  }
  const events = body.events as Events | null | undefined;
  if (events) checkEvents(step, events, `${bodyAt}/events`, add, checkExpression, checkActors);
}

/** The step's outcomes: allowed for its type, each once, to a step of the definition, with a valid condition. */
function checkTransitions(steps: Step[], step: Step, body: Body, bodyAt: string, add: Add): void {
  const rules = OUTCOMES[step.type];
  const seen = new Set<string>();
  (body.nextStep ?? []).forEach((n, j) => {
    const nAt = `${bodyAt}/nextStep/${j}`;
    if (rules.allowed && !rules.allowed.includes(n.outcome)) {
      add(
        `${nAt}/outcome`,
        'invalidOutcome',
        `'${n.outcome}' is not an outcome of a ${step.type} (${rules.allowed.join(', ')})`,
      );
    }
    if (seen.has(n.outcome)) add(`${nAt}/outcome`, 'duplicateOutcome', `The outcome '${n.outcome}' is listed twice`);
    seen.add(n.outcome);
    if (n.step !== null && !steps.some((s) => s.name === n.step)) {
      add(
        `${nAt}/step`,
        'unknownNextStep',
        `Outcome '${n.outcome}' goes to '${n.step}', which is not a step of this definition`,
      );
    }
    if (n.condition !== null) {
      const err = expressionError(n.condition);
      if (err) {
        add(
          `${nAt}/condition`,
          'invalidCondition',
          `The condition of outcome '${n.outcome}' is not a valid JavaScript expression: ${err.message} (${err.line}:${err.column - 1})`,
        );
      }
    }
  });
  const missing = rules.required.filter((o) => !seen.has(o));
  if (missing.length)
    add(`${bodyAt}/nextStep`, 'missingOutcome', `A ${step.type} needs a transition for ${missing.join(' and ')}`);
  if (step.type === 'scriptTask' && seen.size === 0)
    add(`${bodyAt}/nextStep`, 'missingOutcome', 'A script task needs at least one transition');
}

/** The step's script and its expression fields parse as JavaScript; returns the check for any other expression. */
function checkScripts(body: Body, bodyAt: string, add: Add): CheckExpression {
  if (typeof body.script === 'string') {
    const err = scriptError(body.script);
    if (err)
      add(
        `${bodyAt}/script`,
        'invalidScript',
        `The script does not parse as JavaScript: ${err.message} (line ${err.line}, column ${err.column})`,
      );
  }
  const checkExpression: CheckExpression = (value, field) => {
    const e = value as Expression | undefined;
    if (!e || typeof e !== 'object' || !e.isExpression) return;
    const err = expressionError(e.value) && scriptError(e.value);
    if (err)
      add(
        field,
        'invalidExpression',
        `The expression does not parse as JavaScript: ${err.message} (line ${err.line}, column ${err.column})`,
      );
  };
  for (const f of ['resumeDate', 'to', 'cc', 'bcc'] as const) checkExpression(body[f], `${bodyAt}/${f}`);
  return checkExpression;
}

/** Checks a list of actors: ids (managed/user|role/<id> or an expression) and the permissions the step type allows. */
function actorChecker(step: Step, add: Add, checkExpression: CheckExpression): CheckActors {
  const allowed = PERMISSIONS[step.type];
  return (actors, field) => {
    actors.forEach((a, k) => {
      if (typeof a.id === 'string') {
        if (!ACTOR_ID.test(a.id))
          add(
            `${field}/${k}/id`,
            'invalidActor',
            `'${a.id}' is not managed/user/<id>, managed/role/<id> or an expression`,
          );
      } else if (!a.id.isExpression) {
        if (!ACTOR_ID.test(a.id.value))
          add(
            `${field}/${k}/id/value`,
            'invalidActor',
            `'${a.id.value}' is not managed/user/<id> or managed/role/<id>`,
          );
      } else checkExpression(a.id, `${field}/${k}/id/value`);
      for (const [flag, on] of Object.entries(a.permissions ?? {})) {
        if (allowed && !allowed.includes(flag)) {
          add(
            `${field}/${k}/permissions/${esc(flag)}`,
            'invalidPermission',
            `Permission '${flag}' is not allowed on a ${step.type.replace('Task', '')} task (allowed: ${allowed.join(', ')})`,
          );
        } else if (!allowed && on)
          add(`${field}/${k}/permissions/${esc(flag)}`, 'invalidPermission', `A ${step.type} has no actor permissions`);
      }
    });
  };
}

/** Reminder, escalation and expiration events: dates, notifications, actors and the expiration's action. */
function checkEvents(
  step: Step,
  events: Events,
  eAt: string,
  add: Add,
  checkExpression: CheckExpression,
  checkActors: CheckActors,
): void {
  const needDate = (key: 'reminder' | 'escalation' | 'expiration') => {
    const ev = events[key];
    if (!ev) return;
    if (!ev.date) add(`${eAt}/${key}/date`, 'invalidEvent', `The ${key} event needs a date`);
    else checkExpression(ev.date, `${eAt}/${key}/date/value`);
  };
  needDate('reminder');
  needDate('escalation');
  needDate('expiration');
  if (events.reminder && !events.reminder.notification)
    add(`${eAt}/reminder/notification`, 'invalidEvent', 'The reminder event needs a notification template');
  if (events.escalation) {
    if (!events.escalation.actors?.length)
      add(`${eAt}/escalation/actors`, 'invalidEvent', 'The escalation event needs actors to notify');
    else checkActors(events.escalation.actors, `${eAt}/escalation/actors`);
  }
  const exp = events.expiration;
  if (exp) {
    if (exp.action === undefined)
      add(
        `${eAt}/expiration/action`,
        'invalidEvent',
        'The expiration event needs an action (reject, reassign, doNothing)',
      );
    else if (typeof exp.action === 'object') checkExpression(exp.action, `${eAt}/expiration/action/value`);
    if (exp.action === 'reassign' && !exp.actors?.length)
      add(`${eAt}/expiration/actors`, 'invalidEvent', 'An expiration with action reassign needs actors');
    if (exp.actors?.length) checkActors(exp.actors, `${eAt}/expiration/actors`);
    if (exp.action === 'reject' && step.type !== 'approvalTask' && step.type !== 'violationTask') {
      add(`${eAt}/expiration/action`, 'invalidEvent', `A ${step.type} can't expire with action reject`);
    }
  }
  if (step.type === 'scriptTask' || step.type === 'emailTask') add(eAt, 'invalidEvent', `A ${step.type} has no events`);
}

/** The graph: a start, every step reachable from it, and a path from every step to the end. */
function checkGraph(
  def: IgaDefinition,
  c: Checking,
  global: ValidationProblem[],
  perStep: ValidationProblem[][],
): void {
  const { steps, names } = c;
  const start = def.staticNodes?.startNode?.connections?.start;
  const startOk = start !== undefined && names.has(start);
  if (!startOk) {
    global.push({
      step: null,
      field: '/staticNodes/startNode/connections/start',
      rule: 'missingStart',
      message:
        start === undefined
          ? 'The start node is not connected to a step'
          : `The start node names '${start}', which is not a step`,
    });
  }
  if (startOk) checkReachable(c, start, perStep);
  // A step with a missing body counts as reaching the end, so neither it nor the steps before it are dead ends.
  const toEnd = new Set<string>(c.missingBody);
  for (let changed = true; changed; ) {
    changed = false;
    steps.forEach((s, i) => {
      if (toEnd.has(s.name) || names.get(s.name) !== i) return;
      const next = bodyOf(s)?.nextStep ?? [];
      if (next.some((n) => n.step === null || (n.step !== null && toEnd.has(n.step)))) {
        toEnd.add(s.name);
        changed = true;
      }
    });
  }
  steps.forEach((s, i) => {
    if (!toEnd.has(s.name) && names.get(s.name) === i && STEP_TYPES.includes(s.type)) {
      perStep[i]!.push({
        step: s.name,
        field: `/steps/${i}`,
        rule: 'noPathToEnd',
        message: `No path from '${s.name}' reaches the end`,
      });
    }
  });
}

/** Every step is reached from the start node. */
function checkReachable(c: Checking, start: string, perStep: ValidationProblem[][]): void {
  const { steps, names } = c;
  const successors = (i: number): string[] =>
    (bodyOf(steps[i]!)?.nextStep ?? []).map((n) => n.step).filter((s): s is string => s !== null && names.has(s));
  const reached = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const name = stack.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    stack.push(...successors(names.get(name)!));
  }
  steps.forEach((s, i) => {
    if (names.get(s.name) === i && !reached.has(s.name)) {
      perStep[i]!.push({
        step: s.name,
        field: `/steps/${i}`,
        rule: 'unreachableStep',
        message: `No path from the start node reaches '${s.name}'`,
      });
    }
  });
}
