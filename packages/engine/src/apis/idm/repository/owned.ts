/**
 * IDM sees only IDM's processes (runtime/owner.ts): every read of the runtime's rows goes through the read model's
 * relations scoped to IDM (runtime/queries.ts), never through the runtime's tables.
 */
import { type RelationName, relation, scopeLiteral } from '../../../runtime/queries.js';
import { IDM_SCOPE } from '../scope.js';

/** The runtime's relations as IDM sees them: `FROM ${rel.tasks} t`. */
export const rel = Object.fromEntries(
  (
    [
      'deployments',
      'definitions',
      'instances',
      'executions',
      'tasks',
      'variables',
      'instanceHistory',
      'taskHistory',
      'activityHistory',
      'variableHistory',
      'jobs',
      'deadLetterJobs',
    ] as const
  ).map((n) => [n, relation(n, IDM_SCOPE)]),
) as Record<RelationName, string>;

/** The condition for IDM's rows over a table alias: `i.owner_api = 'idm' AND i.tenant = ''`. */
export function idmOwned(alias = ''): string {
  return scopeLiteral(IDM_SCOPE, alias);
}
