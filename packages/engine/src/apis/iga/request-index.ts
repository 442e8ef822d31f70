/**
 * What a request knows of the people and objects it names, read from IDM's managed objects when it is created: the
 * user's profile and manager, and the owners of the application, entitlement or role asked for. Workflow actor
 * expressions read them from `requestIndex` (`"managed/user/" + requestIndex.manager.id`,
 * `requestIndex.applicationOwner[0].id`), as IGA's built-in workflows do. An id with no managed object stays bare:
 * requests may name users and catalog items that IDM does not hold.
 */
import type { Queryable } from '../../store/db.js';
import type { ManagedObjects } from '../idm/managed/objects.js';

type Ref = { _refResourceId?: string };
const ids = (refs: unknown): { id: string }[] =>
  (Array.isArray(refs) ? (refs as Ref[]) : [])
    .map((r) => r._refResourceId)
    .filter((id): id is string => typeof id === 'string')
    .map((id) => ({ id }));

async function readOrNull(q: Queryable, managed: ManagedObjects, type: string, id: string, fields: string[]) {
  return managed.read(q, type, id, { all: true, fields: fields.map((f) => [f]) }).catch(() => null);
}

export interface RequestIdentities {
  user: Record<string, unknown>;
  /** Merged into the request document beside `user` (`manager`, `applicationOwner`, …). */
  index: Record<string, unknown>;
  /** The catalog item with its name, when IDM holds it. */
  item: Record<string, unknown>;
}

export async function requestIdentities(
  q: Queryable,
  managed: ManagedObjects,
  userId: string,
  item: { type: 'application' | 'entitlement' | 'role'; id: string },
): Promise<RequestIdentities> {
  const index: Record<string, unknown> = {};
  const u = await readOrNull(q, managed, 'user', userId, ['manager']);
  const user: Record<string, unknown> = { id: userId };
  if (u) {
    for (const k of ['userName', 'givenName', 'sn', 'mail'] as const) if (u[k] !== undefined) user[k] = u[k];
    const manager = (u.manager as Ref | null | undefined)?._refResourceId;
    if (manager) index.manager = { id: manager };
  }
  const fields = item.type === 'entitlement' ? ['owners', 'application'] : ['owners'];
  const obj = await readOrNull(q, managed, item.type, item.id, fields);
  const found: Record<string, unknown> = { id: item.id };
  if (obj) {
    if (typeof obj.name === 'string') found.name = obj.name;
    index[`${item.type}Owner`] = ids(obj.owners);
    const appId = item.type === 'entitlement' ? (obj.application as Ref | null)?._refResourceId : undefined;
    if (appId) {
      const app = await readOrNull(q, managed, 'application', appId, ['owners']);
      if (app) index.applicationOwner = ids(app.owners);
    }
  }
  return { user, index, item: found };
}
