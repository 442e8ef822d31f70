/**
 * Rules of a FLOW definition that JSON Schema can't express (the schema-level rules — types, ranges, per-type
 * configuration properties, variable defaults — are checked by the spec validator before this runs): unique task
 * ids, `dependsOn` naming existing tasks with no cycle, unique variable names, templates and condition expressions
 * that parse and whose references resolve. Every problem is reported with its location in the body.
 */
import {
  EXECUTION_FIELDS,
  expressionReferences,
  FlowSyntaxError,
  parseExpression,
  parseTemplateString,
  type Reference,
} from './references.js';

export interface FlowTask {
  id: string;
  name?: string;
  description?: string;
  configuration: { type: string; [k: string]: unknown };
  dependsOn?: string[];
  condition?: string;
  errorHandling?: Record<string, unknown>;
}

export interface FlowVariable {
  name: string;
  type: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'OBJECT' | 'ARRAY';
  description?: string;
  example?: unknown;
  default?: unknown;
  required?: boolean;
}

export interface FlowDefinitionBody {
  id?: string;
  name: string;
  tasks: FlowTask[];
  description?: string;
  owner?: string;
  isDraft: boolean;
  isTemplate?: boolean;
  tags?: string[];
  initialState?: Record<string, unknown>;
  defaultErrorHandling?: Record<string, unknown>;
  variables?: FlowVariable[];
}

export type FlowIssueType =
  | 'REQUIRED'
  | 'INVALID_VALUE'
  | 'DUPLICATE'
  | 'UNKNOWN_REFERENCE'
  | 'CYCLE'
  | 'UNRESOLVED_REFERENCE'
  | 'INVALID_TEMPLATE'
  | 'INVALID_EXPRESSION';

export interface FlowIssue {
  issue: string;
  issueLocation: string;
  issueType: FlowIssueType;
}

/** Ids of the tasks `id` depends on, directly or transitively (cycle-safe). */
export function transitiveDependencies(tasks: readonly FlowTask[]): Map<string, Set<string>> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const result = new Map<string, Set<string>>();
  for (const t of tasks) {
    const seen = new Set<string>();
    const stack = [...(t.dependsOn ?? [])];
    while (stack.length) {
      const d = stack.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      for (const next of byId.get(d)?.dependsOn ?? []) stack.push(next);
    }
    result.set(t.id, seen);
  }
  return result;
}

/** Finds dependency cycles; each is reported once, as the list of task ids around it. */
export function findCycles(tasks: readonly FlowTask[]): string[][] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const color = new Map<string, 'grey' | 'black'>();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (id: string) => {
    color.set(id, 'grey');
    stack.push(id);
    for (const d of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(d)) continue;
      const c = color.get(d);
      if (c === 'grey') cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!c) visit(d);
    }
    stack.pop();
    color.set(id, 'black');
  };
  for (const t of tasks) if (!color.has(t.id)) visit(t.id);
  return cycles;
}

export function validateFlowDefinition(def: FlowDefinitionBody, pathId?: string): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const add: Add = (issueLocation, issueType, issue) => issues.push({ issue, issueLocation, issueType });

  if (pathId !== undefined && def.id !== undefined && def.id !== pathId) {
    add('id', 'INVALID_VALUE', `The body's id '${def.id}' differs from the path's workflowDefinitionId '${pathId}'`);
  }
  if (!def.isDraft && def.tasks.length === 0) add('tasks', 'REQUIRED', 'A published version needs at least one task');
  const firstIndex = checkTaskIds(def, add);
  checkDependencies(def, firstIndex, add);
  const variables = new Map<string, number>();
  (def.variables ?? []).forEach((v, i) => {
    if (variables.has(v.name)) add(`variables[${i}].name`, 'DUPLICATE', `The variable '${v.name}' is declared twice`);
    else variables.set(v.name, i);
  });
  checkTaskReferences(def, referenceResolver(def, variables, firstIndex, add), add);
  return issues;
}

type Add = (issueLocation: string, issueType: FlowIssueType, issue: string) => void;
type Resolve = (ref: Reference, task: FlowTask, location: string) => void;

/** Task ids are unique: the first index of each. */
function checkTaskIds(def: FlowDefinitionBody, add: Add): Map<string, number> {
  const firstIndex = new Map<string, number>();
  def.tasks.forEach((t, i) => {
    const first = firstIndex.get(t.id);
    if (first !== undefined)
      add(`tasks[${i}].id`, 'DUPLICATE', `The task id '${t.id}' is already used by tasks[${first}]`);
    else firstIndex.set(t.id, i);
  });
  return firstIndex;
}

/** dependsOn names tasks of the definition, and no task depends on itself, directly or in a cycle. */
function checkDependencies(def: FlowDefinitionBody, firstIndex: Map<string, number>, add: Add): void {
  def.tasks.forEach((t, i) => {
    (t.dependsOn ?? []).forEach((d, j) => {
      if (d === t.id) add(`tasks[${i}].dependsOn[${j}]`, 'CYCLE', `The task '${t.id}' depends on itself`);
      else if (!firstIndex.has(d)) {
        add(
          `tasks[${i}].dependsOn[${j}]`,
          'UNKNOWN_REFERENCE',
          `dependsOn names '${d}', which is not a task of this definition`,
        );
      }
    });
  });
  for (const cycle of findCycles(def.tasks)) {
    if (cycle.length <= 2) continue; // a self-dependency, reported above
    const at = firstIndex.get(cycle[0]!)!;
    add(`tasks[${at}].dependsOn`, 'CYCLE', `The tasks depend on each other in a cycle: ${cycle.join(' → ')}`);
  }
}

/** Checks a reference of a template or expression: to a declared variable, a state key, a task depended on. */
function referenceResolver(
  def: FlowDefinitionBody,
  variables: Map<string, number>,
  firstIndex: Map<string, number>,
  add: Add,
): Resolve {
  const stateKeys = new Set<string>([...variables.keys(), ...Object.keys(def.initialState ?? {})]);
  for (const t of def.tasks) {
    if (
      t.configuration.type === 'SET_VARIABLES' &&
      t.configuration.values &&
      typeof t.configuration.values === 'object'
    ) {
      for (const k of Object.keys(t.configuration.values as object)) stateKeys.add(k);
    }
  }
  const deps = transitiveDependencies(def.tasks);
  return (ref, task, location) => {
    switch (ref.kind) {
      case 'variables':
        if (!variables.has(ref.name))
          add(location, 'UNRESOLVED_REFERENCE', `'${ref.text}' names an undeclared variable '${ref.name}'`);
        break;
      case 'state': {
        const first = ref.path[0];
        if (!first || !('key' in first) || !stateKeys.has(first.key)) {
          add(
            location,
            'UNRESOLVED_REFERENCE',
            `'${ref.text}' starts with a key that is not a declared variable, a key of initialState or a key written by a SET_VARIABLES task`,
          );
        }
        break;
      }
      case 'tasks':
        if (!deps.get(task.id)?.has(ref.taskId)) {
          add(
            location,
            'UNRESOLVED_REFERENCE',
            firstIndex.has(ref.taskId)
              ? `'${ref.text}' reads the task '${ref.taskId}', which '${task.id}' does not depend on (directly or transitively)`
              : `'${ref.text}' names '${ref.taskId}', which is not a task of this definition`,
          );
        }
        break;
      case 'execution':
        if (!(EXECUTION_FIELDS as readonly string[]).includes(ref.field)) {
          add(
            location,
            'UNRESOLVED_REFERENCE',
            `'${ref.text}': an execution has no field '${ref.field}' (${EXECUTION_FIELDS.join(', ')})`,
          );
        }
        break;
    }
  };
}

/** Every task's condition and configuration: templates and expressions parse, and their references resolve. */
function checkTaskReferences(def: FlowDefinitionBody, resolve: Resolve, add: Add): void {
  const checkTemplates = (value: unknown, task: FlowTask, location: string) => {
    if (typeof value === 'string') {
      try {
        for (const part of parseTemplateString(value)) if ('ref' in part) resolve(part.ref, task, location);
      } catch (e) {
        if (e instanceof FlowSyntaxError) add(location, 'INVALID_TEMPLATE', e.message);
        else throw e;
      }
    } else if (Array.isArray(value))
      value.forEach((v, k) => {
        checkTemplates(v, task, `${location}[${k}]`);
      });
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) checkTemplates(v, task, `${location}.${k}`);
    }
  };
  const checkExpression = (source: string, task: FlowTask, location: string) => {
    try {
      for (const ref of expressionReferences(parseExpression(source))) resolve(ref, task, location);
    } catch (e) {
      if (e instanceof FlowSyntaxError)
        add(location, 'INVALID_EXPRESSION', `'${source}' is not a valid condition: ${e.message}`);
      else throw e;
    }
  };
  def.tasks.forEach((t, i) => {
    const base = `tasks[${i}]`;
    if (t.condition !== undefined) checkExpression(t.condition, t, `${base}.condition`);
    for (const [k, v] of Object.entries(t.configuration)) {
      if (k === 'type' || k === 'script') continue;
      if (k === 'cases' && Array.isArray(v)) {
        v.forEach((c: { when?: unknown; result?: unknown }, j) => {
          if (typeof c?.when === 'string') checkExpression(c.when, t, `${base}.configuration.cases[${j}].when`);
          checkTemplates(c?.result, t, `${base}.configuration.cases[${j}].result`);
        });
        continue;
      }
      checkTemplates(v, t, `${base}.configuration.${k}`);
    }
  });
}
