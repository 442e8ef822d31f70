/**
 * FLOW executions: the execution record (a `flow_executions` row, repository/executions.ts), the rules that change it
 * (a task succeeds or fails, the execution ends) and its response shapes. Each execution is one runtime process
 * instance whose business key is the execution id; the FLOW service behaviours (tasks.ts) apply these rules inside
 * the runtime's own commands, so the row and the instance never disagree.
 */
import type { FlowErrorHandling } from '../../dialects/flow/compile.js';
import type { Scope } from './repository/index.js';

export type ExecutionState = 'INPROGRESS' | 'COMPLETED' | 'ERROR' | 'TIMEOUT';
export type TaskStatus = 'PENDING' | 'RUNNING' | 'WAITING' | 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';
export type ErrorType =
  | 'HTTP_STATUS'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'SCRIPT_ERROR'
  | 'TEMPLATE_ERROR'
  | 'TYPE_MISMATCH'
  | 'CHECK_ERROR';

export interface TaskError {
  errorType: ErrorType;
  message: string;
  httpStatus?: number;
}

export interface TaskRecord {
  taskId: string;
  type: string;
  status: TaskStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  output: unknown;
  error: TaskError | null;
  errorIgnored: boolean;
}

export interface Failure {
  taskId: string | null;
  errorType: ErrorType | 'EXECUTION_TIMEOUT';
  message: string;
}

export interface ExecutionRow {
  id: string;
  scope: Scope;
  definitionId: string;
  version: number;
  versionId: string;
  instanceId: string | null;
  state: ExecutionState;
  startedAt: string;
  endedAt: string | null;
  createdBy: string;
  channel: string | null;
  clientRequestId: string | null;
  comment: { text: string } | null;
  initialState: Record<string, unknown>;
  data: Record<string, unknown>;
  tasks: TaskRecord[];
  taskOrder: string[];
  failure: Failure | null;
  timeoutMs: number | null;
  variableNames: string[];
}

/** Ends an execution: the state, when, why; the tasks that had not finished are CANCELLED. */
export function endExecution(e: ExecutionRow, state: ExecutionState, now: Date, failure: Failure | null): void {
  e.state = state;
  e.endedAt = now.toISOString();
  e.failure = failure;
  for (const t of e.tasks) {
    if (t.status === 'PENDING' || t.status === 'RUNNING' || t.status === 'WAITING') {
      t.status = 'CANCELLED';
      t.endedAt = t.startedAt ? e.endedAt : t.endedAt;
    }
  }
}

/** The execution-level timeout fired (a timer, compile.ts): an execution still running ends as TIMEOUT. */
export function timeOut(e: ExecutionRow, now: Date): void {
  if (e.state !== 'INPROGRESS') return;
  endExecution(e, 'TIMEOUT', now, {
    taskId: null,
    errorType: 'EXECUTION_TIMEOUT',
    message: `The execution did not finish within ${e.timeoutMs} ms`,
  });
}

/** What a task produced: its output, and the state keys it writes. */
export interface TaskResult {
  output: unknown;
  writes?: Record<string, unknown>;
}

export function taskSucceeded(e: ExecutionRow, rec: TaskRecord, r: TaskResult, now: Date): void {
  rec.status = 'COMPLETED';
  rec.output = r.output ?? null;
  rec.error = null;
  rec.endedAt = now.toISOString();
  if (r.writes) Object.assign(e.data, r.writes);
}

/** A task's last attempt failed: with ignoreErrors the fallback state is merged and the run goes on, else ERROR. */
export function taskFailed(e: ExecutionRow, rec: TaskRecord, eh: FlowErrorHandling, error: TaskError, now: Date): void {
  rec.status = 'FAILED';
  rec.error = error;
  rec.endedAt = now.toISOString();
  if (eh.ignoreErrors) {
    rec.errorIgnored = true;
    Object.assign(e.data, eh.fallbackState);
  } else {
    endExecution(e, 'ERROR', now, { taskId: rec.taskId, errorType: error.errorType, message: error.message });
  }
}

/** The response shape of an execution (`WorkflowExecution`) and its summary (`WorkflowExecutionSummary`). */
export function renderSummary(e: ExecutionRow) {
  const ids = (pred: (t: TaskRecord) => boolean) => e.tasks.filter(pred).map((t) => t.taskId);
  return {
    workflowExecutionId: e.id,
    workflowDefinitionId: e.definitionId,
    version: e.version,
    versionId: e.versionId,
    workflowExecutionState: e.state,
    startedAt: e.startedAt,
    endedAt: e.endedAt,
    createdBy: e.createdBy,
    channel: e.channel,
    steps: {
      order: e.taskOrder,
      passed: ids((t) => t.status === 'COMPLETED'),
      failed: ids((t) => t.status === 'FAILED'),
      incomplete: ids((t) => ['PENDING', 'RUNNING', 'WAITING', 'CANCELLED'].includes(t.status)),
      notApplicable: ids((t) => t.status === 'SKIPPED'),
    },
  };
}

export function renderExecution(e: ExecutionRow) {
  return {
    ...renderSummary(e),
    ...(e.comment ? { comment: e.comment } : {}),
    initialState: e.initialState,
    state: e.data,
    tasks: e.tasks.map((t) => ({
      taskId: t.taskId,
      type: t.type,
      status: t.status,
      attempts: t.attempts,
      startedAt: t.startedAt,
      endedAt: t.endedAt,
      output: t.output,
      error: t.error,
      errorIgnored: t.errorIgnored,
    })),
    failure: e.failure,
  };
}
