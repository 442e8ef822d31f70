/**
 * Two message events that would wait for the same message in the same scope at the same time cannot be told apart
 * when the message arrives; Camunda (and Activiti before it) refuse such a process at deploy:
 * boundary events on one activity, message start events of one process, message starts of the event sub-processes
 * of one scope. Events whose name is an expression are left out: their names are known only when they wait.
 */
import type { GraphNode } from '../../runtime/graph.js';

/** Where the event waits: undefined for message events that do not share a scope with their siblings. */
function scopeOf(n: GraphNode, nodes: Record<string, GraphNode>, processId: string): string | undefined {
  if (n.type === 'boundaryEvent') return n.attachedTo;
  if (n.type !== 'startEvent') return undefined;
  if (n.parent === null) return processId;
  const eventSub = nodes[n.parent];
  return eventSub?.triggeredByEvent ? (eventSub.parent ?? processId) : undefined;
}

export function checkMessageScopes(
  processId: string,
  nodes: Record<string, GraphNode>,
  err: (id: string, message: string) => void,
): void {
  const first = new Map<string, string>();
  for (const n of Object.values(nodes)) {
    const ev = n.event;
    if (ev?.kind !== 'message' || !ev.name || ev.nameExpression) continue;
    const scope = scopeOf(n, nodes, processId);
    if (scope === undefined) continue;
    // a process's own start events wait on the definition, event sub-process starts on an instance's scope
    const kind = n.type === 'boundaryEvent' ? 'boundary' : n.parent === null ? 'start' : 'event sub-process';
    const key = `${kind}\u0000${scope}\u0000${ev.name}`;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, n.id);
    else
      err(
        n.id,
        `Cannot have more than one message event subscription with name '${ev.name}' for scope '${scope}': '${n.id}' and '${earlier}' both wait for it`,
      );
  }
}
