/**
 * Execution and task listeners as Flowable runs them, inside the command: a JUEL expression evaluated with
 * `execution` (and `task`) bound, or a script run in the sandbox with the same objects. Execution listeners fire on
 * `start` / `end` of activities and of the process and on `take` of a sequence flow; task listeners on `assignment`
 * (before `create` when the task is created assigned, as Flowable orders them), `create`, `complete` and `delete`.
 * A failing listener fails the command, as a failing script task does.
 */
import { RuntimeError } from './errors.js';
import type { Bindings, Executor } from './executor.js';
import { HostObject } from './expressions/index.js';
import type { ListenerDef } from './graph.js';
import { sandboxSource } from './languages/scripts.js';
import { type HostFunction, runScript, ScriptError } from './script-sandbox.js';
import type { Exec, InstanceState, TaskRow } from './session.js';

export type ExecutionEvent = 'start' | 'end' | 'take';
export type TaskEvent = 'create' | 'assignment' | 'complete' | 'delete';

/** What a listener is attached to, for its execution's properties and for error messages. */
interface Where {
  /** The activity (or, for `take`, the flow's source) the execution is at. */
  activityId: string | null;
  /** `activity 'x'`, `sequence flow 'f'`, `process 'p'`: where a failure is reported. */
  label: string;
}

/** Runs the execution listeners for `event`, in document order. */
export async function notifyExecution(
  x: Executor,
  inst: InstanceState,
  e: Exec | undefined,
  listeners: ListenerDef[] | undefined,
  event: ExecutionEvent,
  where: Where,
): Promise<void> {
  for (const l of listeners ?? []) {
    if (l.event !== event) continue;
    const props = { eventName: event, activityId: where.activityId, currentActivityId: where.activityId };
    await runListener(x, inst, e, l, { execution: props }, {}, `Execution listener (${event}) of ${where.label}`);
  }
}

/** Runs the task listeners of the task's user task for `event` (and those for `all`). */
export async function notifyTask(x: Executor, inst: InstanceState, e: Exec, t: TaskRow, event: TaskEvent) {
  const listeners = inst.graph.nodes[t.task_def_key]?.userTask?.listeners ?? [];
  for (const l of listeners) {
    if (l.event !== event && l.event !== 'all') continue;
    const assigneeBefore = t.assignee;
    const task = taskObject(x, inst, e, t, event);
    const props = { eventName: event, activityId: t.task_def_key, currentActivityId: t.task_def_key };
    await runListener(
      x,
      inst,
      e,
      l,
      { execution: props, names: { task } },
      taskFunctions(x, inst, e, t),
      `Task listener (${event}) of user task '${t.task_def_key}'`,
      taskProps(t, event),
    );
    // A listener that assigns the task is an assignment, as Flowable's setAssignee fires it.
    if (event !== 'assignment' && t.assignee !== assigneeBefore) await notifyTask(x, inst, e, t, 'assignment');
  }
}

async function runListener(
  x: Executor,
  inst: InstanceState,
  e: Exec | undefined,
  l: ListenerDef,
  bindings: Bindings,
  functions: Record<string, HostFunction>,
  label: string,
  taskProperties?: Record<string, unknown>,
): Promise<void> {
  if (l.expression) return void x.evalIn(inst, e, l.expression, `the expression of the ${lower(label)}`, bindings);
  const script = l.script!;
  if (script.format === 'juel') return void x.evalIn(inst, e, script.source, `the ${lower(label)}`, bindings);
  // The objects' properties are set on the script's first line, so its line numbers stay the script's own.
  const props = [
    `Object.assign(execution,${JSON.stringify({ ...x.executionProps(inst, e), ...bindings.execution })});`,
    taskProperties ? `Object.assign(task,${JSON.stringify(taskProperties)});` : '',
    GETTERS,
  ].join('');
  const host = x.scriptHost(inst, e);
  try {
    await runScript(
      props + sandboxSource(script.format, script.source),
      { ...host, functions: { ...host.functions, ...functions } },
      x.scriptLimits,
    );
  } catch (err) {
    if (err instanceof RuntimeError) throw err;
    const line = err instanceof ScriptError && !err.limit ? err.line : undefined;
    const message = err instanceof Error ? err.message : String(err);
    throw new RuntimeError(
      'failed',
      `${label} failed${line !== undefined ? ` at line ${line}` : ''}: ${message}`,
      [
        ...(line !== undefined ? [`    at script (line ${line})`] : []),
        `    at ${label}`,
        `    at process '${inst.definitionKey}' (definition ${inst.definitionId}, instance ${inst.id})`,
      ].join('\n'),
    );
  }
}

/**
 * One line, before the script: `getX()` for each property `x` the host set (`execution.getEventName()`), and the
 * task's setters also update the property the script reads (`task.setAssignee('a'); task.assignee`).
 */
const GETTERS = [
  '[typeof execution==="object"?execution:null,typeof task==="object"?task:null].forEach(function(o){if(!o)return;',
  'Object.keys(o).forEach(function(k){if(typeof o[k]==="function")return;var c=k.charAt(0).toUpperCase()+k.slice(1);',
  'if(typeof o["get"+c]!=="function")o["get"+c]=function(){return o[k];};var s=o["set"+c];',
  'if(typeof s==="function")o["set"+c]=function(v){var r=s(v);o[k]=v;return r;};});});',
].join('');

function lower(label: string): string {
  return label.charAt(0).toLowerCase() + label.slice(1);
}

/** The task's properties as Flowable's DelegateTask shows them. */
function taskProps(t: TaskRow, event: TaskEvent): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    assignee: t.assignee,
    owner: t.owner,
    priority: t.priority,
    dueDate: t.due_date,
    category: t.category,
    formKey: t.form_key,
    taskDefinitionKey: t.task_def_key,
    processInstanceId: t.instance_id,
    processDefinitionId: t.definition_id,
    executionId: t.execution_id,
    createTime: t.create_time,
    eventName: event,
  };
}

/** DelegateTask's setters and variable access, shared by `task` in expressions and `task.*` in scripts. */
function taskFunctions(x: Executor, inst: InstanceState, e: Exec, t: TaskRow): Record<string, HostFunction> {
  const set = (field: keyof TaskRow, conv: (v: unknown) => unknown) => (v: unknown) => {
    (t as unknown as Record<string, unknown>)[field] = conv(v);
    x.s.updateTask(t);
    return null;
  };
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const add = (field: 'candidate_users' | 'candidate_groups') => (v: unknown) => {
    const items = (Array.isArray(v) ? v : [v]).map(String);
    t[field] = [...new Set([...(t[field] ?? []), ...items])];
    x.s.updateTask(t);
    return null;
  };
  const remove = (field: 'candidate_users' | 'candidate_groups') => (v: unknown) => {
    t[field] = (t[field] ?? []).filter((c) => c !== String(v));
    x.s.updateTask(t);
    return null;
  };
  const fns: Record<string, HostFunction> = {
    setAssignee: set('assignee', str),
    setOwner: set('owner', str),
    setName: set('name', str),
    setDescription: set('description', str),
    setCategory: set('category', str),
    setFormKey: set('form_key', str),
    setPriority: set('priority', (v) => Math.trunc(Number(v)) || 0),
    setDueDate: set('due_date', (v) => (v === null || v === undefined ? null : new Date(v as string))),
    addCandidateUser: add('candidate_users'),
    addCandidateUsers: add('candidate_users'),
    addCandidateGroup: add('candidate_groups'),
    addCandidateGroups: add('candidate_groups'),
    deleteCandidateUser: remove('candidate_users'),
    deleteCandidateGroup: remove('candidate_groups'),
    getVariable: (n) => x.getVar(inst, e, String(n)).value ?? null,
    setVariable: (n, v) => {
      x.setVar(inst, e, String(n), v ?? null);
      return null;
    },
    getVariables: () => x.allVars(inst, e),
    hasVariable: (n) => x.getVar(inst, e, String(n)).found,
  };
  return Object.fromEntries(Object.entries(fns).map(([k, f]) => [`task.${k}`, f]));
}

/** `task` in a listener's expression: DelegateTask's getters and setters over the task row. */
function taskObject(x: Executor, inst: InstanceState, e: Exec, t: TaskRow, event: TaskEvent): HostObject {
  const fns = taskFunctions(x, inst, e, t);
  const methods: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [k, f] of Object.entries(fns)) methods[k.slice('task.'.length)] = f;
  const props: Record<string, unknown> = {};
  for (const k of Object.keys(taskProps(t, event))) {
    // live: a setter earlier in the same expression shows in a later getter
    Object.defineProperty(props, k, { enumerable: true, get: () => taskProps(t, event)[k] });
    methods[`get${k.charAt(0).toUpperCase()}${k.slice(1)}`] = () => taskProps(t, event)[k] ?? null;
  }
  methods.getCandidateUsers = () => [...(t.candidate_users ?? [])];
  methods.getCandidateGroups = () => [...(t.candidate_groups ?? [])];
  return new HostObject(methods, props);
}
