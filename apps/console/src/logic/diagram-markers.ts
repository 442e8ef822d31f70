/**
 * Which diagram elements to mark for a process instance. The public IDM API tells where the instance waits
 * (executions' `activityId`), which user tasks ran (task history's `taskDefinitionKey`) and its start and end
 * activities; it has no activity history. Elements between two known ones that the API does not report (gateways,
 * events, script and service tasks) are inferred as passed when they lie on a path from a passed element to a passed
 * or active one; flows are taken when both ends were passed (or the target is active).
 */

export interface FlowNode {
  id: string;
  /** The BPMN type, e.g. `bpmn:UserTask`. */
  type: string;
}

export interface SequenceFlow {
  id: string;
  source: string;
  target: string;
}

export interface ProcessGraph {
  nodes: FlowNode[];
  flows: SequenceFlow[];
}

export interface InstanceProgress {
  /** Activities executions wait at now. */
  active: string[];
  /** Activities known to have completed: finished user tasks, the start activity, the end activity. */
  completed: string[];
}

export interface Markers {
  active: string[];
  completed: string[];
  taken: string[];
}

/** Types the API always reports when they run: never inferred as passed through. */
const REPORTED = new Set(['bpmn:UserTask']);

interface ModdleElement {
  id: string;
  $type: string;
  flowElements?: ModdleElement[];
  sourceRef?: { id: string };
  targetRef?: { id: string };
  rootElements?: ModdleElement[];
}

/** The graph of every process (and sub-process) in a bpmn-moddle `Definitions` (bpmn-js `getDefinitions()`). */
export function graphFromDefinitions(definitions: unknown): ProcessGraph {
  const nodes: FlowNode[] = [];
  const flows: SequenceFlow[] = [];
  const walk = (elements: ModdleElement[] = []) => {
    for (const e of elements) {
      if (e.$type === 'bpmn:SequenceFlow') {
        if (e.sourceRef && e.targetRef) flows.push({ id: e.id, source: e.sourceRef.id, target: e.targetRef.id });
      } else {
        nodes.push({ id: e.id, type: e.$type });
        if (e.flowElements) walk(e.flowElements);
      }
    }
  };
  for (const root of (definitions as ModdleElement).rootElements ?? [])
    if (root.$type === 'bpmn:Process') walk(root.flowElements);
  return { nodes, flows };
}

export function diagramMarkers(graph: ProcessGraph, progress: InstanceProgress): Markers {
  const known = new Set(graph.nodes.map((n) => n.id));
  const active = new Set(progress.active.filter((id) => known.has(id)));
  const completed = new Set(progress.completed.filter((id) => known.has(id) && !active.has(id)));
  const type = new Map(graph.nodes.map((n) => [n.id, n.type]));
  const inferable = (id: string) => !active.has(id) && !completed.has(id) && !REPORTED.has(type.get(id) ?? '');
  const out = new Map<string, SequenceFlow[]>();
  const into = new Map<string, SequenceFlow[]>();
  for (const f of graph.flows) {
    out.set(f.source, [...(out.get(f.source) ?? []), f]);
    into.set(f.target, [...(into.get(f.target) ?? []), f]);
  }
  // Forward from what completed through unreported elements, backward from what ran or waits through them.
  const reach = (starts: Iterable<string>, edges: Map<string, SequenceFlow[]>, next: (f: SequenceFlow) => string) => {
    const seen = new Set<string>();
    const queue = [...starts];
    while (queue.length) {
      const id = queue.shift()!;
      for (const f of edges.get(id) ?? []) {
        const n = next(f);
        if (inferable(n) && !seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    return seen;
  };
  const forward = reach(completed, out, (f) => f.target);
  const backward = reach([...completed, ...active], into, (f) => f.source);
  const passed = new Set(completed);
  for (const id of forward) if (backward.has(id)) passed.add(id);
  const taken = graph.flows
    .filter((f) => passed.has(f.source) && (passed.has(f.target) || active.has(f.target)))
    .map((f) => f.id);
  return { active: [...active], completed: [...passed], taken };
}
