/**
 * IDM security: users and roles from configuration (`WFKIT_IDM_USERS`), `X-OpenIDM-Username` / `X-OpenIDM-Password`
 * (401 `Access Denied` when missing or wrong), `openidm-admin` may do everything, and the workflow access rules of
 * IDM's `process-access.json` and `router-authz.js` as functions the routes call (403 `Access denied`).
 */

import type { WfkitConfig } from '../../config.js';
import type { AuthRequest, AuthResult } from '../../http/api-module.js';
import { sameSecret } from '../../runtime/digest.js';
import { forbidden } from './crest/errors.js';

import { ADMIN_ROLE, DEFAULT_PROCESS_ACCESS, type ProcessAccessRule } from './process-access.js';

export {
  ADMIN_ROLE,
  AUTHORIZED_ROLE,
  DEFAULT_PROCESS_ACCESS,
  type ProcessAccessRule,
  parseProcessAccess,
} from './process-access.js';

export interface IdmPrincipal {
  username: string;
  roles: string[];
}

/** The module's authenticate(): both headers, a configured user, the right password. */
export function authenticate(req: AuthRequest, config: WfkitConfig): AuthResult<IdmPrincipal> {
  const username = req.headers.get('x-openidm-username');
  const password = req.headers.get('x-openidm-password');
  if (!username || password === null) return { ok: false, status: 401, message: 'Access Denied' };
  const user = config.idm.users.find((u) => u.username === username);
  if (!user || !sameSecret(user.password, password)) return { ok: false, status: 401, message: 'Access Denied' };
  return { ok: true, principal: { username: user.username, roles: [...user.roles] } };
}

/** What a process definition exposes to access rules (its answer fields: `_id`, `key`, `name`, `category`, ...). */
export type DefinitionFacts = Record<string, unknown> & { _id: string };

/** What a task exposes to task rules. */
export interface TaskFacts {
  assignee: string | null | undefined;
  candidateUsers: readonly string[];
  /** Candidate groups are IDM role names. */
  candidateGroups: readonly string[];
}

export class IdmSecurity {
  private readonly rules: { property: string; regex: RegExp; requiresRole: string }[];

  constructor(rules: readonly ProcessAccessRule[] = DEFAULT_PROCESS_ACCESS) {
    this.rules = rules.map((r) => ({
      property: r.property,
      regex: new RegExp(r.matches),
      requiresRole: r.requiresRole,
    }));
  }

  isAdmin(p: IdmPrincipal): boolean {
    return p.roles.includes(ADMIN_ROLE);
  }

  /** Admin only (models, deleting definitions, ...): 403 `Access denied` otherwise. */
  assertAdmin(p: IdmPrincipal): void {
    if (!this.isAdmin(p)) throw forbidden();
  }

  /** process-access: some rule's property matches and the user has its role (admin: always). */
  mayStart(p: IdmPrincipal, def: DefinitionFacts): boolean {
    if (this.isAdmin(p)) return true;
    return this.rules.some((r) => {
      const v = def[r.property];
      return v !== undefined && v !== null && r.regex.test(String(v)) && p.roles.includes(r.requiresRole);
    });
  }

  assertMayStart(p: IdmPrincipal, def: DefinitionFacts): void {
    if (!this.mayStart(p, def)) throw forbidden();
  }

  /** Reading a definition (and its task definitions): `isOneOfMyWorkflows`, i.e. the user may start it. */
  maySeeDefinition(p: IdmPrincipal, def: DefinitionFacts): boolean {
    return this.mayStart(p, def);
  }

  /** `canUpdateTask`: assignee, candidate user, or one of the user's roles is a candidate group (admin: always). */
  maySeeTask(p: IdmPrincipal, task: TaskFacts): boolean {
    if (this.isAdmin(p)) return true;
    if (task.assignee === p.username) return true;
    if (task.candidateUsers.includes(p.username)) return true;
    return task.candidateGroups.some((g) => p.roles.includes(g));
  }

  assertMaySeeTask(p: IdmPrincipal, task: TaskFacts): void {
    if (!this.maySeeTask(p, task)) throw forbidden();
  }

  /** Claim and update follow the same rule as reading (`canUpdateTask`). */
  mayClaimTask(p: IdmPrincipal, task: TaskFacts): boolean {
    return this.maySeeTask(p, task);
  }

  assertMayClaimTask(p: IdmPrincipal, task: TaskFacts): void {
    if (!this.mayClaimTask(p, task)) throw forbidden();
  }

  /** `isMyTask`: only the assignee completes (admin: always). */
  mayComplete(p: IdmPrincipal, task: TaskFacts): boolean {
    return this.isAdmin(p) || (task.assignee != null && task.assignee === p.username);
  }

  assertMayComplete(p: IdmPrincipal, task: TaskFacts): void {
    if (!this.mayComplete(p, task)) throw forbidden();
  }
}
