/**
 * The runtime's rows (instance history, tasks, task history, variables; runtime/queries.ts) as IDM's JSON objects, and the SQL that reads
 * them. Shared by process-instances.ts, task-instances.ts and history.ts.
 */
import { evaluate, variablesContext } from '../../../runtime/expressions/index.js';
import type { FormProperty, ProcessGraph } from '../../../runtime/graph.js';
import { decodeValue, toJsonValue } from '../../../runtime/variables.js';
import type { Queryable } from '../../../store/db.js';
import { ordered } from '../crest/resource.js';
import type { ColumnMap } from '../crest/sql.js';
import { rel } from '../repository/owned.js';

/** The variable IDM keeps internally and never shows. */
export const HIDDEN_VARIABLE = 'openidmcontext';

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function jsonVars(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (k !== HIDDEN_VARIABLE) out[k] = v;
  }
  return out;
}

// ------------------------------------------------------------------ process instances (history rows)
const ROOT_VARS = `(SELECT jsonb_object_agg(v.name, v.value) FROM ${rel.variableHistory} v WHERE v.scope_id = h.id)`;

export const INSTANCE_SELECT = `SELECT h.*, d.name AS definition_name, d.deployment_id, ${ROOT_VARS} AS vars
  FROM ${rel.instanceHistory} h LEFT JOIN ${rel.definitions} d ON d.id = h.definition_id`;
export const INSTANCE_FROM = `FROM ${rel.instanceHistory} h LEFT JOIN ${rel.definitions} d ON d.id = h.definition_id`;

export const INSTANCE_COLUMNS: ColumnMap = {
  _id: { sql: 'h.id', type: 'text' },
  processInstanceId: { sql: 'h.id', type: 'text' },
  businessKey: { sql: 'h.business_key', type: 'text' },
  processInstanceBusinessKey: { sql: 'h.business_key', type: 'text' },
  processDefinitionId: { sql: 'h.definition_id', type: 'text' },
  processDefinitionKey: { sql: 'h.definition_key', type: 'text' },
  processDefinitionName: { sql: 'd.name', type: 'text' },
  startUserId: { sql: 'h.start_user_id', type: 'text' },
  startTime: { sql: 'h.start_time', type: 'timestamp' },
  endTime: { sql: 'h.end_time', type: 'timestamp' },
  durationInMillis: { sql: 'h.duration_ms', type: 'number' },
  deleteReason: { sql: 'h.delete_reason', type: 'text' },
  superProcessInstanceId: { sql: 'h.super_instance_id', type: 'text' },
  startActivityId: { sql: 'h.start_activity_id', type: 'text' },
  endActivityId: { sql: 'h.end_activity_id', type: 'text' },
  deploymentId: { sql: 'd.deployment_id', type: 'text' },
  tenantId: { sql: "''", type: 'text' },
  processVariables: { sql: ROOT_VARS, type: 'jsonb' },
};

export function toProcessInstance(r: Record<string, any>): Record<string, unknown> & { _id: string } {
  return ordered({
    _id: r.id,
    businessKey: r.business_key ?? null,
    businessStatus: null,
    deleteReason: r.delete_reason ?? null,
    deleted: r.delete_reason != null,
    deploymentId: r.deployment_id ?? null,
    description: null,
    durationInMillis: r.duration_ms === null || r.duration_ms === undefined ? null : Number(r.duration_ms),
    endActivityId: r.end_activity_id ?? null,
    endTime: iso(r.end_time),
    name: null,
    processDefinitionId: r.definition_id,
    processDefinitionKey: r.definition_key,
    processDefinitionName: r.definition_name ?? null,
    processDefinitionResourceName: r.definition_name ?? null,
    processInstanceId: r.id,
    processVariables: jsonVars(r.vars),
    startActivityId: r.start_activity_id ?? null,
    startTime: iso(r.start_time)!,
    startUserId: r.start_user_id ?? null,
    superProcessInstanceId: r.super_instance_id ?? null,
    tenantId: '',
  });
}

export async function getInstanceRow(q: Queryable, id: string): Promise<Record<string, any> | undefined> {
  const { rows } = await q.query<Record<string, any>>(`${INSTANCE_SELECT} WHERE h.id = $1`, [id]);
  return rows[0];
}

// ------------------------------------------------------------------ tasks (runtime rows)
const TASK_VARS = `(SELECT jsonb_object_agg(v.name, v.value) FROM ${rel.variables} v WHERE v.scope_id = t.instance_id)`;
export const TASK_SELECT = `SELECT t.*, ${TASK_VARS} AS vars FROM ${rel.tasks} t`;
export const TASK_FROM = `FROM ${rel.tasks} t`;

export const TASK_COLUMNS: ColumnMap = {
  _id: { sql: 't.id', type: 'text' },
  name: { sql: 't.name', type: 'text' },
  description: { sql: 't.description', type: 'text' },
  priority: { sql: 't.priority', type: 'number' },
  assignee: { sql: 't.assignee', type: 'text' },
  owner: { sql: 't.owner', type: 'text' },
  createTime: { sql: 't.create_time', type: 'timestamp' },
  claimTime: { sql: 't.claim_time', type: 'timestamp' },
  dueDate: { sql: 't.due_date', type: 'timestamp' },
  processInstanceId: { sql: 't.instance_id', type: 'text' },
  processDefinitionId: { sql: 't.definition_id', type: 'text' },
  executionId: { sql: 't.execution_id', type: 'text' },
  taskDefinitionKey: { sql: 't.task_def_key', type: 'text' },
  formKey: { sql: 't.form_key', type: 'text' },
  category: { sql: 't.category', type: 'text' },
  tenantId: { sql: "''", type: 'text' },
  processVariables: { sql: TASK_VARS, type: 'jsonb' },
};

export function toTask(r: Record<string, any>): Record<string, unknown> & { _id: string } {
  return ordered({
    _id: r.id,
    _rev: String(r.rev ?? 1),
    assignee: r.assignee ?? null,
    canceled: false,
    category: r.category ?? null,
    claimTime: iso(r.claim_time),
    createTime: iso(r.create_time)!,
    delegationState: null,
    deleted: false,
    description: r.description ?? null,
    dueDate: iso(r.due_date),
    executionId: r.execution_id,
    formKey: r.form_key ?? null,
    name: r.name ?? null,
    owner: r.owner ?? null,
    parentTaskId: null,
    priority: Number(r.priority ?? 50),
    processDefinitionId: r.definition_id,
    processInstanceId: r.instance_id,
    processVariables: jsonVars(r.vars),
    suspended: false,
    taskDefinitionKey: r.task_def_key,
    taskLocalVariables: {},
    tenantId: '',
  });
}

export async function getTaskRow(q: Queryable, id: string): Promise<Record<string, any> | undefined> {
  const { rows } = await q.query<Record<string, any>>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
  return rows[0];
}

/** Every variable a task's execution sees (its scopes up to the process instance), decoded. */
export async function taskVariables(q: Queryable, task: Record<string, any>): Promise<Record<string, unknown>> {
  const [vars, execs] = await Promise.all([
    q.query<{ scope_id: string; name: string; type: string; value: unknown }>(
      `SELECT scope_id, name, type, value FROM ${rel.variables} v WHERE instance_id = $1`,
      [task.instance_id],
    ),
    q.query<{ id: string; parent_id: string | null }>(
      `SELECT id, parent_id FROM ${rel.executions} e WHERE instance_id = $1`,
      [task.instance_id],
    ),
  ]);
  const parent = new Map(execs.rows.map((e) => [e.id, e.parent_id]));
  const chain: string[] = [];
  for (let id: string | null | undefined = task.execution_id; id; id = parent.get(id)) chain.push(id);
  if (chain[chain.length - 1] !== task.instance_id) chain.push(task.instance_id);
  const out: Record<string, unknown> = {};
  for (const scope of chain.reverse()) {
    for (const v of vars.rows)
      if (v.scope_id === scope && v.name !== HIDDEN_VARIABLE) out[v.name] = decodeValue(v.type, v.value);
  }
  return out;
}

/** IDM's task `formProperties`: one `{"<id>": value}` per property (expression, else variable, else default). */
export function formPropertyValues(props: FormProperty[], vars: Record<string, unknown>): Record<string, unknown>[] {
  const ctx = variablesContext(vars);
  return props.map((p) => {
    let value: unknown = null;
    const name = p.variable ?? p.id;
    try {
      if (p.expression) value = evaluate(p.expression, ctx);
      else if (Object.hasOwn(vars, name)) value = vars[name];
      else if (p.default !== undefined) value = evaluate(p.default, ctx);
    } catch {
      value = null;
    }
    return { [p.id]: toJsonValue(value ?? null) };
  });
}

export function jsonVariables(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, toJsonValue(v)]));
}

// ------------------------------------------------------------------ task history
export const HI_TASK_SELECT = `SELECT t.*, ${ROOT_VARS.replace('h.id', 't.instance_id')} AS vars FROM ${rel.taskHistory} t`;
export const HI_TASK_FROM = `FROM ${rel.taskHistory} t`;

export const HI_TASK_COLUMNS: ColumnMap = {
  ...TASK_COLUMNS,
  taskId: { sql: 't.id', type: 'text' },
  taskName: { sql: 't.name', type: 'text' },
  startTime: { sql: 't.create_time', type: 'timestamp' },
  endTime: { sql: 't.end_time', type: 'timestamp' },
  durationInMillis: { sql: 't.duration_ms', type: 'number' },
  deleteReason: { sql: 't.delete_reason', type: 'text' },
  processVariables: { sql: ROOT_VARS.replace('h.id', 't.instance_id'), type: 'jsonb' },
};

export function toHistoricTask(r: Record<string, any>): Record<string, unknown> & { _id: string } {
  return ordered({
    _id: r.id,
    assignee: r.assignee ?? null,
    category: r.category ?? null,
    claimTime: iso(r.claim_time),
    createTime: iso(r.create_time)!,
    deleteReason: r.delete_reason ?? null,
    deleted: r.delete_reason != null,
    description: r.description ?? null,
    dueDate: iso(r.due_date),
    durationInMillis: r.duration_ms === null || r.duration_ms === undefined ? null : Number(r.duration_ms),
    endTime: iso(r.end_time),
    executionId: r.execution_id,
    name: r.name ?? null,
    owner: r.owner ?? null,
    priority: Number(r.priority ?? 50),
    processDefinitionId: r.definition_id,
    processInstanceId: r.instance_id,
    processVariables: jsonVars(r.vars),
    startTime: iso(r.create_time)!,
    taskDefinitionKey: r.task_def_key,
    taskLocalVariables: {},
    tenantId: '',
  });
}

/** Converts ISO 8601 date-time strings to dates, as IDM does with the fields of a create request. */
export function datesFromIso(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    out[k] =
      typeof v === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v) &&
      !Number.isNaN(Date.parse(v))
        ? new Date(v)
        : v;
  }
  return out;
}

export function graphFormProperties(graph: ProcessGraph, taskDefKey: string): FormProperty[] {
  return graph.nodes[taskDefKey]?.userTask?.formProperties ?? [];
}
