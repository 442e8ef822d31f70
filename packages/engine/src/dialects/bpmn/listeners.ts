/**
 * Execution and task listeners (`flowable:`/`activiti:`/`camunda:` `executionListener` and `taskListener`) as
 * Flowable runs them: a JUEL `expression` or a `<script>` child. A Java `class` or `delegateExpression` cannot run
 * here and is refused by name, as are Camunda's script resources and timeout task listeners.
 */
import type { ListenerDef } from '../../runtime/graph.js';
import type { ModdleElement } from './compile.js';
import { SCRIPT_FORMATS } from './script-formats.js';

const EXECUTION_EVENTS = new Set(['start', 'end', 'take']);
const TASK_EVENTS = new Set(['create', 'assignment', 'complete', 'delete', 'all']);

/** What a listener is on: an activity or the process (start/end), a sequence flow (take), a user task (task events). */
export type ListenerHost = 'activity' | 'flow' | 'task';

function extValues(el: ModdleElement, type: string): ModdleElement[] {
  return (el?.extensionElements?.values ?? []).filter((v: ModdleElement) => v.$type === type);
}

/** The listeners of one kind on an element, in document order; problems go to `err` with the element's id. */
export function compileListeners(
  el: ModdleElement,
  host: ListenerHost,
  err: (id: string | undefined, message: string) => void,
): ListenerDef[] | undefined {
  const kind = host === 'task' ? 'Task listener' : 'Execution listener';
  const out: ListenerDef[] = [];
  for (const l of extValues(el, host === 'task' ? 'activiti:TaskListener' : 'activiti:ExecutionListener')) {
    // A flow's listener needs no event: it can only be `take` (Camunda and Flowable default it).
    const event = String(l.event ?? (host === 'flow' ? 'take' : '')).trim();
    const what = `${kind} (event '${event}') on '${el.id}'`;
    const events = host === 'task' ? TASK_EVENTS : EXECUTION_EVENTS;
    if (!events.has(event) || (host === 'flow') !== (event === 'take')) {
      const allowed = host === 'task' ? [...TASK_EVENTS] : host === 'flow' ? ['take'] : ['start', 'end'];
      err(
        el.id,
        event === 'timeout'
          ? `${what}: timeout task listeners (Camunda-only) are not supported; use a timer boundary event`
          : `${what}: the event must be one of ${allowed.join(', ')}`,
      );
      continue;
    }
    if (l.onTransaction) {
      err(el.id, `${what}: transaction-dependent listeners (onTransaction="${l.onTransaction}") are not supported`);
      continue;
    }
    if (l.class) {
      err(
        el.id,
        `${what}: class '${l.class}' is not supported (Java classes cannot run here); use an expression or a script`,
      );
      continue;
    }
    if (l.delegateExpression) {
      err(
        el.id,
        `${what}: delegateExpression is not supported (Java delegates cannot run here); use an expression or a script`,
      );
      continue;
    }
    if (l.expression) {
      out.push({ event, expression: String(l.expression) });
      continue;
    }
    const script = l.script;
    if (!script) {
      err(el.id, `${what} has no expression or script`);
      continue;
    }
    const format = String(script.scriptFormat || 'juel').toLowerCase();
    const source = typeof script.value === 'string' ? script.value : '';
    if (script.resource)
      err(el.id, `${what}: a script resource ('${script.resource}') is not supported; inline the script`);
    else if (!SCRIPT_FORMATS.has(format))
      err(el.id, `${what}: script format '${script.scriptFormat}' is not supported`);
    else if (!source.trim()) err(el.id, `${what} has an empty script`);
    else out.push({ event, script: { format, source } });
  }
  return out.length ? out : undefined;
}
