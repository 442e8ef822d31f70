/**
 * The process graph: what every dialect (BPMN, IGA orchestration, FLOW) compiles to and the executor runs.
 * Plain JSON, so it can be stored with a definition and read back without re-parsing the source.
 */
import type { LanguageName } from './languages/index.js';

export type NodeType =
  | 'startEvent'
  | 'endEvent'
  | 'task'
  | 'userTask'
  | 'scriptTask'
  | 'serviceTask'
  | 'receiveTask'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'callActivity'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent';

/** `link`: a throw continues at the catch of the same name in its scope (a flow the dialect adds joins them). */
export type EventKind =
  | 'none'
  | 'terminate'
  | 'timer'
  | 'message'
  | 'signal'
  | 'error'
  | 'escalation'
  | 'link'
  | 'compensate';

export interface EventDef {
  kind: EventKind;
  timer?: TimerDef;
  /** The message or signal name (an expression when `nameExpression`). */
  name?: string;
  /** `signalExpression` / `messageExpression`: `name` is evaluated when the event is reached. */
  nameExpression?: boolean;
  /** Signals: `processInstance` delivers a throw only inside the thrower's process instance (flowable:scope). */
  scope?: 'global' | 'processInstance';
  /** Signal throws: delivered in jobs after the throwing command (`async="true"` on the signalEventDefinition). */
  async?: boolean;
  /** Error events: the code thrown, or caught (left out on a boundary event: it catches every error). */
  errorCode?: string;
  /** Escalation events: the code thrown or caught (left out on a catching event: it catches every escalation). */
  escalationCode?: string;
  /** Catching error and escalation events: the variable the caught code is stored in (Camunda's *CodeVariable). */
  codeVariable?: string;
  /** Compensation throw events: only this activity's handlers run (else every completed activity of the scope). */
  activityRef?: string;
  /** Compensation throw events: wait until the handlers end before going on (default true). */
  waitForCompletion?: boolean;
}

/** A start event started by an event rather than by a start command (message, signal, timer). */
export interface EventStart {
  nodeId: string;
  kind: 'message' | 'signal' | 'timer';
  name?: string;
}

export interface TimerDef {
  type: 'duration' | 'date' | 'cycle';
  /** ISO 8601 text or an expression yielding it, in the graph's language. */
  value: string;
  /**
   * No usable value (null, empty, not a date or duration) is no timer rather than an error: a boundary timer is not
   * armed, a catch event's is due at once (IGA: a step without an expiration date never expires).
   */
  optional?: boolean;
  /** Cycles: no firing after this date (`flowable:endDate`, ISO 8601 or an expression). */
  endDate?: string;
}

export interface FormProperty {
  id: string;
  name?: string;
  type?: string;
  /** Enum values in document order. */
  values?: { id: string; name?: string }[];
  datePattern?: string;
  required: boolean;
  readable: boolean;
  writable: boolean;
  variable?: string;
  expression?: string;
  default?: string;
}

export interface VariableMapping {
  source?: string;
  sourceExpression?: string;
  target?: string;
  /** `all`: copy every variable. */
  all?: boolean;
  /** `in`: read only the activity's local variables; `out`: write them as local variables of the activity. */
  local?: boolean;
}

/**
 * A Camunda input or output parameter: a name and its value, an expression in the graph's language (JUEL: text with
 * or without `${…}`) or a structured value (`<camunda:list>` / `<camunda:map>`, literals). IGA: a human step's
 * `actors`, an email step's `email`, an expiration's `outcome`.
 */
export interface IoParameter {
  name: string;
  value?: AssignedValue;
}

/** A value a node assigns (`inputOutput`): an expression in the graph's language, a literal, or a list or map of them. */
export type AssignedValue =
  | string
  | { literal: unknown }
  | { list: AssignedValue[] }
  | { map: Record<string, AssignedValue> };

export interface MultiInstanceDef {
  sequential: boolean;
  loopCardinality?: string;
  collection?: string;
  elementVariable?: string;
  elementIndexVariable?: string;
  completionCondition?: string;
  /** `camunda:asyncAfter` on the loop characteristics: each inner instance continues asynchronously after it ends. */
  asyncAfter?: boolean;
}

/**
 * An execution or task listener as Flowable runs it: a JUEL expression or a script, run inside the command on an
 * event (execution: `start`, `end`, `take`; task: `create`, `assignment`, `complete`, `delete`, `all`).
 */
export interface ListenerDef {
  event: string;
  expression?: string;
  script?: { format: string; source: string };
}

export interface UserTaskDef {
  assignee?: string;
  owner?: string;
  candidateUsers: string[];
  candidateGroups: string[];
  dueDate?: string;
  priority?: string;
  formKey?: string;
  category?: string;
  formProperties: FormProperty[];
  /** Task listeners, in document order. */
  listeners?: ListenerDef[];
}

export interface GraphNode {
  id: string;
  type: NodeType;
  name?: string;
  documentation?: string;
  /** The enclosing sub-process id, or null at process level. */
  parent: string | null;
  incoming: string[];
  outgoing: string[];
  defaultFlow?: string;
  event?: EventDef;
  startForm?: { formKey?: string; initiator?: string; formProperties: FormProperty[] };
  userTask?: UserTaskDef;
  /** `autoStoreVariables`: the globals the script sets are stored as variables (languages/scripts.ts). */
  script?: { format: string; source: string; resultVariable?: string; autoStoreVariables?: boolean };
  /** `behaviour`: a named service behaviour (runtime/behaviours.ts) run instead of evaluating `expression`. */
  service?: { expression: string; resultVariable?: string; behaviour?: string };
  callActivity?: {
    calledElement: string;
    inMappings: VariableMapping[];
    outMappings: VariableMapping[];
    businessKey?: string;
    inheritBusinessKey?: boolean;
  };
  multiInstance?: MultiInstanceDef;
  /**
   * `camunda:inputOutput`: inputs become local variables of the activity's execution when it is entered, outputs
   * are evaluated there when it is left and set in the enclosing scope; the local variables end with the activity.
   */
  inputOutput?: { inputs: IoParameter[]; outputs: IoParameter[] };
  /** Signal throw events: the variables passed with the signal (`in`); catch events: which of them are kept (`out`). */
  payload?: { inMappings: VariableMapping[]; outMappings: VariableMapping[]; businessKey?: string };
  /** For sub-processes: the id of their (single none) start event. */
  startNodeId?: string;
  /** An event sub-process: started by the event of its start event (`startNodeId`), not by a flow. */
  triggeredByEvent?: boolean;
  /** For boundary events. */
  attachedTo?: string;
  /** Boundary events, and start events of event sub-processes: whether they interrupt their activity or scope. */
  cancelActivity?: boolean;
  /** `isForCompensation`: a compensation handler, run only by a compensation throw (no sequence flows). */
  forCompensation?: boolean;
  /**
   * The activity's compensation handler: the activity associated with its compensation boundary event, or (for a
   * sub-process) its event sub-process with a compensation start event.
   */
  compensationHandler?: string;
  /** Boundary events attached to this activity. */
  boundaryEvents?: string[];
  async?: boolean;
  /**
   * `camunda:asyncAfter`: once the activity has ended (end listeners included), each outgoing flow it takes is taken
   * by a job of its own (no flow: the token ends in a job). On a multi-instance activity it applies to the body.
   */
  asyncAfter?: boolean;
  exclusive?: boolean;
  failedJobRetryTimeCycle?: string;
  /** Execution listeners (`start`, `end`), in document order. */
  listeners?: ListenerDef[];
}

export interface GraphFlow {
  id: string;
  name?: string;
  source: string;
  target: string;
  condition?: string;
  /** A script condition's language (`groovy`, `javascript`…), run in the script sandbox; absent: JUEL. */
  conditionLanguage?: string;
  /** Execution listeners on the flow (`take`). */
  listeners?: ListenerDef[];
}

export interface ProcessGraph {
  /** The process key (BPMN process id). */
  id: string;
  name?: string;
  documentation?: string;
  isExecutable: boolean;
  /** Where a start command begins: the none start event, else (as Flowable's initial element) the first start event. */
  startNodeId: string;
  nodes: Record<string, GraphNode>;
  flows: Record<string, GraphFlow>;
  candidateStarterUsers: string[];
  candidateStarterGroups: string[];
  /** Message, signal and timer start events at process level (the latest version of a key subscribes to them). */
  eventStarts?: EventStart[];
  /** Execution listeners of the process itself (`start`, `end`). */
  listeners?: ListenerDef[];
  /**
   * The language of the graph's expressions (conditions, timers, user task fields, input / output parameters; see
   * languages/index.ts): JUEL when left out (BPMN), `javascript` for IGA. Script tasks name their own format.
   */
  language?: LanguageName;
  /** `null`: an expression that fails is null (a condition false, a timer absent), as IGA reads them; default `fail`. */
  expressionErrors?: 'fail' | 'null';
}

/** Nodes that can reach `target` within one scope (following flows, entering no sub-process). */
export function canReach(graph: ProcessGraph, from: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = graph.nodes[id];
    if (!n) continue;
    for (const f of n.outgoing) stack.push(graph.flows[f]!.target);
    for (const b of n.boundaryEvents ?? []) stack.push(b);
  }
  return false;
}

/** All user-task nodes (for task definitions). */
export function userTasks(graph: ProcessGraph): GraphNode[] {
  return Object.values(graph.nodes).filter((n) => n.type === 'userTask');
}
