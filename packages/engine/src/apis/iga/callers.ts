/**
 * Who calls the IGA API. The admin bearer token (`WFKIT_IGA_TOKEN`) acts as `managed/user/iga-admin`, an actor of
 * every phase; each token of `WFKIT_IGA_USERS` acts as one managed user, who may act on a phase only as one of its
 * actors (`managed/user/<id>`, or `managed/role/<id>` of a role the user has) with the permission the action needs.
 */
import type { WfkitConfig } from '../../config.js';
import type { AuthRequest, AuthResult } from '../../http/api-module.js';
import { sameSecret } from '../../runtime/digest.js';
import type { Queryable } from '../../store/db.js';
import type { ManagedObjects } from '../idm/managed/objects.js';

export interface IgaCaller {
  /** `managed/user/<id>`. */
  id: string;
  userId: string;
  admin: boolean;
}

export const ADMIN_CALLER: IgaCaller = { id: 'managed/user/iga-admin', userId: 'iga-admin', admin: true };

export function authenticateIga(req: AuthRequest, config: WfkitConfig): AuthResult<IgaCaller> {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!m) return { ok: false, status: 401 };
  const token = m[1]!;
  if (sameSecret(token, config.iga.token)) return { ok: true, principal: ADMIN_CALLER };
  // Every configured token is compared, so the time taken does not tell which one matched.
  let found: IgaCaller | undefined;
  for (const u of config.iga.users ?? [])
    if (sameSecret(token, u.token) && !found)
      found = { id: `managed/user/${u.userId}`, userId: u.userId, admin: false };
  return found ? { ok: true, principal: found } : { ok: false, status: 401 };
}

/** The caller as requests record it (`requester`, a comment's `user`). */
export async function callerRecord(q: Queryable, managed: ManagedObjects, caller: IgaCaller) {
  if (caller.admin) return { id: caller.id, userName: caller.userId };
  const user = await managed.read(q, 'user', caller.userId).catch(() => null);
  return {
    id: caller.id,
    userName: (user?.userName as string | undefined) ?? caller.userId,
    ...(user ? { givenName: user.givenName ?? null, sn: user.sn ?? null, mail: user.mail ?? null } : {}),
  };
}

export interface PhaseActor {
  id: string;
  permissions: Record<string, boolean>;
}

/** Whether the caller is one of `actors` with `permission` (admin: always). */
export async function mayAct(
  q: Queryable,
  managed: ManagedObjects,
  caller: IgaCaller,
  actors: readonly PhaseActor[],
  permission: string,
): Promise<boolean> {
  if (caller.admin) return true;
  const allowed = actors.filter((a) => a.permissions?.[permission] === true);
  if (allowed.some((a) => a.id === caller.id)) return true;
  const roleIds = allowed
    .filter((a) => a.id.startsWith('managed/role/'))
    .map((a) => a.id.slice('managed/role/'.length));
  if (roleIds.length === 0) return false;
  const user = await managed.read(q, 'user', caller.userId, { all: false, fields: [['roles']] }).catch(() => null);
  const mine = new Set(((user?.roles as { _refResourceId: string }[] | undefined) ?? []).map((r) => r._refResourceId));
  return roleIds.some((r) => mine.has(r));
}

/** Whether the caller is an actor of the phase at all (any permission): the phases "the caller acts on". */
export function actsOn(caller: IgaCaller, actors: readonly PhaseActor[], roles: ReadonlySet<string>): boolean {
  if (caller.admin) return true;
  return actors.some(
    (a) => a.id === caller.id || (a.id.startsWith('managed/role/') && roles.has(a.id.slice('managed/role/'.length))),
  );
}

/** The ids of the roles the calling user has (empty for the admin, who needs none). */
export async function rolesOf(q: Queryable, managed: ManagedObjects, caller: IgaCaller): Promise<Set<string>> {
  if (caller.admin) return new Set();
  const user = await managed.read(q, 'user', caller.userId, { all: false, fields: [['roles']] }).catch(() => null);
  return new Set(((user?.roles as { _refResourceId: string }[] | undefined) ?? []).map((r) => r._refResourceId));
}
