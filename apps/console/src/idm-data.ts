/** Reads the IDM API needs to draw a definition or an instance, through the public SDK only. */
import type { IdmClient } from '@wfkit/idm';
import type { InstanceProgress } from './logic/diagram-markers.js';

export interface DefinitionSource {
  xml?: string;
  /** The base64 PNG the API renders, when no model holds the BPMN. */
  png?: string;
  note?: string;
}

/** The BPMN of a deployed definition: from the model whose deployments include it. */
export async function definitionSource(idm: IdmClient, def: { _id: string; key?: string }): Promise<DefinitionSource> {
  const models = await idm.models
    .list({ _queryFilter: def.key ? `key eq "${def.key.replace(/"/g, '\\"')}"` : 'true' })
    .toArray({ limit: 50 });
  for (const m of models) {
    const { deployments } = await idm.models.listDeployments(m._id);
    const deployment = deployments.find((d) => d.processDefinitionIds.includes(def._id));
    if (!deployment) continue;
    const model = await idm.models.get(m._id);
    const changed =
      model.lastUpdateTime &&
      new Date(model.lastUpdateTime).getTime() > new Date(deployment.deploymentTime).getTime() + 1000;
    return {
      xml: model.bpmnXML ?? undefined,
      ...(changed
        ? { note: `Model “${model.name}” changed after this version was deployed; the diagram shows its current BPMN.` }
        : {}),
    };
  }
  const withDiagram = await idm.processDefinitions.get(def._id, { _fields: ',diagram' } as never);
  const png = (withDiagram as { diagram?: string | null }).diagram ?? undefined;
  return { ...(png ? { png } : {}), note: 'No model holds this definition’s BPMN (deployed outside the model API).' };
}

interface InstanceLike {
  startActivityId?: string | null;
  endActivityId?: string | null;
  tasks?: { taskDefinitionKey?: string | null; endTime?: string | null }[];
}

/** Where an instance waits (its executions) and what it has done (task history, start and end). */
export async function instanceProgress(idm: IdmClient, id: string, instance: InstanceLike): Promise<InstanceProgress> {
  const executions = instance.endActivityId
    ? []
    : await idm.executions.list({ _queryId: 'filtered-query', processInstanceId: id }).toArray({ limit: 500 });
  return {
    active: [...new Set(executions.map((e) => e.activityId).filter((a): a is string => Boolean(a)))],
    completed: [
      ...(instance.startActivityId ? [instance.startActivityId] : []),
      ...(instance.tasks ?? []).filter((t) => t.endTime && t.taskDefinitionKey).map((t) => t.taskDefinitionKey!),
      ...(instance.endActivityId ? [instance.endActivityId] : []),
    ],
  };
}
