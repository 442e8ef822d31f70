/**
 * `iga/governance/user/{userId}/{applications|roles|entitlements}` for the `openidm` script object: what IGA's
 * provisioning steps call to grant or remove access (`openidm.action('iga/governance/user/' + id + '/applications',
 * 'POST', {applicationId, startDate, endDate, grantType}, {_action: 'add'})`, as in the built-in BasicApplicationGrant).
 * A grant is the user's relationship to the managed object (`applications`, `roles`, `entitlements`), with the
 * grant's dates and type as relationship properties; `remove` drops it.
 *
 * wfkit: the `add` body of applications is the built-in's; `roleId` / `entitlementId` for the other two and the
 * `remove` body (`{applicationId}` …) are inferred from it.
 */
import { ApiError } from '../../../http/api-module.js';
import type { Queryable } from '../../../store/db.js';
import type { ManagedObjects } from '../../idm/managed/objects.js';
import { OpenidmError, type OpenidmProvider, type OpenidmRequest } from '../../idm/openidm/router.js';

const KINDS = {
  applications: { type: 'application', idField: 'applicationId' },
  roles: { type: 'role', idField: 'roleId' },
  entitlements: { type: 'entitlement', idField: 'entitlementId' },
} as const;

type Kind = keyof typeof KINDS;

export function userGrantsProvider(objects: ManagedObjects): OpenidmProvider {
  return {
    async handle(q: Queryable, req: OpenidmRequest) {
      const [userId, kindName = '', ...extra] = req.path.split('/');
      const kind = KINDS[kindName as Kind];
      if (!userId || !kind || extra.length)
        throw new OpenidmError(404, `Resource 'iga/governance/user/${req.path}' not found`);
      const action = String(req.params._action ?? req.action ?? '');
      if (req.method !== 'action' || (action !== 'add' && action !== 'remove'))
        throw new OpenidmError(400, `iga/governance/user/{id}/${kindName} takes POST with _action add or remove`);
      const body = (req.content ?? {}) as Record<string, unknown>;
      const targetId = body[kind.idField] ?? body.id;
      if (typeof targetId !== 'string' || !targetId)
        throw new OpenidmError(400, `The ${action} of ${kindName} needs ${kind.idField}`);
      const ref = `managed/${kind.type}/${targetId}`;
      const operation =
        action === 'add'
          ? {
              operation: 'add',
              field: `/${kindName}/-`,
              value: {
                _ref: ref,
                _refProperties: Object.fromEntries(
                  ['startDate', 'endDate', 'grantType'].filter((k) => body[k] != null).map((k) => [k, body[k]]),
                ),
              },
            }
          : { operation: 'remove', field: `/${kindName}`, value: { _ref: ref } };
      try {
        const user = await objects.read(q, 'user', userId, { all: false, fields: [[kindName]] });
        if (!user) throw new OpenidmError(404, `User ${userId} not found`);
        const current = (user[kindName] as { _ref: string }[] | undefined) ?? [];
        const has = current.some((r) => r._ref === ref);
        if (action === 'add' && has) return { _id: userId, [kindName]: current, changed: false };
        if (action === 'remove' && !has) throw new OpenidmError(404, `User ${userId} has no ${kind.type} ${targetId}`);
        const after = await objects.patch(q, 'user', userId, [operation]);
        return { _id: userId, _rev: after._rev, changed: true };
      } catch (e) {
        if (e instanceof ApiError) {
          const b = e.body as { message?: string };
          throw new OpenidmError(e.status, b?.message ?? e.message);
        }
        throw e;
      }
    },
  };
}
