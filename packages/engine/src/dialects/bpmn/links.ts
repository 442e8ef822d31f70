/**
 * Link events: an intermediate throw event with `<linkEventDefinition name="A"/>` continues at the intermediate catch
 * event of the same name in the same scope, as if a sequence flow joined them (BPMN 2.0 §10.5.6). Compiled to just
 * that: a flow `link_<throw>_<catch>` from each throw to its catch; both events pass the token straight on.
 */
import type { GraphFlow, GraphNode } from '../../runtime/graph.js';

type Err = (id: string | undefined, message: string) => void;

export function resolveLinks(nodes: Record<string, GraphNode>, flows: Record<string, GraphFlow>, err: Err): void {
  const links = Object.values(nodes).filter((n) => n.event?.kind === 'link');
  if (!links.length) return;
  const scopeKey = (n: GraphNode, name: string) => `${n.parent ?? ''}\u0000${name}`;
  const catches = new Map<string, GraphNode>();
  for (const n of links) {
    const name = n.event!.name;
    if (!name) {
      err(n.id, `Link event '${n.id}' has no link name`);
      continue;
    }
    if (n.type !== 'intermediateCatchEvent') continue;
    for (const fid of n.incoming) {
      const from = nodes[flows[fid]!.source];
      err(
        n.id,
        from?.type === 'eventBasedGateway'
          ? `IntermediateCatchLinkEvent is not allowed after an EventBasedGateway: '${n.id}' follows '${from.id}'`
          : `Link catch event '${n.id}' cannot have incoming sequence flows (sequence flow '${fid}'); link throw events lead to it`,
      );
    }
    const key = scopeKey(n, name);
    const other = catches.get(key);
    if (other)
      err(
        n.id,
        `Multiple Intermediate Catch Events with the same link event name ('${name}') are not allowed: '${n.id}' and '${other.id}'`,
      );
    else catches.set(key, n);
  }
  for (const n of links) {
    const name = n.event!.name;
    if (n.type !== 'intermediateThrowEvent' || !name) continue;
    const target = catches.get(scopeKey(n, name));
    if (!target) {
      err(n.id, `Link throw event '${n.id}': no link catch event named '${name}' in the same scope`);
      continue;
    }
    if (n.outgoing.length)
      err(n.id, `Link throw event '${n.id}' cannot have outgoing sequence flows; it continues at '${target.id}'`);
    let id = `link_${n.id}_${target.id}`;
    for (let i = 2; flows[id]; i++) id = `link_${n.id}_${target.id}_${i}`;
    flows[id] = { id, source: n.id, target: target.id };
    n.outgoing.push(id);
    target.incoming.push(id);
  }
}
