/**
 * BPMN 2.0 XML → process graph. Parses with bpmn-moddle plus an `activiti:`/`flowable:` extension descriptor,
 * collects every problem it meets (unsupported elements are named, never skipped silently) and builds one
 * ProcessGraph per executable process.
 */
import { BpmnModdle } from 'bpmn-moddle';
import { evaluate, isExpression } from '../../runtime/expressions/index.js';
import type {
  EventStart,
  FormProperty,
  GraphFlow,
  GraphNode,
  NodeType,
  ProcessGraph,
  VariableMapping,
} from '../../runtime/graph.js';
import { parseCycle } from '../../runtime/timer-cycles.js';
import { activitiDescriptor } from './extension.js';
import { relaxXml } from './lenient-xml.js';
import { resolveLinks } from './links.js';
import { compileListeners } from './listeners.js';
import { checkMessageScopes } from './message-scopes.js';
import { openidmExpressionScript } from './openidm-expression.js';
import { SCRIPT_FORMATS } from './script-formats.js';

export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  elementId?: string;
  line?: number;
  column?: number;
  rule?: string;
}

export type ModdleElement = any;

export interface ParsedBpmn {
  definitions: ModdleElement | null;
  problems: Problem[];
  /** Element id → 1-based line of its start tag. */
  lines: Map<string, number>;
}

const FLOWABLE_URI = 'http://flowable.org/bpmn';
const ACTIVITI_URI = 'http://activiti.org/bpmn';
/** Camunda 7's extension namespace: its attributes mean what the flowable:/activiti: ones do where both exist. */
const CAMUNDA_URI = 'http://camunda.org/schema/1.0/bpmn';

let moddle: InstanceType<typeof BpmnModdle> | undefined;
/** The shared moddle (BPMN + the activiti/flowable extension), also used to write documents back. */
export function getModdle() {
  moddle ??= new BpmnModdle({ activiti: activitiDescriptor });
  return moddle;
}

export function elementLines(xml: string): Map<string, number> {
  const lines = new Map<string, number>();
  const re = /<[A-Za-z_][\w:.-]*\s[^>]*?\bid\s*=\s*["']([^"']+)["']/g;
  let line = 1;
  let last = 0;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    for (let i = last; i < m.index; i++) if (xml.charCodeAt(i) === 10) line++;
    last = m.index;
    if (!lines.has(m[1]!)) lines.set(m[1]!, line);
  }
  return lines;
}

function posOf(message: string): { line?: number; column?: number } {
  const l = /line: (\d+)/.exec(message);
  const c = /column: (\d+)/.exec(message);
  return { line: l ? Number(l[1]) + 1 : undefined, column: c ? Number(c[1]) + 1 : undefined };
}

function cleanMessage(message: string): string {
  const nested = /nested error: (.*)$/s.exec(message);
  const head = message.split('\n')[0] ?? message;
  return nested ? `${head}: ${nested[1]!.trim()}` : head;
}

/** Parses BPMN XML. `flowable:` is read as `activiti:` (same length URIs, so positions stay right), and `camunda:` too. */
export async function parseBpmn(source: string): Promise<ParsedBpmn> {
  const xml = source ? relaxXml(source) : source;
  const lines = elementLines(xml);
  const problems: Problem[] = [];
  if (!xml?.trim()) {
    return { definitions: null, problems: [{ severity: 'error', message: 'The BPMN document is empty' }], lines };
  }
  const normalized = unprefixReferences(
    xml.split(FLOWABLE_URI).join(ACTIVITI_URI).split(CAMUNDA_URI).join(ACTIVITI_URI),
  );
  try {
    const r = await getModdle().fromXML(normalized, 'bpmn:Definitions');
    for (const w of r.warnings ?? []) {
      const msg = String((w as { message?: string }).message ?? w);
      const el = (w as { element?: { id?: string; $type?: string } }).element;
      const attr = /^unknown attribute <(.+)>$/.exec(msg);
      const unresolved = /^unresolved reference <(.+)>$/.exec(msg);
      if (unresolved && el?.$type === 'bpmn:ErrorEventDefinition') {
        // An errorRef naming no <error> is the error code itself, as Flowable reads it.
        (el as ModdleElement).errorRef = { $type: 'bpmn:Error', id: unresolved[1], errorCode: unresolved[1] };
      } else if (unresolved && el?.$type === 'bpmn:EscalationEventDefinition') {
        (el as ModdleElement).escalationRef = { id: unresolved[1], escalationCode: unresolved[1] };
      } else if (unresolved && el?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
        // <loopDataInputRef>assigneeList</loopDataInputRef> naming no data input names the collection variable
        (el as ModdleElement).loopDataInputRef = { id: unresolved[1] };
      } else if (unresolved && el?.$type === 'bpmn:CompensateEventDefinition') {
        const owner = (el as ModdleElement).$parent?.id as string | undefined;
        problems.push({
          severity: 'error',
          message: `Invalid attribute value for 'activityRef': no activity with id '${unresolved[1]}'`,
          ...(owner ? { elementId: owner, line: lines.get(owner) } : {}),
        });
      } else if (unresolved && el?.$type?.startsWith('bpmndi:')) {
        // Flowable ignores diagram elements that draw nothing of the model; so do we.
        problems.push({
          severity: 'warning',
          message: `Diagram element '${el.id}' refers to '${unresolved[1]}', which is not in the model; it is ignored`,
          elementId: el.id,
          line: el.id ? lines.get(el.id) : undefined,
        });
      } else if (attr && el?.id) {
        problems.push({
          severity: 'warning',
          message: `Attribute ${attr[1]} on '${el.id}' is not supported and is ignored`,
          elementId: el.id,
          line: lines.get(el.id),
        });
      } else {
        const at = el?.id ? { elementId: el.id, line: lines.get(el.id) } : {};
        problems.push({ severity: 'error', message: cleanMessage(msg), ...posOf(msg), ...at });
      }
    }
    nameAnonymousFlows(r.rootElement);
    linkFlows(r.rootElement);
    return { definitions: r.rootElement, problems, lines };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    problems.push({ severity: 'error', message: `XML error: ${cleanMessage(msg)}`, ...posOf(msg) });
    return { definitions: null, problems, lines };
  }
}

/**
 * `messageRef="tns:approve"`: references written as QNames (prefix:id). XML ids never contain a colon, so the
 * prefix is dropped, as Flowable resolves them. Only reference attributes are touched; lines stay where they were.
 */
export function unprefixReferences(xml: string): string {
  return xml.replace(
    /(\s(?:[A-Za-z]+Ref|default|bpmnElement)\s*=\s*)(["'])[A-Za-z_][\w.-]*:([^"':\s]+)\2/g,
    (_m, head: string, q: string, id: string) => `${head}${q}${id}${q}`,
  );
}

/**
 * Sequence flows may leave out `id` (it is optional in BPMN). Each gets a stable id made from its ends
 * (`flow_<source>_<target>`, then `_2`, `_3`... for parallel flows between the same two nodes), so the same file
 * always yields the same ids and two flows between the same nodes stay two flows.
 */
function nameAnonymousFlows(defs: ModdleElement): void {
  const taken = new Set<string>();
  const collect = (el: ModdleElement) => {
    if (!el || typeof el !== 'object') return;
    if (typeof el.id === 'string') taken.add(el.id);
    for (const child of el.flowElements ?? []) collect(child);
  };
  const processes = (defs?.rootElements ?? []).filter((e: ModdleElement) => e.$type === 'bpmn:Process');
  for (const root of defs?.rootElements ?? []) if (typeof root.id === 'string') taken.add(root.id);
  for (const p of processes) collect(p);
  const visit = (container: ModdleElement) => {
    for (const el of container.flowElements ?? []) {
      if (el.$type === 'bpmn:SequenceFlow' && !el.id) {
        const base = `flow_${el.sourceRef?.id ?? 'unknown'}_${el.targetRef?.id ?? 'unknown'}`;
        let id = base;
        for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
        taken.add(id);
        el.id = id;
      }
      if (el.flowElements) visit(el);
    }
  };
  for (const p of processes) visit(p);
}

/** Fills `incoming`/`outgoing` of flow nodes from sequence flows when the XML leaves them out (as bpmn-js does). */
function linkFlows(defs: ModdleElement): void {
  const visit = (container: ModdleElement) => {
    for (const el of container.flowElements ?? []) {
      if (el.$type === 'bpmn:SequenceFlow') {
        const out = el.sourceRef?.get?.('outgoing');
        if (out && !out.includes(el)) out.push(el);
        const inc = el.targetRef?.get?.('incoming');
        if (inc && !inc.includes(el)) inc.push(el);
      }
      if (el.flowElements) visit(el);
    }
  };
  for (const root of defs?.rootElements ?? []) if (root.$type === 'bpmn:Process') visit(root);
}

const TYPE_MAP: Record<string, NodeType> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:Task': 'task',
  'bpmn:ManualTask': 'task',
  'bpmn:UserTask': 'userTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:InclusiveGateway': 'inclusiveGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
  'bpmn:SubProcess': 'subProcess',
  'bpmn:CallActivity': 'callActivity',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
};

/** Elements that carry no execution semantics and are accepted as documentation. */
const ARTIFACTS = new Set([
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
]);

function splitList(v: string | undefined): string[] {
  if (!v) return [];
  if (/^\s*[$#]\{[^}]*\}\s*$/.test(v)) return [v.trim()];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  return v === true || String(v).toLowerCase() === 'true';
}

function extValues(el: ModdleElement, type: string): ModdleElement[] {
  return (el.extensionElements?.values ?? []).filter((v: ModdleElement) => v.$type === type);
}

function formProperties(el: ModdleElement): FormProperty[] {
  return extValues(el, 'activiti:FormProperty').map((p: ModdleElement) => {
    const fp: FormProperty = {
      id: p.id,
      required: bool(p.required, false),
      readable: bool(p.readable, true),
      writable: bool(p.writable, true),
    };
    if (p.name !== undefined) fp.name = p.name;
    if (p.type !== undefined) fp.type = p.type;
    if (p.datePattern !== undefined) fp.datePattern = p.datePattern;
    if (p.variable !== undefined) fp.variable = p.variable;
    if (p.expression !== undefined) fp.expression = p.expression;
    if (p.default !== undefined) fp.default = p.default;
    if (p.values?.length) fp.values = p.values.map((v: ModdleElement) => ({ id: v.id, name: v.name }));
    return fp;
  });
}

/** `in`/`out` mappings; an `in businessKey` (passing a business key) is not a variable mapping and is left out. */
function mappings(el: ModdleElement, type: string): VariableMapping[] {
  return extValues(el, type)
    .filter((m: ModdleElement) => m.businessKey === undefined)
    .map((m: ModdleElement) => {
      const r: VariableMapping = m.variables === 'all' ? { all: true } : {};
      if (m.source) r.source = m.source;
      if (m.sourceExpression) r.sourceExpression = m.sourceExpression;
      if (m.target) r.target = m.target;
      if (bool(m.local, false)) r.local = true;
      return r;
    });
}

/** The business key an `in businessKey="…"` passes (an expression). */
function businessKeyMapping(el: ModdleElement): string | undefined {
  return extValues(el, 'activiti:In').find((m: ModdleElement) => m.businessKey !== undefined)?.businessKey;
}

/** `camunda:inputOutput` with text values (script, list and map values are refused). */
function inputOutput(el: ModdleElement, err: (m: string) => void): GraphNode['inputOutput'] {
  const io = extValues(el, 'activiti:InputOutput')[0];
  if (!io) return undefined;
  const params = (list: ModdleElement[] | undefined, what: string) =>
    (list ?? []).map((p: ModdleElement) => {
      if (!p.name) err(`An ${what} parameter of '${el.id}' has no name`);
      if (p.$children?.length) err(`${what} parameter '${p.name}' of '${el.id}': only text values are supported`);
      const value = typeof p.value === 'string' && p.value.trim() ? p.value.trim() : undefined;
      return { name: String(p.name ?? ''), ...(value !== undefined ? { value } : {}) };
    });
  return { inputs: params(io.inputParameters, 'input'), outputs: params(io.outputParameters, 'output') };
}

function documentation(el: ModdleElement): string | undefined {
  const d = el.documentation?.[0]?.text;
  return typeof d === 'string' ? d.trim() : undefined;
}

/**
 * `potentialOwner` and `humanPerformer` as Flowable reads them: the text of the resource assignment expression,
 * split on commas; `user(x)` / `group(x)` name the kind, a bare value is a candidate group for a potential owner and
 * the assignee for a human performer. A `resourceRef` to a `<resource>` without an expression names the resource:
 * Flowable has no user store to ask, so its name (or id) is used the same way, with a warning saying so.
 */
function assignResources(el: ModdleElement, ut: NonNullable<GraphNode['userTask']>, warn: (m: string) => void): void {
  for (const r of el.resources ?? []) {
    const performer = r.$type === 'bpmn:HumanPerformer' || r.$type === 'bpmn:Performer';
    if (!performer && r.$type !== 'bpmn:PotentialOwner') continue;
    let body: string = r.resourceAssignmentExpression?.expression?.body ?? '';
    if (!body.trim() && r.resourceRef) {
      body = r.resourceRef.name ?? r.resourceRef.id ?? '';
      warn(
        `${performer ? 'humanPerformer' : 'potentialOwner'} of '${el.id}' names resource '${body}' without an ` +
          `expression; it is used as ${performer ? 'the assignee' : 'a candidate group'}`,
      );
    }
    const parts = /^\s*[$#]\{[^}]*\}\s*$/.test(body) ? [body.trim()] : body.split(',').map((s) => s.trim());
    for (const part of parts) {
      const m = /^(user|group)\((.+)\)$/.exec(part);
      if (m?.[1] === 'user') {
        if (performer) ut.assignee = m[2]!;
        else ut.candidateUsers.push(m[2]!);
      } else if (m?.[1] === 'group') ut.candidateGroups.push(m[2]!);
      else if (part) {
        if (performer) ut.assignee = part;
        else ut.candidateGroups.push(part);
      }
    }
  }
}

export interface CompileResult {
  graphs: ProcessGraph[];
  problems: Problem[];
}

/** Reports a problem on an element (or the document). */
type Report = (id: string | undefined, message: string) => void;

/** What compiling one process collects: the functions that compile its elements fill it in. */
interface ProcessBuild {
  nodes: Record<string, GraphNode>;
  flows: Record<string, GraphFlow>;
  eventStarts: EventStart[];
  /** Associations (boundary event → compensation handler), from the artifacts of every scope. */
  associations: { source: string; target: string }[];
  err: Report;
  warn: Report;
}

/** Compiles every process of parsed BPMN into process graphs, collecting problems. */
export function compileDefinitions(parsed: ParsedBpmn): CompileResult {
  const problems: Problem[] = [];
  const graphs: ProcessGraph[] = [];
  const defs = parsed.definitions;
  if (!defs) return { graphs, problems };
  const at = (id?: string) => (id ? { elementId: id, line: parsed.lines.get(id) } : {});
  const err: Report = (id, message) => problems.push({ severity: 'error', message, ...at(id) });
  const warn: Report = (id, message) => problems.push({ severity: 'warning', message, ...at(id) });

  const processes = (defs.rootElements ?? []).filter((e: ModdleElement) => e.$type === 'bpmn:Process');
  if (processes.length === 0) err(undefined, 'The document defines no process');
  for (const proc of processes) {
    if (!proc.id) err(undefined, 'A process has no id');
    else graphs.push(compileProcess(proc, problems, err, warn));
  }
  return { graphs, problems };
}

function compileProcess(proc: ModdleElement, problems: Problem[], err: Report, warn: Report): ProcessGraph {
  const b: ProcessBuild = { nodes: {}, flows: {}, eventStarts: [], associations: [], err, warn };
  const s = collectScope(b, proc, null);
  // Flowable's initial element: the none start event, else the first start event (a message or signal start).
  let startNodeId = '';
  if (s) startNodeId = s;
  else if (b.eventStarts[0]) startNodeId = b.eventStarts[0].nodeId;
  else err(proc.id, `Process '${proc.id}' has no none start event`);

  connectFlows(b, problems);
  linkCompensationHandlers(proc.id, b.nodes, b.associations, err, warn);
  for (const n of Object.values(b.nodes)) checkConnectedNode(b, n);
  checkMessageScopes(proc.id, b.nodes, err);
  resolveLinks(b.nodes, b.flows, err);
  if (proc.candidateStarterUsers || proc.candidateStarterGroups)
    warn(
      proc.id,
      `candidateStarterUsers/Groups of '${proc.id}' are not enforced by the runtime; an API decides who may start`,
    );
  if (proc.isExecutable === false) warn(proc.id, `Process '${proc.id}' is marked isExecutable="false"`);
  const processListeners = compileListeners(proc, 'activity', err);
  return {
    id: proc.id,
    name: proc.name,
    documentation: documentation(proc),
    isExecutable: proc.isExecutable !== false,
    startNodeId,
    nodes: b.nodes,
    flows: b.flows,
    candidateStarterUsers: splitList(proc.candidateStarterUsers),
    candidateStarterGroups: splitList(proc.candidateStarterGroups),
    ...(b.eventStarts.length ? { eventStarts: b.eventStarts } : {}),
    ...(processListeners ? { listeners: processListeners } : {}),
  };
}

/** Compiles the flow elements of a process or sub-process; its none start event. */
function collectScope(b: ProcessBuild, container: ModdleElement, parent: string | null): string | undefined {
  const starts: string[] = [];
  for (const a of container.artifacts ?? [])
    if (a.$type === 'bpmn:Association' && a.sourceRef?.id && a.targetRef?.id)
      b.associations.push({ source: a.sourceRef.id, target: a.targetRef.id });
  for (const el of container.flowElements ?? []) {
    const t = el.$type as string;
    if (t === 'bpmn:SequenceFlow') {
      const f = compileFlow(b, el);
      b.flows[f.id] = f;
      continue;
    }
    if (ARTIFACTS.has(t)) continue;
    const type = TYPE_MAP[t];
    if (!type) {
      b.err(el.id, `Element '${el.id}' of type ${t.replace('bpmn:', '')} is not supported by this engine`);
      continue;
    }
    const n = compileNode(b, el, type, parent);
    if (t.endsWith('Event')) compileEvent(b, el, n, container, parent, starts);
    if (type === 'subProcess') compileSubProcess(b, el, n);
    else compileActivity(b, el, n);
    if (el.$type === 'bpmn:Transaction' || el.$type === 'bpmn:AdHocSubProcess')
      b.err(el.id, `${el.$type.replace('bpmn:', '')} '${el.id}' is not supported`);
    // an event sub-process runs once its event occurs: it loops on nothing
    if (el.loopCharacteristics && !n.triggeredByEvent) compileLoop(b, el, n);
    if (b.nodes[n.id]) b.err(n.id, `Duplicate element id '${n.id}'`);
    b.nodes[n.id] = n;
  }
  const noneStarts = starts.filter((s) => {
    const e = b.nodes[s]?.event?.kind;
    return !e || e === 'none';
  });
  if (noneStarts.length > 1) b.err(noneStarts[1], `More than one none start event in '${container.id}'`);
  return noneStarts[0];
}

function compileFlow(b: ProcessBuild, el: ModdleElement): GraphFlow {
  const f: GraphFlow = { id: el.id, source: el.sourceRef?.id, target: el.targetRef?.id };
  if (!f.source || !f.target) b.err(el.id, `Sequence flow '${el.id}' must have a sourceRef and a targetRef`);
  if (el.name) f.name = el.name;
  const cond = el.conditionExpression;
  if (cond) {
    const body = typeof cond.body === 'string' ? cond.body.trim() : '';
    // language="groovy"/"javascript": a script condition, run in the script sandbox (its value a boolean)
    const language = String(cond.language ?? '').toLowerCase();
    if (language && language !== 'juel') {
      if (SCRIPT_FORMATS.has(language)) f.conditionLanguage = language;
      else
        b.err(
          el.id,
          `Condition language '${cond.language}' of sequence flow '${el.id}' is not supported (JUEL, JavaScript or Groovy)`,
        );
    }
    if (body) f.condition = body;
  }
  const take = compileListeners(el, 'flow', b.err);
  if (take) f.listeners = take;
  return f;
}

/** What every flow node has: names, documentation, async continuations, retries, listeners, input/output. */
function compileNode(b: ProcessBuild, el: ModdleElement, type: NodeType, parent: string | null): GraphNode {
  const n: GraphNode = { id: el.id, type, parent, incoming: [], outgoing: [] };
  if (el.name) n.name = el.name;
  const doc = documentation(el);
  if (doc) n.documentation = doc;
  if (el.default?.id) n.defaultFlow = el.default.id;
  if (el.isForCompensation === true) n.forCompensation = true;
  if (el.async) n.async = true;
  if (el.asyncBefore) n.async = true;
  if (el.asyncAfter) {
    if (type === 'eventBasedGateway')
      b.err(el.id, `asyncAfter on event-based gateway '${el.id}' is not supported: the events after it are its wait`);
    else n.asyncAfter = true;
  }
  if (el.exclusive === false) n.exclusive = false;
  const retry = el.failedJobRetryTimeCycle ?? extValues(el, 'activiti:FailedJobRetryTimeCycle')[0]?.body;
  if (retry) n.failedJobRetryTimeCycle = String(retry).trim();
  if (el.skipExpression) b.warn(el.id, `skipExpression on '${el.id}' is not supported and is ignored`);
  if (el.ioSpecification || el.dataInputAssociations?.length || el.dataOutputAssociations?.length)
    b.warn(el.id, `Data inputs/outputs of '${el.id}' are not supported and are ignored`);
  const listeners = compileListeners(el, 'activity', b.err);
  if (listeners) n.listeners = listeners;
  if (type !== 'userTask' && extValues(el, 'activiti:TaskListener').length)
    b.err(el.id, `Task listeners on '${el.id}' are allowed on user tasks only`);
  const io = inputOutput(el, (m) => b.err(el.id, m));
  if (io) n.inputOutput = io;
  return n;
}

/** An event's definition, then what its kind allows where it stands (start, end, catch, throw, boundary). */
function compileEvent(
  b: ProcessBuild,
  el: ModdleElement,
  n: GraphNode,
  container: ModdleElement,
  parent: string | null,
  starts: string[],
): void {
  const defsOfEvent: ModdleElement[] = el.eventDefinitions ?? [];
  if (defsOfEvent.length > 1) b.err(el.id, `Event '${el.id}' has more than one event definition`);
  const d = defsOfEvent[0];
  if (!d) n.event = { kind: 'none' };
  else compileEventDefinition(b, el, n, d);
  if (n.type === 'startEvent' && container.triggeredByEvent) checkEventSubProcessStart(b, el, n, container, parent);
  else if (n.type === 'startEvent') compileStartEvent(b, el, n, parent, starts);
  else checkEventPlacement(b, el, n);
}

function compileEventDefinition(b: ProcessBuild, el: ModdleElement, n: GraphNode, d: ModdleElement): void {
  const { type } = n;
  if (d.$type === 'bpmn:TerminateEventDefinition') n.event = { kind: 'terminate' };
  else if (d.$type === 'bpmn:TimerEventDefinition') compileTimerDefinition(b, el, n, d);
  else if (d.$type === 'bpmn:MessageEventDefinition') {
    // A message is waited for (and started on) by its name: a <message> without one cannot be (Camunda
    // refuses it at deploy; Flowable would subscribe to no name, which nothing can ever deliver).
    const name = d.messageExpression ?? (d.messageRef?.name?.trim() ? d.messageRef.name : undefined);
    if (!name && d.messageRef)
      b.err(el.id, `Message event '${el.id}' refers to message '${d.messageRef.id}', which has no name`);
    else if (!name) b.err(el.id, `Message event '${el.id}' refers to no message`);
    n.event = { kind: 'message', name };
    if (d.messageExpression || isExpression(name ?? '')) n.event.nameExpression = true;
  } else if (d.$type === 'bpmn:SignalEventDefinition') compileSignalDefinition(b, el, n, d);
  else if (d.$type === 'bpmn:ErrorEventDefinition') {
    // The <error>'s errorCode (its id when it has none); no errorRef on a boundary event catches every error.
    const code = d.errorRef ? (d.errorRef.errorCode ?? d.errorRef.id) : undefined;
    // Camunda refuses a throwing error event whose <error> has no errorCode; Flowable only logs a warning
    // and throws the error's id. Camunda's test suite (BoundaryErrorEventTest) is the reference here.
    if (type === 'endEvent' && d.errorRef?.$type === 'bpmn:Error' && !d.errorRef.errorCode?.trim())
      b.err(
        el.id,
        `Error end event '${el.id}': error '${d.errorRef.id}' has no errorCode ('errorCode' is mandatory on errors referenced by throwing error event definitions)`,
      );
    n.event = { kind: 'error' };
    if (code) n.event.errorCode = String(code);
    if (d.errorCodeVariable) n.event.codeVariable = String(d.errorCodeVariable);
  } else if (d.$type === 'bpmn:EscalationEventDefinition') {
    // A catching <escalation> without an escalationCode catches every escalation; a thrower falls back to its id.
    const catches = type === 'boundaryEvent' || type === 'startEvent';
    const ref = d.escalationRef;
    const code = ref ? (catches ? ref.escalationCode : (ref.escalationCode ?? ref.id)) : undefined;
    n.event = { kind: 'escalation' };
    if (code) n.event.escalationCode = String(code);
    if (d.escalationCodeVariable) n.event.codeVariable = String(d.escalationCodeVariable);
  } else if (d.$type === 'bpmn:LinkEventDefinition') {
    // a throw continues at the catch of the same name in its scope (links.ts)
    n.event = { kind: 'link' };
    if (d.name) n.event.name = String(d.name);
  } else if (d.$type === 'bpmn:CompensateEventDefinition') {
    n.event = { kind: 'compensate' };
    if (type === 'intermediateThrowEvent' || type === 'endEvent') {
      if (d.activityRef?.id) n.event.activityRef = d.activityRef.id;
      n.event.waitForCompletion = d.waitForCompletion !== false;
    } else if (d.activityRef || d.waitForCompletion === false)
      b.warn(el.id, `activityRef and waitForCompletion of catching compensation event '${el.id}' are ignored`);
  } else {
    b.err(
      el.id,
      `${d.$type.replace('bpmn:', '').replace('EventDefinition', '')} event definition on '${el.id}' is not supported`,
    );
  }
}

function compileTimerDefinition(b: ProcessBuild, el: ModdleElement, n: GraphNode, d: ModdleElement): void {
  const td = d.timeDuration ? 'duration' : d.timeDate ? 'date' : d.timeCycle ? 'cycle' : undefined;
  const body = (d.timeDuration ?? d.timeDate ?? d.timeCycle)?.body?.trim();
  if (!td || !body) {
    b.err(el.id, `Timer event '${el.id}' needs a timeDuration, timeDate or timeCycle`);
    return;
  }
  n.event = { kind: 'timer', timer: { type: td, value: body } };
  if (d.endDate) n.event.timer!.endDate = String(d.endDate);
  if (td === 'cycle' && !/^[$#]\{/.test(body) && !parseCycle(body))
    b.err(
      el.id,
      `Timer cycle '${body}' of '${el.id}' is not supported (ISO 8601 R<n>/<duration>, R/<duration>, R<n>/<start>/<duration>, or a cron expression)`,
    );
}

function compileSignalDefinition(b: ProcessBuild, el: ModdleElement, n: GraphNode, d: ModdleElement): void {
  const name = d.signalExpression ?? d.signalRef?.name ?? d.signalRef?.id;
  if (!name) b.err(el.id, `Signal event '${el.id}' refers to no signal`);
  n.event = { kind: 'signal', name };
  if (d.signalExpression || isExpression(name ?? '')) n.event.nameExpression = true;
  if (d.async) n.event.async = true;
  // in (throw) / out (catch) mappings, on the event (Flowable) or on its definition (Camunda)
  const inMappings = [...mappings(el, 'activiti:In'), ...mappings(d, 'activiti:In')];
  const outMappings = [...mappings(el, 'activiti:Out'), ...mappings(d, 'activiti:Out')];
  const passedKey = businessKeyMapping(el) ?? businessKeyMapping(d);
  if (inMappings.length || outMappings.length || passedKey)
    n.payload = { inMappings, outMappings, ...(passedKey ? { businessKey: passedKey } : {}) };
  const scope = d.signalRef?.scope;
  if (scope === 'processInstance') n.event.scope = 'processInstance';
  else if (scope && scope !== 'global')
    b.err(el.id, `Signal scope '${scope}' of '${el.id}' is not one of global, processInstance`);
}

/** The start of an event sub-process: the event that starts it, interrupting its scope or not. */
function checkEventSubProcessStart(
  b: ProcessBuild,
  el: ModdleElement,
  n: GraphNode,
  container: ModdleElement,
  parent: string | null,
): void {
  const kind = n.event?.kind;
  if (!kind || kind === 'none' || kind === 'terminate')
    b.err(
      el.id,
      `Start event '${el.id}' of event sub-process '${parent}' needs an error, escalation, message, signal, timer or compensation`,
    );
  if (kind === 'compensate' && container.$parent?.$type !== 'bpmn:SubProcess')
    b.err(
      el.id,
      `Start event '${el.id}': an event sub-process with a compensation start event is only supported inside an embedded sub-process`,
    );
  n.cancelActivity = kind === 'error' || el.isInterrupting !== false;
  n.startForm = { formProperties: [] };
}

function compileStartEvent(
  b: ProcessBuild,
  el: ModdleElement,
  n: GraphNode,
  parent: string | null,
  starts: string[],
): void {
  const kind = n.event?.kind;
  starts.push(el.id);
  if (kind === 'message' || kind === 'signal') {
    if (parent !== null) b.err(el.id, `Start event '${el.id}': a sub-process starts with a none start event`);
    else {
      if (n.event?.nameExpression) constantName(n, (m) => b.err(el.id, m));
      b.eventStarts.push({ nodeId: el.id, kind, ...(n.event?.name ? { name: n.event.name } : {}) });
    }
  } else if (kind === 'timer') {
    if (parent !== null) b.err(el.id, `Start event '${el.id}': a sub-process starts with a none start event`);
    else b.eventStarts.push({ nodeId: el.id, kind });
    if (n.event?.timer) constantTimer(n, (m) => b.err(el.id, m));
  } else if (kind && kind !== 'none') b.err(el.id, `Start event '${el.id}': ${kind} start events are not supported`);
  n.startForm = { formProperties: formProperties(el) };
  if (el.formKey) n.startForm.formKey = el.formKey;
  if (el.initiator) n.startForm.initiator = el.initiator;
}

/** End, intermediate and boundary events: the definitions each may carry. */
function checkEventPlacement(b: ProcessBuild, el: ModdleElement, n: GraphNode): void {
  const kind = n.event?.kind;
  if (n.type === 'endEvent') {
    if (kind === 'timer' || kind === 'message' || kind === 'link')
      b.err(el.id, `End event '${el.id}': ${kind} end events are not supported`);
  } else if (n.type === 'intermediateCatchEvent') {
    if (kind === 'none' || kind === 'terminate' || kind === 'error' || kind === 'escalation' || kind === 'compensate')
      b.err(el.id, `Intermediate catch event '${el.id}' needs a timer, message or signal definition`);
  } else if (n.type === 'intermediateThrowEvent') {
    const throwable = ['none', 'signal', 'escalation', 'link', 'compensate'];
    if (kind && !throwable.includes(kind))
      b.err(el.id, `Intermediate throw event '${el.id}': ${kind} throw events are not supported`);
  } else if (n.type === 'boundaryEvent') {
    if (kind === 'none' || kind === 'terminate' || kind === 'link')
      b.err(el.id, `Boundary event '${el.id}' needs a timer, message, signal or error definition`);
    n.attachedTo = el.attachedToRef?.id;
    // An error boundary event always interrupts its activity (BPMN; Flowable ignores cancelActivity there).
    n.cancelActivity = kind === 'error' || el.cancelActivity !== false;
    if (!n.attachedTo) b.err(el.id, `Boundary event '${el.id}' is attached to no activity`);
  }
}

/** What a task or call activity does: user task fields, receive task message, script, service expression, call. */
function compileActivity(b: ProcessBuild, el: ModdleElement, n: GraphNode): void {
  if (n.type === 'userTask') {
    n.userTask = {
      candidateUsers: splitList(el.candidateUsers),
      candidateGroups: splitList(el.candidateGroups),
      formProperties: formProperties(el),
    };
    for (const k of ['assignee', 'owner', 'dueDate', 'priority', 'formKey', 'category'] as const) {
      if (el[k] !== undefined && el[k] !== '') n.userTask[k] = String(el[k]);
    }
    assignResources(el, n.userTask, (m) => b.warn(el.id, m));
    const taskListeners = compileListeners(el, 'task', b.err);
    if (taskListeners) n.userTask.listeners = taskListeners;
  } else if (n.type === 'receiveTask' && el.messageRef) {
    // a receive task naming a message also waits for it, as a message event subscription
    const name = el.messageRef.name ?? el.messageRef.id;
    n.event = { kind: 'message', name, ...(isExpression(name ?? '') ? { nameExpression: true } : {}) };
  } else if (n.type === 'scriptTask') {
    // Flowable's default script language is JUEL (ScriptingEngines.DEFAULT_SCRIPTING_LANGUAGE).
    const format = String(el.scriptFormat || 'juel').toLowerCase();
    const source = typeof el.script === 'string' ? el.script : '';
    if (!SCRIPT_FORMATS.has(format)) b.err(el.id, `Script format '${el.scriptFormat}' of '${el.id}' is not supported`);
    if (!source.trim()) b.err(el.id, `Script task '${el.id}' has no script`);
    n.script = { format, source };
    if (el.resultVariable) n.script.resultVariable = el.resultVariable;
    // A JUEL script stores only its result; other languages store the globals they set.
    if (String(el.autoStoreVariables).toLowerCase() === 'true' && format !== 'juel') n.script.autoStoreVariables = true;
  } else if (n.type === 'serviceTask') compileServiceTask(b, el, n);
  else if (n.type === 'callActivity') {
    if (!el.calledElement) b.err(el.id, `Call activity '${el.id}' has no calledElement`);
    n.callActivity = {
      calledElement: el.calledElement ?? '',
      inMappings: mappings(el, 'activiti:In'),
      outMappings: mappings(el, 'activiti:Out'),
    };
    const passedKey = el.businessKey ?? businessKeyMapping(el);
    if (passedKey) n.callActivity.businessKey = passedKey;
    if (el.inheritBusinessKey) n.callActivity.inheritBusinessKey = true;
    if (el.inheritVariables) n.callActivity.inMappings.push({ all: true });
  }
}

function compileServiceTask(b: ProcessBuild, el: ModdleElement, n: GraphNode): void {
  if (el.expression) {
    n.service = { expression: el.expression };
    const rv = el.resultVariable ?? el.resultVariableName;
    if (rv) n.service.resultVariable = rv;
    // `${openidm.query(…)}` reaches the store: it runs as a script (openidm-expression.ts).
    const call = openidmExpressionScript(el.expression);
    if (call && 'problem' in call) b.err(el.id, `Service task '${el.id}': ${call.problem}`);
    else if (call) n.script = { format: 'javascript', source: call.script, ...(rv ? { resultVariable: rv } : {}) };
  } else if (el.delegateExpression) {
    b.err(
      el.id,
      `Service task '${el.id}': delegateExpression is not supported (Java delegates cannot run here); use an expression`,
    );
  } else if (el.class) {
    b.err(el.id, `Service task '${el.id}': class '${el.class}' is not supported (Java classes cannot run here)`);
  } else if (el.type) {
    b.err(el.id, `Service task '${el.id}': type '${el.type}' is not supported`);
  } else {
    b.err(el.id, `Service task '${el.id}' has no expression`);
  }
}

/** An embedded or event sub-process: its own scope, compiled in place. */
function compileSubProcess(b: ProcessBuild, el: ModdleElement, n: GraphNode): void {
  if (el.triggeredByEvent) {
    n.triggeredByEvent = true;
    collectScope(b, el, el.id);
    const inner = (el.flowElements ?? []).filter((c: ModdleElement) => c.$type === 'bpmn:StartEvent');
    if (inner.length !== 1) b.err(el.id, `Event sub-process '${el.id}' needs exactly one start event`);
    else n.startNodeId = inner[0].id;
    if (el.incoming?.length || el.outgoing?.length)
      b.err(el.id, `Event sub-process '${el.id}' cannot have incoming or outgoing sequence flows`);
    return;
  }
  if (el.$type !== 'bpmn:SubProcess') b.err(el.id, `${el.$type} '${el.id}' is not supported`);
  const s = collectScope(b, el, el.id);
  if (s) n.startNodeId = s;
  else b.err(el.id, `Sub-process '${el.id}' has no none start event`);
}

function compileLoop(b: ProcessBuild, el: ModdleElement, n: GraphNode): void {
  const lc = el.loopCharacteristics;
  if (lc.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    b.err(el.id, `Standard loop characteristics on '${el.id}' are not supported (use multi-instance)`);
    return;
  }
  n.multiInstance = { sequential: !!lc.isSequential };
  const card = lc.loopCardinality?.body?.trim();
  if (card) n.multiInstance.loopCardinality = card;
  const coll = lc.collection ?? lc.loopDataInputRef?.id;
  if (coll) n.multiInstance.collection = coll;
  const ev = lc.elementVariable ?? lc.inputDataItem?.name ?? lc.inputDataItem?.id;
  if (ev) n.multiInstance.elementVariable = ev;
  if (lc.elementIndexVariable) n.multiInstance.elementIndexVariable = lc.elementIndexVariable;
  // Camunda: async on the loop characteristics is each inner instance's (before: as `async` here)
  if (lc.asyncBefore) n.async = true;
  if (lc.asyncAfter) n.multiInstance.asyncAfter = true;
  const cc = lc.completionCondition?.body?.trim();
  if (cc) n.multiInstance.completionCondition = cc;
  if (!card && !coll) b.err(el.id, `Multi-instance on '${el.id}' needs a loopCardinality or a collection`);
}

/** Each flow on its source's outgoing and its target's incoming list; flows that leave the scope are refused. */
function connectFlows(b: ProcessBuild, problems: Problem[]): void {
  for (const f of Object.values(b.flows)) {
    const src = b.nodes[f.source];
    const tgt = b.nodes[f.target];
    if (src) src.outgoing.push(f.id);
    if (tgt) tgt.incoming.push(f.id);
    if (f.source && f.target && (!src || !tgt)) {
      if (!problems.some((p) => p.elementId === f.source || p.elementId === f.target))
        b.err(f.id, `Sequence flow '${f.id}' connects an element that is not part of the process`);
    }
    if (src && tgt && src.parent !== tgt.parent) b.err(f.id, `Sequence flow '${f.id}' crosses a sub-process boundary`);
  }
}

/** Checks that need the whole graph: boundary hosts, default flows, gateways, start and end events. */
function checkConnectedNode(b: ProcessBuild, n: GraphNode): void {
  const { nodes, flows, err, warn } = b;
  if (n.type === 'boundaryEvent' && n.attachedTo) {
    const host = nodes[n.attachedTo];
    if (!host) err(n.id, `Boundary event '${n.id}' is attached to unknown activity '${n.attachedTo}'`);
    else {
      host.boundaryEvents ??= [];
      host.boundaryEvents.push(n.id);
    }
  }
  if (n.defaultFlow && !n.outgoing.includes(n.defaultFlow))
    err(n.id, `Default flow '${n.defaultFlow}' of '${n.id}' is not one of its outgoing flows`);
  if (n.type === 'eventBasedGateway') checkEventGateway(n, nodes, flows, err);
  if (n.type === 'endEvent' && n.outgoing.length) err(n.id, `End event '${n.id}' has outgoing flows`);
  if (n.type === 'startEvent' && n.incoming.length) err(n.id, `Start event '${n.id}' has incoming flows`);
  if ((n.type === 'exclusiveGateway' || n.type === 'inclusiveGateway') && n.outgoing.length > 1) {
    for (const fid of n.outgoing) {
      if (fid !== n.defaultFlow && !flows[fid]?.condition)
        warn(fid, `Sequence flow '${fid}' leaves gateway '${n.id}' without a condition; it is always taken`);
    }
  }
}

/**
 * A message or signal start event subscribes when its definition is deployed, before any instance exists: a name
 * with an expression (`alert-${'foo'}`) is evaluated then, without variables, as Flowable does for start events.
 */
function constantName(n: GraphNode, err: (message: string) => void): void {
  const ev = n.event!;
  try {
    ev.name = String(evaluate(ev.name!, { resolve: () => ({ found: false }) }) ?? '');
    delete ev.nameExpression;
  } catch (e) {
    err(
      `Start event '${n.id}': the ${ev.kind} name '${ev.name}' must be known at deploy time (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

/**
 * A timer start event is armed when its definition is deployed: an expression in its date, duration, cycle or end
 * date (`${'2036-11-14T11:12:22'}`) is evaluated then, without variables, as Flowable's TimerManager does.
 */
function constantTimer(n: GraphNode, err: (message: string) => void): void {
  const timer = n.event!.timer!;
  const constant = (text: string, what: string): string => {
    if (!/[$#]\{/.test(text)) return text;
    try {
      const v = evaluate(text, { resolve: () => ({ found: false }) });
      return v instanceof Date ? v.toISOString() : String(v ?? '').trim();
    } catch (e) {
      err(
        `Timer start event '${n.id}': its ${what} '${text}' must be known at deploy time (${e instanceof Error ? e.message : String(e)})`,
      );
      return text;
    }
  };
  timer.value = constant(timer.value, timer.type);
  if (timer.endDate) timer.endDate = constant(timer.endDate, 'end date');
  if (timer.type === 'cycle' && !/[$#]\{/.test(timer.value) && !parseCycle(timer.value))
    err(`Timer start event '${n.id}': cycle '${timer.value}' is not a repeating interval or a cron expression`);
}

/**
 * Compensation handlers as Camunda and Flowable link them: a compensation boundary event is associated with an
 * activity marked `isForCompensation`, which becomes the handler of the activity the event is attached to; an event
 * sub-process with a compensation start event is the handler of the sub-process it is in. A handler has no sequence
 * flows (only a compensation throw runs it), and an activity has at most one handler.
 */
function linkCompensationHandlers(
  processId: string,
  nodes: Record<string, GraphNode>,
  associations: { source: string; target: string }[],
  err: (id: string | undefined, message: string) => void,
  warn: (id: string | undefined, message: string) => void,
): void {
  const setHandler = (host: GraphNode | undefined, handler: string, at: string) => {
    if (!host) return;
    const other = host.compensationHandler ? nodes[host.compensationHandler] : undefined;
    const esp = !!nodes[handler]?.triggeredByEvent;
    if (!other) host.compensationHandler = handler;
    else if (esp && other.triggeredByEvent)
      err(at, `Sub-process '${host.id}' has more than one event sub-process with a compensation start event`);
    else if (esp || other.triggeredByEvent)
      err(
        at,
        `Sub-process '${host.id}' has both a compensation boundary event and an event sub-process with a compensation start event`,
      );
    else err(at, `Activity '${host.id}' has more than one compensation boundary event`);
  };
  for (const n of Object.values(nodes)) {
    if (n.event?.kind !== 'compensate') continue;
    if (n.type === 'boundaryEvent') {
      const targets = associations.filter((a) => a.source === n.id).map((a) => nodes[a.target]);
      const handler = targets.find((t) => t);
      // Camunda deploys it and compensates nothing for the activity; so do we, saying so.
      if (!handler)
        warn(
          n.id,
          `Compensation boundary event '${n.id}' is associated with no compensation handler; compensating '${n.attachedTo}' does nothing`,
        );
      else if (!handler.forCompensation)
        err(
          n.id,
          `Compensation boundary event '${n.id}' must be associated with an activity with isForCompensation="true" ('${handler.id}' is not)`,
        );
      else if (n.attachedTo) setHandler(nodes[n.attachedTo], handler.id, n.id);
    } else if (n.type === 'startEvent' && n.parent) {
      const esp = nodes[n.parent];
      if (esp?.triggeredByEvent && esp.parent) {
        esp.forCompensation = true;
        setHandler(nodes[esp.parent], esp.id, n.id);
      }
    }
  }
  for (const n of Object.values(nodes)) {
    const ref = n.event?.kind === 'compensate' ? n.event.activityRef : undefined;
    if (ref && nodes[ref]) checkActivityRef(n, nodes[ref]!, nodes, processId, err);
    if (!n.forCompensation || n.triggeredByEvent) continue;
    if (n.incoming.length || n.outgoing.length)
      err(
        n.id,
        `Compensation activity '${n.id}' cannot have an incoming or outgoing sequence flow (a compensation throw runs it)`,
      );
  }
}

/**
 * A compensation throw's `activityRef` names an activity of its own scope, or (from an event sub-process) of the scope
 * the event sub-process is in, as Camunda checks it.
 */
function checkActivityRef(
  thrower: GraphNode,
  ref: GraphNode,
  nodes: Record<string, GraphNode>,
  processId: string,
  err: (id: string | undefined, message: string) => void,
): void {
  const scope = thrower.parent;
  const around = scope && nodes[scope]?.triggeredByEvent ? nodes[scope]!.parent : undefined;
  if (ref.parent === scope || (around !== undefined && ref.parent === around)) return;
  // named as Camunda names it: from an event sub-process, the scope around it
  const named = (around === undefined ? scope : around) ?? processId;
  err(thrower.id, `Invalid attribute value for 'activityRef': no activity with id '${ref.id}' in scope '${named}'`);
}

/** An event-based gateway leads only to intermediate catch events (timer, message, signal), as Flowable validates. */
function checkEventGateway(
  n: GraphNode,
  nodes: Record<string, GraphNode>,
  flows: Record<string, GraphFlow>,
  err: (id: string | undefined, message: string) => void,
): void {
  if (n.outgoing.length < 2) err(n.id, `Event-based gateway '${n.id}' needs at least two outgoing sequence flows`);
  for (const fid of n.outgoing) {
    const f = flows[fid]!;
    const target = nodes[f.target];
    if (f.condition)
      err(fid, `Sequence flow '${fid}' leaves event-based gateway '${n.id}' and cannot have a condition`);
    if (target && target.type !== 'intermediateCatchEvent')
      err(
        fid,
        `Event-based gateway '${n.id}' must lead only to intermediate catch events with one incoming flow ('${target.id}' is not one)`,
      );
    // the event after the gateway is reached only from it: any other flow into it is the invalid one
    for (const other of target?.type === 'intermediateCatchEvent' ? target.incoming : [])
      if (other !== fid)
        err(
          other,
          `Invalid incoming sequence flow '${other}' for intermediate catch event '${target!.id}': it follows event-based gateway '${n.id}', which must be its only incoming flow`,
        );
  }
}
