/**
 * Message and signal start events: the latest version of each key subscribes to the start events of its graph
 * (`eventStarts`, written at deploy), as Flowable's event subscriptions of the latest definition do.
 */
import type { Queryable } from '../store/db.js';
import { badRequest } from './errors.js';
import type { EventStart, ProcessGraph } from './graph.js';
import { type Owner, type OwnerScope, scopeSql } from './owner.js';

export interface EventStartDefinition {
  id: string;
  key: string;
  graph: ProcessGraph;
  owner: Owner;
  /** The start events of the graph that the event starts. */
  starts: EventStart[];
}

/** The latest, active definitions of the scope with a `kind` start event named `name`. */
export async function eventStartDefinitions(
  q: Queryable,
  kind: 'message' | 'signal',
  name: string,
  scope: OwnerScope | undefined,
): Promise<EventStartDefinition[]> {
  const params: unknown[] = [JSON.stringify([{ kind, name }])];
  const { rows } = await q.query<{ id: string; key: string; graph: ProcessGraph; owner_api: string; tenant: string }>(
    `SELECT d.id, d.key, d.graph, d.owner_api, d.tenant FROM wf_definition d
     WHERE d.graph->'eventStarts' @> $1::jsonb AND NOT d.suspended AND ${scopeSql(scope, 'd', params)}
       AND d.version = (SELECT MAX(l.version) FROM wf_definition l
                        WHERE l.key = d.key AND l.owner_api = d.owner_api AND l.tenant = d.tenant)
     ORDER BY d.created_at, d.id`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    graph: r.graph,
    owner: { api: r.owner_api, tenant: r.tenant },
    starts: (r.graph.eventStarts ?? []).filter((s) => s.kind === kind && s.name === name),
  }));
}

/**
 * A message starts one process only: deploying a key whose message start event names a message that another key's
 * latest version starts on is refused, as Flowable refuses it (in the deploying transaction, which rolls back).
 */
export async function assertUniqueMessageStarts(
  q: Queryable,
  definitions: { key: string; graph: ProcessGraph }[],
  owner: Owner,
): Promise<void> {
  for (const d of definitions) {
    for (const start of d.graph.eventStarts ?? []) {
      if (start.kind !== 'message' || !start.name) continue;
      const others = (await eventStartDefinitions(q, 'message', start.name, owner)).filter((o) => o.key !== d.key);
      if (others.length)
        throw badRequest(
          `Cannot deploy process definition '${d.key}': there already is a message event subscription for the message with name '${start.name}'.`,
        );
    }
  }
}
