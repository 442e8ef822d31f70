/** SQL of the IDM model tables (migration 050). */
import type { Queryable } from '../../../store/db.js';
import type { ColumnMap } from '../crest/sql.js';
import { rel } from './owned.js';

export interface ModelRow {
  id: string;
  rev: number;
  name: string;
  description: string | null;
  category: string | null;
  key: string | null;
  bpmn_xml: string;
  resource_map: Record<string, string>;
  version: number;
  create_time: Date;
  last_update_time: Date;
  deployment_id: string | null;
}

const LAST_DEPLOYMENT =
  '(SELECT md.deployment_id FROM idm_model_deployment md WHERE md.model_id = m.id ORDER BY md.deployment_time DESC, md.deployment_id DESC LIMIT 1)';

export const MODEL_SELECT = `SELECT m.*, ${LAST_DEPLOYMENT} AS deployment_id FROM idm_model m`;
export const MODEL_FROM = 'FROM idm_model m';

/** `_queryFilter` / `_sortKeys` fields of a model. */
export const MODEL_COLUMNS: ColumnMap = {
  _id: { sql: 'm.id', type: 'text' },
  name: { sql: 'm.name', type: 'text' },
  description: { sql: 'm.description', type: 'text' },
  category: { sql: 'm.category', type: 'text' },
  key: { sql: 'm.key', type: 'text' },
  version: { sql: 'm.version', type: 'number' },
  createTime: { sql: 'm.create_time', type: 'timestamp' },
  lastUpdateTime: { sql: 'm.last_update_time', type: 'timestamp' },
  deploymentId: { sql: LAST_DEPLOYMENT, type: 'text' },
  bpmnXML: { sql: 'm.bpmn_xml', type: 'text' },
  resourceMap: { sql: 'm.resource_map', type: 'jsonb' },
};

export interface NewModel {
  id: string;
  name: string;
  description: string | null;
  category: string | null;
  key: string | null;
  bpmnXml: string;
  resourceMap: Record<string, string>;
  now: Date;
}

export async function insertModel(q: Queryable, m: NewModel): Promise<ModelRow> {
  await q.query(
    `INSERT INTO idm_model (id, name, description, category, key, bpmn_xml, resource_map, create_time, last_update_time)
     VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb,$8,$8)`,
    [m.id, m.name, m.description, m.category, m.key, m.bpmnXml, JSON.stringify(m.resourceMap), m.now],
  );
  return (await getModel(q, m.id))!;
}

export async function getModel(q: Queryable, id: string, forUpdate = false): Promise<ModelRow | undefined> {
  const { rows } = await q.query<ModelRow>(`${MODEL_SELECT} WHERE m.id = $1${forUpdate ? ' FOR UPDATE OF m' : ''}`, [
    id,
  ]);
  return rows[0];
}

export async function updateModel(q: Queryable, id: string, m: Omit<NewModel, 'id'>): Promise<ModelRow> {
  await q.query(
    `UPDATE idm_model SET name = $2, description = $3, category = $4, key = $5, bpmn_xml = $6, resource_map = $7::jsonb,
       last_update_time = $8, rev = rev + 1, version = version + 1 WHERE id = $1`,
    [id, m.name, m.description, m.category, m.key, m.bpmnXml, JSON.stringify(m.resourceMap), m.now],
  );
  return (await getModel(q, id))!;
}

export async function deleteModel(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM idm_model WHERE id = $1', [id]);
}

export async function lastDeployment(
  q: Queryable,
  modelId: string,
): Promise<{ deployment_id: string; content_hash: string } | undefined> {
  const { rows } = await q.query<{ deployment_id: string; content_hash: string }>(
    'SELECT deployment_id, content_hash FROM idm_model_deployment WHERE model_id = $1 ORDER BY deployment_time DESC, deployment_id DESC LIMIT 1',
    [modelId],
  );
  return rows[0];
}

export async function recordDeployment(
  q: Queryable,
  d: { deploymentId: string; modelId: string; hash: string; time: Date; resources: Record<string, string> },
): Promise<void> {
  await q.query(
    'INSERT INTO idm_model_deployment (deployment_id, model_id, content_hash, deployment_time) VALUES ($1,$2,$3,$4)',
    [d.deploymentId, d.modelId, d.hash, d.time],
  );
  for (const [name, content] of Object.entries(d.resources))
    await q.query('INSERT INTO idm_deployment_resource (deployment_id, name, content) VALUES ($1,$2,$3)', [
      d.deploymentId,
      name,
      content,
    ]);
}

/** Drops a deployment's model link and resources (the runtime calls this as it deletes the deployment). */
export async function forgetDeployment(q: Queryable, deploymentId: string): Promise<void> {
  await q.query('DELETE FROM idm_deployment_resource WHERE deployment_id = $1', [deploymentId]);
  await q.query('DELETE FROM idm_model_deployment WHERE deployment_id = $1', [deploymentId]);
}

export async function definitionIdsOf(q: Queryable, deploymentId: string): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM ${rel.definitions} d WHERE deployment_id = $1 ORDER BY key, id`,
    [deploymentId],
  );
  return rows.map((r) => r.id);
}

export async function listDeployments(
  q: Queryable,
  modelId: string,
): Promise<{ deploymentId: string; deploymentTime: Date; processDefinitionIds: string[] }[]> {
  const { rows } = await q.query<{ deployment_id: string; deployment_time: Date; ids: string[] | null }>(
    `SELECT md.deployment_id, md.deployment_time,
       (SELECT array_agg(d.id ORDER BY d.key, d.id) FROM ${rel.definitions} d WHERE d.deployment_id = md.deployment_id) AS ids
     FROM idm_model_deployment md WHERE md.model_id = $1 ORDER BY md.deployment_time DESC, md.deployment_id DESC`,
    [modelId],
  );
  return rows.map((r) => ({
    deploymentId: r.deployment_id,
    deploymentTime: new Date(r.deployment_time),
    processDefinitionIds: r.ids ?? [],
  }));
}

/** A deployment resource (a form), or undefined. */
export async function deploymentResource(
  q: Queryable,
  deploymentId: string,
  name: string,
): Promise<string | undefined> {
  const { rows } = await q.query<{ content: string }>(
    'SELECT content FROM idm_deployment_resource WHERE deployment_id = $1 AND name = $2',
    [deploymentId, name],
  );
  return rows[0]?.content;
}
