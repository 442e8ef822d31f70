/** Reads of the runtime's process definitions (the read model's `definitions`, runtime/queries.ts) in IDM's terms. */
import type { DefinitionRow } from '../../../runtime/commands.js';
import type { Queryable } from '../../../store/db.js';
import type { ColumnMap } from '../crest/sql.js';
import { rel } from './owned.js';

export const DEFINITION_SELECT = `SELECT d.* FROM ${rel.definitions} d`;
export const DEFINITION_FROM = `FROM ${rel.definitions} d`;

/** `_queryFilter` / `_sortKeys` fields of a process definition. */
export const DEFINITION_COLUMNS: ColumnMap = {
  _id: { sql: 'd.id', type: 'text' },
  key: { sql: 'd.key', type: 'text' },
  name: { sql: 'd.name', type: 'text' },
  version: { sql: 'd.version', type: 'number' },
  category: { sql: 'd.category', type: 'text' },
  deploymentId: { sql: 'd.deployment_id', type: 'text' },
  description: { sql: 'd.description', type: 'text' },
  resourceName: { sql: 'd.resource_name', type: 'text' },
  suspended: { sql: 'd.suspended', type: 'boolean' },
  tenantId: { sql: 'd.tenant_id', type: 'text' },
  deleted: { sql: 'false', type: 'boolean' },
  updated: { sql: 'false', type: 'boolean' },
};

export async function getDefinition(q: Queryable, id: string): Promise<DefinitionRow | undefined> {
  const { rows } = await q.query<DefinitionRow>(`${DEFINITION_SELECT} WHERE d.id = $1`, [id]);
  return rows[0];
}
