/** What the `diagram` field needs from the runtime: a deployment's BPMN source and an instance's active activities. */
import type { Queryable } from '../../../store/db.js';
import { rel } from './owned.js';

export async function deploymentSource(q: Queryable, deploymentId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ source: string | null }>(`SELECT source FROM ${rel.deployments} d WHERE id = $1`, [
    deploymentId,
  ]);
  return rows[0]?.source ?? undefined;
}

/** The activities the instance's executions wait in (Flowable's `getActiveActivityIds`). */
export async function activeActivityIds(q: Queryable, instanceId: string): Promise<string[]> {
  const { rows } = await q.query<{ activity_id: string }>(
    `SELECT DISTINCT activity_id FROM ${rel.executions} e WHERE instance_id = $1 AND activity_id IS NOT NULL ORDER BY activity_id`,
    [instanceId],
  );
  return rows.map((r) => r.activity_id);
}
