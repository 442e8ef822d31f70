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
  userId: string | undefined,
  item: { type: 'application' | 'entitlement' | 'role'; id: string } | undefined,
): Promise<RequestIdentities> {
  const index: Record<string, unknown> = {};
  const user: Record<string, unknown> = userId === undefined ? {} : { id: userId };
  const u = userId === undefined ? null : await readOrNull(q, managed, 'user', userId, ['manager']);
  if (u) {
    for (const k of ['userName', 'givenName', 'sn', 'mail'] as const) if (u[k] !== undefined) user[k] = u[k];
    const manager = (u.manager as Ref | null | undefined)?._refResourceId;
    if (manager) index.manager = { id: manager };
  }
  const found: Record<string, unknown> = item ? { id: item.id } : {};
  if (!item) return { user, index, item: found };
  const fields = item.type === 'entitlement' ? ['owners', 'application'] : ['owners'];
  const obj = await readOrNull(q, managed, item.type, item.id, fields);
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

const ITEM_KEYS = [
  ['entitlementId', 'entitlement'],
  ['roleId', 'role'],
  ['applicationId', 'application'],
] as const;

/**
 * The identities of a request submitted with its type's properties (`?_action=publish`): the user of
 * `common.userId`, the catalog item of `common.entitlementId`, `roleId` or `applicationId` (the first given), and for
 * a user not yet created (`createUser`) the manager its profile names (`common.user.manager`, an id or a `_ref`).
 */
export async function publishedIdentities(
  q: Queryable,
  managed: ManagedObjects,
  common: Record<string, unknown>,
): Promise<RequestIdentities & { itemType?: 'application' | 'entitlement' | 'role' }> {
  const userId = typeof common.userId === 'string' ? common.userId : undefined;
  const key = ITEM_KEYS.find(([k]) => typeof common[k] === 'string');
  const item = key ? { type: key[1], id: common[key[0]] as string } : undefined;
  const found = await requestIdentities(q, managed, userId, item);
  const profile = common.user as Record<string, unknown> | undefined;
  const named = profile && typeof profile === 'object' ? profile.manager : undefined;
  const managerId =
    typeof named === 'string'
      ? named
      : typeof (named as { _ref?: unknown } | undefined)?._ref === 'string'
        ? (named as { _ref: string })._ref.split('/').pop()
        : undefined;
  if (userId === undefined && managerId) found.index.manager = { id: managerId };
  return { ...found, ...(item ? { itemType: item.type } : {}) };
}
