/**
 * The token executor: an agenda of operations over the executions of a Session, run until every path waits.
 * Element behaviour follows Flowable: tokens are executions, sub-processes and multi-instance bodies are scope
 * executions, joins count arrived tokens, inclusive joins wait until no other token in the scope can arrive.
 */

import type { Queryable } from '../store/db.js';
import type { ServiceBehaviour, ServiceBehaviourContext } from './behaviours.js';
import { throwBpmnError, throwEscalation } from './bpmn-errors.js';
import {
  compensationDone,
  isPendingCompensation,
  recordCompensation,
  recordMultiInstanceCompensation,
  throwCompensation,
} from './compensation.js';
import { RuntimeError } from './errors.js';
import { cancelEventGroup, leaveEventGateway } from './event-gateway.js';
import { fireEventSubProcess, listenForEventSubProcesses } from './event-subprocesses.js';
import {
  coerceToBoolean,
  type ExpressionContext,
  evaluate,
  HostObject,
  variablesContext,
} from './expressions/index.js';
import {
  type ExternalCall,
  type ExternalOutcome,
  type ExternalServiceBehaviour,
  isExternalBehaviour,
} from './external-tasks.js';
import {
  type AssignedValue,
  canReach,
  type GraphFlow,
  type GraphNode,
  type IoParameter,
  type ProcessGraph,
  type TimerDef,
  type VariableMapping,
} from './graph.js';
import { type EvaluationScope, languageNamed, type Outcome, type SourceKind } from './languages/index.js';
import { sandboxSource } from './languages/scripts.js';
import type { Owner } from './owner.js';
import {
  type HostFunction,
  runScript,
  ScriptError,
  type ScriptExecution,
  type ScriptLimits,
} from './script-sandbox.js';
import type { Exec, InstanceState, Session, TaskRow } from './session.js';
import { endDateOf, firstFiring, nextFiring, parseCycle, parseIsoDuration } from './timer-cycles.js';

export { parseIsoDuration } from './timer-cycles.js';

import { notifyExecution, notifyTask } from './listeners.js';
import { type QueuedSignal, throwSignal } from './signals.js';

export interface ExecutorHooks {
  /** Finds the latest definition of a key among the owner's (call activities: a process calls only its own API's). */
  latestDefinition(
    key: string,
    q: Queryable,
    owner: Owner,
  ): Promise<{ id: string; key: string; graph: ProcessGraph; owner: Owner } | undefined>;
  scriptLimits?: ScriptLimits;
  /** The command's clock: `Date` inside scripts follows it. */
  now?: () => Date;
  /** Extra values visible to expressions (host objects). */
  expressionGlobals?: Record<string, unknown>;
  /** The user the command runs for (`authenticatedUserId` in expressions); none for jobs. */
  authenticatedUserId?: string;
  /** Finds a named service behaviour (runtime/behaviours.ts). */
  serviceBehaviour?(name: string): ServiceBehaviour | undefined;
  /** Host functions the owning API gives its scripts (`openidm.*` for IDM), on the command's transaction. */
  scriptFunctions?(q: Queryable, instance: InstanceState): Record<string, HostFunction>;
  /** JavaScript the owning API runs before each of its script tasks, on the script's first line (IGA's prelude). */
  scriptPrelude?(instance: InstanceState): string | undefined;
}

type Op = () => Promise<void> | void;

/** Extra names an expression sees (a listener's `task`) and extra properties of its `execution`. */
export interface Bindings {
  execution?: Record<string, unknown>;
  names?: Record<string, unknown>;
}

export class Executor {
  private readonly agenda: Op[] = [];
  /** Transient variables: visible to expressions and scripts during this command, never stored. */
  transient: Record<string, unknown> = {};
  /** Calls of external service tasks made in this command (enqueued as jobs when it flushes). */
  readonly externalCalls: ExternalCall[] = [];
  /** Deliveries of asynchronously thrown signals (enqueued as `wf.signal` jobs when it flushes). */
  readonly signalJobs: QueuedSignal[] = [];
  /**
   * Work a synchronous caller started but could not wait for (a timer's date in JavaScript, evaluated in the
   * sandbox): the agenda settles it before its next operation. Each entry resolves to its error, never rejects.
   */
  private readonly pending: Promise<unknown>[] = [];

  constructor(
    readonly s: Session,
    private readonly hooks: ExecutorHooks,
  ) {}

  // ---------------------------------------------------------------- variables
  private chain(inst: InstanceState, e: Exec | undefined): string[] {
    const out: string[] = [];
    let cur: Exec | undefined = e;
    while (cur) {
      out.push(cur.id);
      cur = cur.parentId ? inst.execs.get(cur.parentId) : undefined;
    }
    if (out[out.length - 1] !== inst.id) out.push(inst.id);
    return out;
  }
  getVar(inst: InstanceState, e: Exec | undefined, name: string): { found: boolean; value?: unknown } {
    if (Object.hasOwn(this.transient, name)) return { found: true, value: this.transient[name] };
    for (const id of this.chain(inst, e)) {
      const m = inst.vars.get(id);
      if (m?.has(name)) return { found: true, value: m.get(name) };
    }
    return { found: false };
  }
  allVars(inst: InstanceState, e: Exec | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const id of this.chain(inst, e).reverse()) {
      for (const [k, v] of inst.vars.get(id) ?? []) out[k] = v;
    }
    return { ...out, ...this.transient };
  }
  setVar(inst: InstanceState, e: Exec | undefined, name: string, value: unknown): void {
    for (const id of this.chain(inst, e)) {
      if (inst.vars.get(id)?.has(name)) {
        this.s.setVar(inst, id, name, value);
        return;
      }
    }
    this.s.setVar(inst, inst.id, name, value);
  }
  setVars(inst: InstanceState, e: Exec | undefined, vars: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(vars)) this.setVar(inst, e, k, v);
  }

  /** What `execution` shows of itself besides its methods (scripts get the same as properties). */
  executionProps(inst: InstanceState, e: Exec | undefined): Record<string, unknown> {
    return {
      id: e?.id ?? inst.id,
      processInstanceId: inst.id,
      processBusinessKey: inst.businessKey,
      processDefinitionId: inst.definitionId,
      activityId: e?.activityId ?? null,
      currentActivityId: e?.activityId ?? null,
    };
  }

  ctx(inst: InstanceState, e: Exec | undefined, extra: Bindings = {}): ExpressionContext {
    const props = { ...this.executionProps(inst, e), ...extra.execution };
    const execution = new HostObject(
      {
        getVariable: (n) => this.getVar(inst, e, String(n)).value ?? null,
        setVariable: (n, v) => {
          this.setVar(inst, e, String(n), v);
          return null;
        },
        getVariables: () => this.allVars(inst, e),
        getId: () => e?.id ?? inst.id,
        getProcessInstanceId: () => inst.id,
        getProcessBusinessKey: () => inst.businessKey,
        getCurrentActivityId: () => props.currentActivityId ?? null,
        getActivityId: () => props.activityId ?? null,
        getEventName: () => props.eventName ?? null,
        hasVariable: (n) => this.getVar(inst, e, String(n)).found,
      },
      props,
    );
    const globals = this.hooks.expressionGlobals ?? {};
    const names = extra.names ?? {};
    return {
      resolve: (name) => {
        if (Object.hasOwn(names, name)) return { found: true, value: names[name] };
        // a keyword before variables, as Flowable's VariableScopeElResolver reads it
        if (name === 'authenticatedUserId') return { found: true, value: this.hooks.authenticatedUserId ?? null };
        const v = this.getVar(inst, e, name);
        if (v.found) return v;
        if (name === 'execution') return { found: true, value: execution };
        if (Object.hasOwn(globals, name)) return { found: true, value: globals[name] };
        return { found: false };
      },
    };
  }
  private scopeOf(inst: InstanceState, e: Exec | undefined): EvaluationScope {
    return {
      expression: () => this.ctx(inst, e),
      script: () => this.scriptHost(inst, e),
      ...(this.hooks.scriptLimits ? { limits: this.hooks.scriptLimits } : {}),
    };
  }

  /**
   * The outcomes of sources in the graph's language (or `language`), in order: an array for JUEL, so BPMN never
   * waits for a promise; a promise for JavaScript (all sources in one sandbox run). `where` names source i.
   */
  outcomes(
    inst: InstanceState,
    e: Exec | undefined,
    sources: readonly string[],
    where: (i: number) => string,
    opts: { kind?: SourceKind; language?: string } = {},
  ): Outcome[] | Promise<Outcome[]> {
    let lang: ReturnType<typeof languageNamed>;
    try {
      lang = languageNamed(opts.language ?? inst.graph.language);
    } catch (err) {
      throw new RuntimeError('failed', `Error evaluating ${where(0)}: ${(err as Error).message}`);
    }
    const r = lang.evaluateAll(sources, this.scopeOf(inst, e), opts.kind ?? 'value');
    if (!(r instanceof Promise)) return r;
    return r.catch((err: unknown) => {
      // The sandbox itself failed (a broken limit): every source fails with it.
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError('failed', `Error evaluating ${where(0)}: ${(err as Error)?.message ?? String(err)}`);
    });
  }

  /** An outcome's value; a failure fails the command, or is null where the graph reads failures so (IGA). */
  valueOf(inst: InstanceState, o: Outcome, where: string): unknown {
    if (o.ok) return o.value;
    if (inst.graph.expressionErrors === 'null') return null;
    if (o.error instanceof RuntimeError) throw o.error;
    throw new RuntimeError('failed', `Error evaluating ${where}: ${o.error.message}`);
  }

  /** The values of sources in the graph's language: see `outcomes`; a failure as `valueOf` says. */
  evaluateAll(
    inst: InstanceState,
    e: Exec | undefined,
    sources: readonly string[],
    where: (i: number) => string,
    opts: { kind?: SourceKind; language?: string } = {},
  ): unknown[] | Promise<unknown[]> {
    const values = (list: Outcome[]) => list.map((o, i) => this.valueOf(inst, o, where(i)));
    const r = this.outcomes(inst, e, sources, where, opts);
    return r instanceof Promise ? r.then(values) : values(r);
  }

  /** One source's value in the graph's language (synchronous for JUEL). */
  evaluate(
    inst: InstanceState,
    e: Exec | undefined,
    src: string,
    where: string,
    opts: { kind?: SourceKind; language?: string } = {},
  ): unknown {
    const r = this.evaluateAll(inst, e, [src], () => where, opts);
    return r instanceof Promise ? r.then((v) => v[0]) : r[0];
  }

  /**
   * A JUEL expression, synchronously: for what is evaluated as JUEL whatever the graph's language (a JUEL script
   * task) and the places that cannot wait for the sandbox (message and signal names). A JavaScript graph's
   * expression never reaches it.
   */
  evalIn(inst: InstanceState, e: Exec | undefined, src: string, where: string, extra?: Bindings): unknown {
    if (inst.graph.language && inst.graph.language !== 'juel')
      throw new RuntimeError(
        'failed',
        `Error evaluating ${where}: it is read as JUEL, the graph's language is ${inst.graph.language}`,
      );
    try {
      return evaluate(src, this.ctx(inst, e, extra));
    } catch (err) {
      throw new RuntimeError(
        'failed',
        `Error evaluating ${where}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  condIn(inst: InstanceState, e: Exec | undefined, src: string, where: string): boolean {
    return coerceToBoolean(this.evalIn(inst, e, src, where));
  }

  // ---------------------------------------------------------------- agenda
  plan(op: Op): void {
    this.agenda.push(op);
  }
  async run(): Promise<void> {
    for (;;) {
      await this.settle();
      while (this.agenda.length) {
        const op = this.agenda.shift()!;
        await op();
        if (this.pending.length) await this.settle();
      }
      if (!this.checkInclusiveJoins()) break;
    }
  }

  /** Finishes `work` before the agenda's next operation; its failure fails the command (from `run`). */
  defer(work: Promise<void>): void {
    this.pending.push(
      work.then(
        () => undefined,
        (err: unknown) => err ?? new Error('Deferred work failed'),
      ),
    );
  }

  private async settle(): Promise<void> {
    while (this.pending.length) {
      const err = await this.pending.shift();
      if (err !== undefined) throw err;
    }
  }

  /** Starts a new instance: the caller flushes. */
  startInstance(
    def: { id: string; key: string; graph: ProcessGraph; owner: Owner },
    opts: {
      businessKey?: string | null;
      startUserId?: string | null;
      variables?: Record<string, unknown>;
      superExec?: Exec;
      superInst?: InstanceState;
      /** The start event to begin at (a message or signal start); default the graph's. */
      startNodeId?: string;
    },
  ): InstanceState {
    const id = this.s.ids.ulid();
    const inst: InstanceState = {
      id,
      rootId: opts.superInst?.rootId ?? id,
      definitionId: def.id,
      definitionKey: def.key,
      graph: def.graph,
      owner: { ...def.owner },
      businessKey: opts.businessKey ?? null,
      startUserId: opts.startUserId ?? null,
      superExecutionId: opts.superExec?.id ?? null,
      superInstanceId: opts.superInst?.id ?? null,
      startTime: this.s.now(),
      execs: new Map(),
      vars: new Map(),
      ended: false,
      isNew: true,
    };
    inst.execs.set(id, {
      id,
      instanceId: id,
      parentId: null,
      activityId: null,
      kind: 'root',
      state: {},
      eventType: null,
      eventName: null,
      dueAt: null,
      createdAt: inst.startTime,
    });
    this.s.addInstance(inst);
    for (const [k, v] of Object.entries(opts.variables ?? {})) this.s.setVar(inst, id, k, v);
    const start = def.graph.nodes[opts.startNodeId ?? def.graph.startNodeId]!;
    if (start.id !== def.graph.startNodeId) inst.startActivityId = start.id;
    if (start.startForm?.initiator && opts.startUserId !== undefined)
      this.s.setVar(inst, id, start.startForm.initiator, opts.startUserId);
    listenForEventSubProcesses(this, inst, inst.execs.get(id)!, null);
    const token = this.s.newExec(inst, id, start.id, 'token');
    this.plan(async () => {
      const where = { activityId: start.id, label: `process '${def.key}'` };
      await notifyExecution(this, inst, inst.execs.get(id), def.graph.listeners, 'start', where);
      await this.enter(inst, token, start);
    });
    return inst;
  }

  // ---------------------------------------------------------------- entering nodes
  private histType(n: GraphNode): string {
    return n.type;
  }

  /** An end event: its end listeners, then what it throws (terminate, error, signal, escalation), or the token ends. */
  private async reachEnd(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    // a compensation end event ends once the handlers it started have ended
    if (n.event?.kind === 'compensate') return throwCompensation(this, inst, e, n);
    delete e.state.listening;
    await this.activityEvent(inst, e, n, 'end');
    this.s.endActivity(e);
    if (n.event?.kind === 'terminate') return this.terminate(inst, e, n);
    if (n.event?.kind === 'error') return throwBpmnError(this, inst, e, n.event.errorCode, n);
    if (n.event?.kind === 'signal') await throwSignal(this, inst, e, n);
    if (n.event?.kind === 'escalation') {
      await throwEscalation(this, inst, e, n.event.escalationCode);
      if (!inst.execs.has(e.id)) return;
    }
    return this.endToken(inst, e, n);
  }

  /** A service task: its behaviour (an external one waits for its job), else its expression; then it leaves. */
  private async runServiceTask(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    // A service task calling a script host (`${openidm.query(…)}`) was compiled to a script (its dialect says).
    if (n.script) {
      await this.runScriptTask(inst, e, n);
      return this.leave(inst, e, n);
    }
    const b = n.service!.behaviour ? this.behaviourOf(n) : undefined;
    if (isExternalBehaviour(b)) return this.startExternal(inst, e, n, b);
    const v = b
      ? await b(this.behaviourContext(inst, e, n))
      : await this.evaluate(inst, e, n.service!.expression, `the expression of service task '${n.id}'`);
    if (n.service!.resultVariable) this.setVar(inst, e, n.service!.resultVariable, v ?? null);
    return this.leave(inst, e, n);
  }

  async enter(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    // A token cancelled earlier in this command (terminate, a caught error, an event gateway) goes nowhere.
    if (inst.ended || !inst.execs.has(e.id)) return;
    e.activityId = n.id;
    this.s.touch(e);
    if (n.multiInstance && !e.state.miInner) return this.startMultiInstance(inst, e, n);
    if (n.async && !e.state.asyncDone) {
      // async continuation: a job continues from here in its own transaction
      e.state.wait = 'async';
      e.eventType = 'async';
      e.eventName = null;
      e.dueAt = this.s.now();
      this.s.touch(e);
      this.s.timersToSchedule.push(e);
      return;
    }
    delete e.state.asyncDone;
    if (n.inputOutput?.inputs.length) await this.mapInputs(inst, e, n);
    this.s.startActivity(inst, e, n.id, n.name ?? null, this.histType(n));
    if (n.listeners) {
      // an activity with listeners in progress: cancelling it runs its end listeners (cancelledEnd)
      e.state.listening = true;
      await this.activityEvent(inst, e, n, 'start');
      if (inst.ended || !inst.execs.has(e.id)) return;
    }
    switch (n.type) {
      case 'intermediateThrowEvent':
        if (n.event?.kind === 'compensate') return throwCompensation(this, inst, e, n);
        // a thrown signal reaches the executions waiting for it inside this command, as Flowable delivers it
        if (n.event?.kind === 'signal') await throwSignal(this, inst, e, n);
        if (n.event?.kind === 'escalation') {
          await throwEscalation(this, inst, e, n.event.escalationCode);
          if (!inst.execs.has(e.id)) return; // an interrupting catcher cancelled the thrower
        }
        return this.leave(inst, e, n);
      case 'startEvent':
      case 'task':
        return this.leave(inst, e, n);
      case 'endEvent':
        return this.reachEnd(inst, e, n);
      case 'userTask':
        await this.createTask(inst, e, n);
        this.attachBoundaries(inst, e, n);
        return;
      case 'receiveTask':
        // triggered (Flowable's trigger), or, with a messageRef, also by that message (an event subscription)
        e.state.wait = 'trigger';
        if (n.event?.kind === 'message') {
          e.eventType = 'message';
          e.eventName = this.eventNameOf(inst, e, n);
          this.s.touch(e);
        }
        this.attachBoundaries(inst, e, n);
        return;
      case 'intermediateCatchEvent':
        if (n.event?.kind === 'link') return this.leave(inst, e, n);
        this.waitForEvent(inst, e, n);
        return;
      case 'scriptTask':
        await this.runScriptTask(inst, e, n);
        return this.leave(inst, e, n);
      case 'serviceTask':
        return this.runServiceTask(inst, e, n);
      case 'exclusiveGateway':
        return this.leaveExclusive(inst, e, n);
      case 'parallelGateway':
        return this.parallelGateway(inst, e, n);
      case 'inclusiveGateway':
        return this.inclusiveGateway(inst, e, n);
      case 'eventBasedGateway':
        return leaveEventGateway(this, inst, e, n);
      case 'subProcess': {
        e.kind = 'scope';
        const start = inst.graph.nodes[n.startNodeId!]!;
        const child = this.s.newExec(inst, e.id, start.id, 'token');
        this.attachBoundaries(inst, e, n);
        listenForEventSubProcesses(this, inst, e, n.id);
        this.plan(() => this.enter(inst, child, start));
        return;
      }
      case 'callActivity':
        return this.startCallActivity(inst, e, n);
      case 'boundaryEvent':
        return this.leave(inst, e, n);
    }
  }

  /** The execution listeners of an activity for `start` or `end`. */
  activityEvent(inst: InstanceState, e: Exec, n: GraphNode, event: 'start' | 'end'): Promise<void> {
    return notifyExecution(this, inst, e, n.listeners, event, { activityId: n.id, label: `activity '${n.id}'` });
  }

  private behaviourOf(n: GraphNode): ServiceBehaviour {
    const name = n.service!.behaviour!;
    const behaviour = this.hooks.serviceBehaviour?.(name);
    if (!behaviour) throw new RuntimeError('failed', `Service task '${n.id}': no service behaviour '${name}'`);
    return behaviour;
  }

  /** An external service task: answer now, or wait while a `wf.external` job makes the call (external-tasks.ts). */
  private async startExternal(inst: InstanceState, e: Exec, n: GraphNode, b: ExternalServiceBehaviour): Promise<void> {
    const r = await b.start(this.behaviourContext(inst, e, n));
    if ('result' in r) {
      if (n.service!.resultVariable) this.setVar(inst, e, n.service!.resultVariable, r.result ?? null);
      return this.leave(inst, e, n);
    }
    e.state.wait = 'external';
    e.eventType = 'external';
    e.eventName = n.service!.behaviour!;
    e.dueAt = this.s.now();
    this.s.touch(e);
    this.externalCalls.push({
      executionId: e.id,
      maxAttempts: Math.max(1, Math.trunc(r.maxAttempts ?? 1)),
      payload: {
        executionId: e.id,
        instanceId: inst.id,
        rootId: inst.rootId,
        behaviour: n.service!.behaviour!,
        call: r.call,
        retryDelaysMs: r.retryDelaysMs ?? [],
      },
    });
  }

  /** The outcome of an external call arrived: the behaviour applies it and the token moves on. */
  async completeExternal(
    inst: InstanceState,
    e: Exec,
    b: ExternalServiceBehaviour,
    outcome: ExternalOutcome,
  ): Promise<void> {
    const n = inst.graph.nodes[e.activityId!]!;
    e.eventType = null;
    e.eventName = null;
    e.dueAt = null;
    delete e.state.wait;
    this.s.touch(e);
    const v = await b.complete(this.behaviourContext(inst, e, n), outcome);
    if (n.service!.resultVariable) this.setVar(inst, e, n.service!.resultVariable, v ?? null);
    this.plan(() => this.leave(inst, e, n));
  }

  private behaviourContext(inst: InstanceState, e: Exec, n: GraphNode): ServiceBehaviourContext {
    return {
      tx: this.s.tx,
      node: n,
      instanceId: inst.id,
      rootInstanceId: inst.rootId,
      businessKey: inst.businessKey,
      now: this.s.now(),
      getVariable: (name) => this.getVar(inst, e, name).value,
      setVariable: (name, v) => this.setVar(inst, e, name, v),
      variables: () => this.allVars(inst, e),
    };
  }

  get scriptLimits(): ScriptLimits | undefined {
    return this.hooks.scriptLimits;
  }

  /** What a script sees of the execution: variables, process variables as globals, the owner's host functions. */
  scriptHost(inst: InstanceState, e: Exec | undefined): ScriptExecution {
    return {
      getVariable: (name) => this.getVar(inst, e, name).value ?? null,
      setVariable: (name, v) => this.setVar(inst, e, name, v),
      getVariables: () => this.allVars(inst, e),
      // Process variables are readable as globals, as Flowable's JSR-223 bindings make them (`var sum = a + b`);
      // assigning a global does not store it (no autoStoreVariables): execution.setVariable does.
      globals: { ...this.allVars(inst, e), processInstanceId: inst.id, businessKey: inst.businessKey },
      functions: { ...this.executionFunctions(inst, e), ...this.hooks.scriptFunctions?.(this.s.tx, inst) },
      ...(this.hooks.now ? { now: this.hooks.now } : {}),
    };
  }

  /** DelegateExecution's getters a Flowable script calls besides the variable accessors (`execution.getId()`). */
  private executionFunctions(inst: InstanceState, e: Exec | undefined): Record<string, HostFunction> {
    const props = this.executionProps(inst, e);
    return {
      'execution.hasVariable': (n) => this.getVar(inst, e, String(n)).found,
      'execution.getId': () => props.id,
      'execution.getProcessInstanceId': () => props.processInstanceId,
      'execution.getProcessBusinessKey': () => props.processBusinessKey,
      'execution.getProcessDefinitionId': () => props.processDefinitionId,
      'execution.getCurrentActivityId': () => props.currentActivityId,
    };
  }

  private async runScriptTask(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    if (n.script!.format === 'juel') {
      // A JUEL script is one template, evaluated like any expression; its value is the script's result.
      const v = this.evaluate(inst, e, n.script!.source, `the JUEL script of script task '${n.id}'`, {
        language: 'juel',
      });
      if (n.script!.resultVariable) this.setVar(inst, e, n.script!.resultVariable, v ?? null);
      return;
    }
    try {
      const prelude = this.hooks.scriptPrelude?.(inst) ?? '';
      const r = await runScript(
        prelude + sandboxSource(n.script!.format, n.script!.source, n.script!.autoStoreVariables),
        this.scriptHost(inst, e),
        this.hooks.scriptLimits,
      );
      if (n.script!.resultVariable) this.setVar(inst, e, n.script!.resultVariable, r.result ?? null);
    } catch (err) {
      // A broken limit reads "Script task 'x' exceeded its memory limit of 16 MB".
      if (err instanceof ScriptError && err.limit)
        throw new RuntimeError('failed', `Script task '${n.id}' ${err.message.replace(/^Script /, '')}`);
      throw scriptFailure(inst, n, err);
    }
  }

  /** Candidate values as Flowable reads them: a list, a comma-separated string, or one value. */
  private candidates(values: unknown[]): string[] {
    const out: string[] = [];
    for (const v of values) {
      if (Array.isArray(v)) out.push(...v.map(String));
      else if (typeof v === 'string') out.push(...v.split(',').map((x) => x.trim()));
      else if (v !== null && v !== undefined) out.push(String(v));
    }
    return out.filter(Boolean);
  }

  /**
   * A user task's texts (name, description, form key, category): JUEL templates in a JUEL graph, where a name or
   * description that cannot be resolved stays literal (Flowable logs and keeps it); plain text in other languages.
   */
  private taskText(inst: InstanceState, e: Exec, n: GraphNode, src: string | undefined, what: string, keep: boolean) {
    if (src === undefined) return null;
    if (inst.graph.language && inst.graph.language !== 'juel') return src;
    try {
      const v = this.evalIn(inst, e, src, `the ${what} of user task '${n.id}'`);
      return v === null || v === undefined || v === '' ? null : v instanceof Date ? v.toISOString() : String(v);
    } catch (err) {
      if (keep) return src;
      throw err;
    }
  }

  private async createTask(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    const ut = n.userTask!;
    // The fields in the graph's language, evaluated together (one sandbox run for a JavaScript graph).
    const fields = { 'due date': ut.dueDate, priority: ut.priority, assignee: ut.assignee, owner: ut.owner };
    const named = Object.entries(fields).filter((f): f is [string, string] => f[1] !== undefined);
    const sources = [...named.map(([, src]) => src), ...ut.candidateUsers, ...ut.candidateGroups];
    const where = (i: number) =>
      i < named.length
        ? `the ${named[i]![0]} of user task '${n.id}'`
        : `the candidate ${i < named.length + ut.candidateUsers.length ? 'users' : 'groups'} of '${n.id}'`;
    const values = await this.evaluateAll(inst, e, sources, where);
    const value = (name: string) => {
      const i = named.findIndex(([k]) => k === name);
      return i < 0 ? null : values[i];
    };
    const str = (v: unknown) =>
      v === null || v === undefined || v === '' ? null : v instanceof Date ? v.toISOString() : String(v);
    const dueDate = this.dueDateOf(n, value('due date'));
    const prio = ut.priority ? Number(value('priority')) : 50;
    const users = values.slice(named.length, named.length + ut.candidateUsers.length);
    const t: TaskRow = {
      id: this.s.ids.ulid(),
      instance_id: inst.id,
      execution_id: e.id,
      definition_id: inst.definitionId,
      definition_key: inst.definitionKey,
      task_def_key: n.id,
      name: this.taskText(inst, e, n, n.name, 'name', true),
      description: n.documentation ? this.taskText(inst, e, n, n.documentation, 'description', true) : null,
      assignee: str(value('assignee')),
      owner: str(value('owner')),
      priority: Number.isFinite(prio) ? Math.trunc(prio) : 50,
      due_date: dueDate,
      form_key: this.taskText(inst, e, n, ut.formKey, 'form key', false),
      category: this.taskText(inst, e, n, ut.category, 'category', false),
      candidate_users: this.candidates(users),
      candidate_groups: this.candidates(values.slice(named.length + ut.candidateUsers.length)),
      create_time: this.s.now(),
      claim_time: null,
      rev: 1,
      owner_api: inst.owner.api,
      tenant: inst.owner.tenant,
    };
    this.s.insertTask(t);
    e.state.wait = 'task';
    // Flowable fires `assignment` before `create` for a task created assigned.
    if (t.assignee) await notifyTask(this, inst, e, t, 'assignment');
    await notifyTask(this, inst, e, t, 'create');
    const a = this.s.activity(e.state.hiAct);
    if (a) {
      a.task_id = t.id;
      a.assignee = t.assignee;
    }
  }

  /**
   * A user task's due date as Flowable's BusinessCalendar reads it: a date, a number (epoch millis), an ISO 8601
   * date-time, or an ISO 8601 duration from now (`P2DT5H40M`).
   */
  private dueDateOf(n: GraphNode, due: unknown): Date | null {
    if (due === null || due === undefined || due === '') return null;
    if (due instanceof Date) return due;
    if (typeof due === 'number') return new Date(due);
    const text = String(due).trim();
    const ms = parseIsoDuration(text);
    if (ms !== null) return new Date(this.s.now().getTime() + ms);
    const d = new Date(text);
    if (Number.isNaN(d.getTime()))
      throw new RuntimeError(
        'failed',
        `Due date of user task '${n.id}' is neither an ISO 8601 date nor a duration: ${text}`,
      );
    return d;
  }

  /**
   * `e` waits for the event of `n`. A timer's date in JavaScript comes from the sandbox: it is deferred (`defer`),
   * so callers stay synchronous and the timer is armed before the agenda's next operation.
   */
  waitForEvent(inst: InstanceState, e: Exec, n: GraphNode): void {
    const ev = n.event!;
    e.state.wait = ev.kind;
    e.eventType = ev.kind;
    if (ev.kind === 'timer') {
      e.eventName = null;
      const due = this.timerDue(inst, e, n);
      if (due instanceof Promise) this.defer(due.then((d) => this.armTimer(inst, e, d)));
      else this.armTimer(inst, e, due);
    } else e.eventName = this.eventNameOf(inst, e, n);
    this.s.touch(e);
  }

  /** Arms `e`'s timer; an optional timer without a date arms none on a boundary event and is due now elsewhere. */
  private armTimer(inst: InstanceState, e: Exec, due: Date | null): void {
    if (!inst.execs.has(e.id)) return;
    if (due === null && e.kind === 'boundary') {
      this.s.deleteExec(inst, e);
      return;
    }
    e.dueAt = due ?? this.s.now();
    this.s.touch(e);
    this.s.timersToSchedule.push(e);
  }

  /** A message or signal name; `signalExpression` / `messageExpression` are evaluated where the event is reached. */
  eventNameOf(inst: InstanceState, e: Exec, n: GraphNode): string | null {
    const ev = n.event!;
    if (!ev.nameExpression || !ev.name) return ev.name ?? null;
    try {
      return String(evaluate(ev.name, this.ctx(inst, e)) ?? '');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      // a variable the name needs is missing: the caller's input is at fault (Camunda's message names the name)
      const kind = /^Unknown property used in expression/.test(why) ? 'bad-request' : 'failed';
      throw new RuntimeError(kind, `Error evaluating the ${ev.kind} name '${ev.name}' of '${n.id}': ${why}`);
    }
  }

  /** When the timer of `n` is due, in the graph's language (null: an optional timer without a date). */
  private timerDue(inst: InstanceState, e: Exec, n: GraphNode): Date | null | Promise<Date | null> {
    const t = n.event!.timer!;
    const raw = this.evaluate(inst, e, t.value, `the timer of '${n.id}'`);
    return raw instanceof Promise ? raw.then((r) => this.dueOf(n, t, r)) : this.dueOf(n, t, raw);
  }

  private dueOf(n: GraphNode, t: TimerDef, raw: unknown): Date | null {
    if (raw instanceof Date) return raw;
    const text = String(raw ?? '').trim();
    const now = this.s.now();
    const fail = (message: string) => {
      if (t.optional) return null;
      throw new RuntimeError('failed', message);
    };
    if (t.optional && text === '') return null;
    if (t.type === 'date') {
      const d = new Date(text);
      return Number.isNaN(d.getTime()) ? fail(`Timer date of '${n.id}' is not a date: ${text}`) : d;
    }
    if (t.type === 'cycle') {
      const cycle = parseCycle(text);
      if (!cycle) return fail(`Timer cycle of '${n.id}' is not an ISO 8601 repeating interval: ${text}`);
      return firstFiring(cycle, now);
    }
    const ms = parseIsoDuration(text);
    if (ms === null) return fail(`Timer of '${n.id}' is not an ISO 8601 duration: ${text}`);
    return new Date(now.getTime() + ms);
  }

  /** Creates waiting executions for the boundary events of an activity (children of its token). */
  private attachBoundaries(inst: InstanceState, e: Exec, n: GraphNode): void {
    // The boundary events of a multi-instance activity wait on its body only, not on each inner instance.
    if (e.state.miInner) return;
    for (const bid of n.boundaryEvents ?? []) {
      const b = inst.graph.nodes[bid]!;
      // Error and escalation boundary events wait for nothing: a thrown error looks for them (bpmn-errors.ts); a
      // compensation boundary event only names the activity's handler (compensation.ts).
      if (b.event?.kind === 'error' || b.event?.kind === 'escalation' || b.event?.kind === 'compensate') continue;
      const be = this.s.newExec(inst, e.id, bid, 'boundary');
      this.waitForEvent(inst, be, b);
    }
  }

  // ---------------------------------------------------------------- leaving nodes
  /**
   * The conditions of `flows` (none: true) as outcomes in order: expressions in the graph's language (an array when
   * it is JUEL, else a promise: one sandbox run for them all), script conditions (`conditionLanguage`) as
   * `flowTaken` runs them.
   */
  private conditions(inst: InstanceState, e: Exec, flows: GraphFlow[]): Outcome[] | Promise<Outcome[]> {
    const out: Outcome[] = flows.map(() => ({ ok: true, value: true }));
    const groups = new Map<string, number[]>();
    const waits: Promise<void>[] = [];
    flows.forEach((f, i) => {
      if (!f.condition) return;
      if (f.conditionLanguage) {
        const set = (o: Outcome) => {
          out[i] = o;
        };
        waits.push(
          this.flowTaken(inst, e, f.id).then(
            (value) => set({ ok: true, value }),
            (error: Error) => set({ ok: false, error }),
          ),
        );
        return;
      }
      const language = inst.graph.language ?? 'juel';
      groups.set(language, [...(groups.get(language) ?? []), i]);
    });
    for (const [language, idx] of groups) {
      const where = (k: number) => `the condition of sequence flow '${flows[idx[k]!]!.id}'`;
      const sources = idx.map((i) => flows[i]!.condition!);
      const r = this.outcomes(inst, e, sources, where, { kind: 'condition', language });
      const put = (list: Outcome[]) => {
        for (const [k, i] of idx.entries()) out[i] = list[k]!;
      };
      if (r instanceof Promise) waits.push(r.then(put));
      else put(r);
    }
    return waits.length ? Promise.all(waits).then(() => out) : out;
  }

  /** Whether a condition's outcome is true; a failed one fails the command (or is false, as `valueOf` says). */
  private holds(inst: InstanceState, f: GraphFlow, o: Outcome): boolean {
    return this.valueOf(inst, o, `the condition of sequence flow '${f.id}'`) === true;
  }

  /** The flows a token takes out of `n`: every one whose condition holds, else the default flow. */
  private selectFlows(inst: InstanceState, e: Exec, n: GraphNode): string[] | Promise<string[]> {
    const flows = n.outgoing.filter((fid) => fid !== n.defaultFlow).map((fid) => inst.graph.flows[fid]!);
    const pick = (list: Outcome[]) => {
      const out = flows.filter((f, i) => this.holds(inst, f, list[i]!)).map((f) => f.id);
      if (!out.length && n.defaultFlow) out.push(n.defaultFlow);
      return out;
    };
    const r = this.conditions(inst, e, flows);
    return r instanceof Promise ? r.then(pick) : pick(r);
  }

  /** Whether the flow's condition holds: a JUEL expression, or a script in its language (`language="groovy"`). */
  private async flowTaken(inst: InstanceState, e: Exec, fid: string): Promise<boolean> {
    const f = inst.graph.flows[fid]!;
    if (!f.condition) return true;
    const where = `the condition of sequence flow '${fid}'`;
    if (!f.conditionLanguage) return this.condIn(inst, e, f.condition, where);
    let result: unknown;
    try {
      result = (
        await runScript(
          sandboxSource(f.conditionLanguage, f.condition),
          this.scriptHost(inst, e),
          this.hooks.scriptLimits,
        )
      ).result;
    } catch (err) {
      throw new RuntimeError(
        'failed',
        `Error evaluating ${where}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    // Flowable's and Camunda's ScriptCondition refuse anything else
    if (typeof result !== 'boolean')
      throw new RuntimeError(
        'failed',
        `Error evaluating ${where}: condition script returns non-Boolean: ${JSON.stringify(result) ?? 'undefined'}`,
      );
    return result;
  }

  // ---------------------------------------------------------------- local variables (camunda:inputOutput)
  /**
   * The values of input or output parameters in the graph's language: expression leaves evaluated together (one
   * sandbox run in JavaScript), literals as they are; a parameter without a value is null.
   */
  private parameters(
    inst: InstanceState,
    e: Exec,
    n: GraphNode,
    list: IoParameter[],
    what: 'input' | 'output',
  ): Record<string, unknown> | Promise<Record<string, unknown>> {
    const sources: string[] = [];
    const collect = (v: AssignedValue): void => {
      if (typeof v === 'string') sources.push(v);
      else if ('list' in v) v.list.forEach(collect);
      else if ('map' in v) Object.values(v.map).forEach(collect);
    };
    for (const a of list) if (a.value !== undefined) collect(a.value);
    const build = (values: unknown[]) => {
      let i = 0;
      const make = (v: AssignedValue): unknown =>
        typeof v === 'string'
          ? values[i++]
          : 'literal' in v
            ? v.literal
            : 'list' in v
              ? v.list.map(make)
              : Object.fromEntries(Object.entries(v.map).map(([k, x]) => [k, make(x)]));
      return Object.fromEntries(list.map((a) => [a.name, a.value === undefined ? null : (make(a.value) ?? null)]));
    };
    const names = list.flatMap((a) => (a.value === undefined ? [] : countLeaves(a.value).map(() => a.name)));
    const r = this.evaluateAll(inst, e, sources, (i) => `${what} '${names[i]}' of '${n.id}'`);
    return r instanceof Promise ? r.then(build) : build(r);
  }

  /** Input parameters become local variables of the activity's execution, evaluated in its scope. */
  private async mapInputs(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    const values = await this.parameters(inst, e, n, n.inputOutput!.inputs, 'input');
    for (const [k, v] of Object.entries(values)) this.s.setVar(inst, e.id, k, v);
    e.state.locals = true;
    this.s.touch(e);
  }

  /**
   * Leaving an activity: its output parameters, evaluated in its scope, go to the enclosing scope (`outputs`), and
   * its local variables end.
   */
  private async endLocals(inst: InstanceState, e: Exec, n: GraphNode | undefined, outputs: boolean): Promise<void> {
    const params = outputs ? (n?.inputOutput?.outputs ?? []) : [];
    if (!e.state.locals && !params.length) return;
    const values = params.length ? await this.parameters(inst, e, n!, params, 'output') : {};
    if (e.state.locals) {
      this.s.clearVars(inst, e.id);
      delete e.state.locals;
      this.s.touch(e);
    }
    const scope = e.parentId ? inst.execs.get(e.parentId) : undefined;
    for (const [k, v] of Object.entries(values)) this.setVar(inst, scope, k, v);
  }

  /** Completes the activity of `e` and follows outgoing flows (or hands back to a multi-instance body). */
  async leave(inst: InstanceState, e: Exec, n: GraphNode, flows?: string[]): Promise<void> {
    const inner = !!(e.state.miInner && e.activityId === n.id && n.multiInstance);
    // A multi-instance body leaving (its listeners are its inner instances'), or the activity itself.
    const body = !!n.multiInstance && !e.state.miInner;
    if (!body && n.listeners) {
      delete e.state.listening;
      await this.activityEvent(inst, e, n, 'end');
      if (inst.ended || !inst.execs.has(e.id)) return;
    }
    // A multi-instance body records its instances' compensation when it completes (miInnerDone), not here.
    if (!body) recordCompensation(this, inst, e, n);
    await this.endLocals(inst, e, n, true);
    this.s.endActivity(e);
    this.removeBoundaries(inst, e);
    delete e.state.wait;
    delete e.state.joining;
    // camunda:asyncAfter: on the loop characteristics, each inner instance's; else the activity's (or body's)
    const after = inner ? !!n.multiInstance!.asyncAfter : !!n.asyncAfter;
    if (inner) return after ? this.waitAfter(inst, e, null) : this.miInnerDone(inst, e, n);
    let chosen = flows ?? this.selectFlows(inst, e, n);
    if (chosen instanceof Promise) chosen = await chosen;
    if (!chosen.length) {
      if (n.outgoing.length && n.type !== 'parallelGateway') {
        throw new RuntimeError('failed', `No outgoing sequence flow of '${n.id}' could be selected`);
      }
      return after ? this.waitAfter(inst, e, null) : this.endToken(inst, e, n);
    }
    const tokens = [e];
    for (let i = 1; i < chosen.length; i++) tokens.push(this.s.newExec(inst, e.parentId, n.id, 'token'));
    chosen.forEach((fid, i) => {
      const tok = tokens[i]!;
      if (after) this.waitAfter(inst, tok, fid);
      else this.plan(() => this.takeFlow(inst, tok, fid));
    });
  }

  /** Takes a sequence flow: its `take` listeners, then the target. A token cancelled meanwhile goes nowhere. */
  async takeFlow(inst: InstanceState, tok: Exec, fid: string): Promise<void> {
    if (inst.ended || !inst.execs.has(tok.id)) return;
    const f = inst.graph.flows[fid]!;
    if (f.listeners) {
      const where = { activityId: f.source, label: `sequence flow '${fid}'` };
      await notifyExecution(this, inst, tok, f.listeners, 'take', where);
    }
    return this.enter(inst, tok, inst.graph.nodes[f.target]!);
  }

  /**
   * asyncAfter: the activity has ended; a job takes the flow `fid` (null: ends the token, or hands an inner
   * instance back to its multi-instance body) in a transaction of its own (`trigger`).
   */
  private waitAfter(inst: InstanceState, e: Exec, fid: string | null): void {
    if (inst.ended || !inst.execs.has(e.id)) return;
    e.state.wait = 'async';
    e.state.after = fid ?? '';
    e.eventType = 'async';
    e.eventName = null;
    e.dueAt = this.s.now();
    this.s.touch(e);
    this.s.timersToSchedule.push(e);
  }

  /**
   * The first flow whose condition holds, in order (Flowable stops there). JUEL conditions are evaluated one at a
   * time, so a later one is never evaluated; JavaScript ones in one sandbox run, a later one's failure ignored.
   */
  private async leaveExclusive(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    const flows = n.outgoing.filter((fid) => fid !== n.defaultFlow).map((fid) => inst.graph.flows[fid]!);
    const sync = flows.every(
      (f) => !f.condition || (!f.conditionLanguage && (inst.graph.language ?? 'juel') === 'juel'),
    );
    const all = sync ? undefined : await this.conditions(inst, e, flows);
    for (const [i, f] of flows.entries()) {
      const o = all ? all[i]! : (this.conditions(inst, e, [f]) as Outcome[])[0]!;
      if (this.holds(inst, f, o)) return this.leave(inst, e, n, [f.id]);
    }
    if (n.defaultFlow) return this.leave(inst, e, n, [n.defaultFlow]);
    if (!n.outgoing.length) return this.leave(inst, e, n, []);
    throw new RuntimeError('failed', `No outgoing sequence flow of exclusive gateway '${n.id}' could be selected`);
  }

  private siblings(inst: InstanceState, e: Exec): Exec[] {
    return [...inst.execs.values()].filter(
      (x) => x.parentId === e.parentId && x.kind !== 'boundary' && x.kind !== 'root' && x.kind !== 'compensation',
    );
  }

  private parallelGateway(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> | undefined {
    if (n.incoming.length > 1) {
      e.state.joining = n.id;
      const arrived = this.siblings(inst, e).filter((x) => x.state.joining === n.id);
      if (arrived.length < n.incoming.length) {
        this.s.touch(e);
        return;
      }
      for (const x of arrived) if (x !== e) this.mergeInto(inst, x);
    }
    return this.leave(inst, e, n, n.outgoing);
  }

  private async inclusiveGateway(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    if (n.incoming.length > 1) {
      e.state.joining = n.id;
      this.s.touch(e);
      if (!this.inclusiveCanFire(inst, e, n)) return;
      for (const x of this.siblings(inst, e)) if (x !== e && x.state.joining === n.id) this.mergeInto(inst, x);
    }
    const flows = await this.selectFlows(inst, e, n);
    if (!flows.length && n.outgoing.length)
      throw new RuntimeError('failed', `No outgoing sequence flow of inclusive gateway '${n.id}' could be selected`);
    return this.leave(inst, e, n, flows);
  }

  private inclusiveCanFire(inst: InstanceState, e: Exec, n: GraphNode): boolean {
    for (const x of this.siblings(inst, e)) {
      if (x.state.joining === n.id || !x.activityId) continue;
      if (canReach(inst.graph, x.activityId, n.id)) return false;
    }
    return true;
  }

  /** Re-checks waiting inclusive joins after the agenda drained; true when one fired. */
  private checkInclusiveJoins(): boolean {
    for (const inst of this.s.instances.values()) {
      if (inst.ended) continue;
      for (const x of inst.execs.values()) {
        const nid = x.state.joining as string | undefined;
        if (!nid) continue;
        const n = inst.graph.nodes[nid];
        if (n?.type !== 'inclusiveGateway') continue;
        if (this.inclusiveCanFire(inst, x, n)) {
          this.plan(() => this.inclusiveGateway(inst, x, n));
          return true;
        }
      }
    }
    return false;
  }

  private mergeInto(inst: InstanceState, x: Exec): void {
    this.s.endActivity(x);
    this.s.deleteExec(inst, x);
  }

  private removeBoundaries(inst: InstanceState, e: Exec): void {
    for (const x of [...inst.execs.values()])
      if (x.parentId === e.id && x.kind === 'boundary') this.s.deleteExec(inst, x);
  }

  // ---------------------------------------------------------------- ending
  /** Removes a token; when its scope has no tokens left, completes the scope. */
  async endToken(inst: InstanceState, e: Exec, n: GraphNode | undefined): Promise<void> {
    const parentId = e.parentId;
    this.removeBoundaries(inst, e);
    this.s.deleteExec(inst, e);
    return this.childEnded(inst, parentId, n);
  }

  /** A child of `parentId` ended: when nothing runs under it any more (boundary events and pending compensation do not count), it completes. */
  async childEnded(inst: InstanceState, parentId: string | null, n: GraphNode | undefined): Promise<void> {
    if (!parentId) return;
    const scope = inst.execs.get(parentId);
    if (!scope) return;
    const remaining = [...inst.execs.values()].some(
      (x) => x.parentId === scope.id && x.kind !== 'boundary' && !isPendingCompensation(x),
    );
    if (remaining) return;
    return this.completeScope(inst, scope, n);
  }

  private async completeScope(inst: InstanceState, scope: Exec, last: GraphNode | undefined): Promise<void> {
    if (scope.kind === 'compensation') return compensationDone(this, inst, scope);
    if (scope.kind === 'root') return this.endInstance(inst, last?.id ?? null, null);
    if (scope.kind === 'scope') {
      scope.kind = 'token';
      this.s.touch(scope);
      const n = inst.graph.nodes[scope.activityId!]!;
      return this.leave(inst, scope, n);
    }
  }

  async endInstance(inst: InstanceState, endActivity: string | null, reason: string | null): Promise<void> {
    if (reason === null && inst.graph.listeners) {
      const where = { activityId: endActivity, label: `process '${inst.definitionKey}'` };
      await notifyExecution(this, inst, inst.execs.get(inst.id), inst.graph.listeners, 'end', where);
    }
    for (const x of [...inst.execs.values()]) if (x.kind !== 'root') this.s.deleteExec(inst, x);
    this.s.endInstance(inst, endActivity, reason);
    if (inst.superExecutionId && inst.superInstanceId && reason === null) {
      const parent = await this.s.load(inst.superInstanceId);
      const pe = parent?.execs.get(inst.superExecutionId);
      if (parent && pe && !parent.ended) {
        const n = parent.graph.nodes[pe.activityId!]!;
        this.applyOutMappings(inst, parent, pe);
        this.plan(() => this.leave(parent, pe, n));
      }
    }
  }

  /**
   * A called instance passes variables back to its call activity's execution `pe` (the `out` mappings): when it
   * ends, and also when an error or escalation it throws passes through the call activity (as Camunda's
   * OutputVariablesPropagator and Flowable do).
   */
  applyOutMappings(child: InstanceState, parent: InstanceState, pe: Exec): void {
    const n = parent.graph.nodes[pe.activityId!]!;
    for (const m of n.callActivity?.outMappings ?? []) {
      // local: the values stay on the call activity's execution (its output parameters may read them)
      const set = (k: string, v: unknown) => {
        if (!m.local) return this.setVar(parent, pe, k, v ?? null);
        this.s.setVar(parent, pe.id, k, v ?? null);
        pe.state.locals = true; // they end with the call activity
        this.s.touch(pe);
      };
      if (m.all) for (const [k, v] of Object.entries(this.allVars(child, undefined))) set(k, v);
      else if (m.target) {
        const v = m.sourceExpression
          ? this.evalIn(child, undefined, m.sourceExpression, `an out mapping of '${n.id}'`)
          : this.getVar(child, undefined, m.source ?? '').value;
        set(m.target, v);
      }
    }
  }

  /** Cancels everything below `e` (tasks, nested scopes, called instances). */
  async cancelBelow(inst: InstanceState, e: Exec, reason: string): Promise<void> {
    for (const x of [...inst.execs.values()]) {
      if (x.parentId === e.id) {
        await this.cancelBelow(inst, x, reason);
        await this.cancelledEnd(inst, x);
        this.s.endActivity(x, reason);
        this.s.deleteExec(inst, x);
      }
    }
    await this.cancelActivityOf(inst, e, reason);
  }

  /** An activity ended by cancellation (boundary event, terminate, completion condition) runs its end listeners too. */
  private async cancelledEnd(inst: InstanceState, x: Exec): Promise<void> {
    if (!x.state.listening) return;
    delete x.state.listening;
    const n = x.activityId ? inst.graph.nodes[x.activityId] : undefined;
    if (n) await this.activityEvent(inst, x, n, 'end');
  }

  private async cancelActivityOf(inst: InstanceState, e: Exec, reason: string): Promise<void> {
    if (e.state.wait === 'task') {
      const t = await this.s.taskOfExecution(e.id);
      if (t) {
        await notifyTask(this, inst, e, t, 'delete');
        this.s.deleteTask(t, reason);
      }
    }
    if (e.state.wait === 'call' && e.state.calledInstance) {
      const child = await this.s.load(e.state.calledInstance);
      if (child && !child.ended) await this.deleteInstance(child, reason);
    }
  }

  async deleteInstance(inst: InstanceState, reason: string): Promise<void> {
    const root = inst.execs.get(inst.id)!;
    await this.cancelBelow(inst, root, reason);
    for (const x of [...inst.execs.values()]) if (x.kind !== 'root') this.s.deleteExec(inst, x);
    this.s.endInstance(inst, null, reason);
  }

  private async terminate(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    const scope = e.parentId ? inst.execs.get(e.parentId) : undefined;
    this.s.deleteExec(inst, e);
    if (!scope) return;
    await this.cancelBelow(inst, scope, `Terminated by end event '${n.id}'`);
    if (scope.kind === 'root') return this.endInstance(inst, n.id, null);
    if (scope.kind === 'mi-body') return;
    return this.completeScope(inst, scope, n);
  }

  // ---------------------------------------------------------------- call activity
  private async startCallActivity(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    const ca = n.callActivity!;
    const key = String(await this.evaluate(inst, e, ca.calledElement, `the called element of '${n.id}'`));
    const def = await this.hooks.latestDefinition(key, this.s.tx, inst.owner);
    if (!def) throw new RuntimeError('failed', `Call activity '${n.id}': no process definition with key '${key}'`);
    const vars = this.mappedIn(inst, e, ca.inMappings, `an in mapping of '${n.id}'`);
    let businessKey: string | null = null;
    if (ca.businessKey)
      businessKey = String(await this.evaluate(inst, e, ca.businessKey, `the business key of '${n.id}'`));
    else if (ca.inheritBusinessKey) businessKey = inst.businessKey;
    e.state.wait = 'call';
    this.attachBoundaries(inst, e, n);
    const child = this.startInstance(def, {
      businessKey,
      startUserId: inst.startUserId,
      variables: vars,
      superExec: e,
      superInst: inst,
    });
    e.state.calledInstance = child.id;
    const a = this.s.activity(e.state.hiAct);
    if (a) a.called_instance_id = child.id;
  }

  /** The variables `in` mappings pass from `e`'s scope (`local`: only `e`'s own variables). */
  mappedIn(inst: InstanceState, e: Exec, mappings: VariableMapping[], where: string): Record<string, unknown> {
    const vars: Record<string, unknown> = {};
    const locals = inst.vars.get(e.id);
    for (const m of mappings) {
      if (m.all) Object.assign(vars, m.local ? Object.fromEntries(locals ?? []) : this.allVars(inst, e));
      else if (m.target) {
        vars[m.target] = m.sourceExpression
          ? m.local
            ? this.evalLocal(locals, m.sourceExpression, where)
            : this.evalIn(inst, e, m.sourceExpression, where)
          : m.local
            ? (locals?.get(m.source ?? '') ?? null)
            : (this.getVar(inst, e, m.source ?? '').value ?? null);
      }
    }
    return vars;
  }

  /** An expression over an activity's local variables only (a `local` mapping's source). */
  private evalLocal(locals: Map<string, unknown> | undefined, src: string, where: string): unknown {
    try {
      return evaluate(src, variablesContext(Object.fromEntries(locals ?? [])));
    } catch (err) {
      throw new RuntimeError(
        'failed',
        `Error evaluating ${where}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  // ---------------------------------------------------------------- multi-instance
  private async startMultiInstance(inst: InstanceState, e: Exec, n: GraphNode): Promise<void> {
    const mi = n.multiInstance!;
    let items: unknown[] | null = null;
    let total: number;
    if (mi.collection) {
      const raw = /^[A-Za-z_$][\w$]*$/.test(mi.collection)
        ? this.getVar(inst, e, mi.collection).value
        : await this.evaluate(inst, e, mi.collection, `the collection of '${n.id}'`);
      if (typeof raw === 'string')
        items = raw
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
      else if (Array.isArray(raw)) items = raw;
      else if (raw === null || raw === undefined)
        throw new RuntimeError('failed', `Multi-instance collection of '${n.id}' is not set`);
      else throw new RuntimeError('failed', `Multi-instance collection of '${n.id}' is not a list`);
      total = items.length;
    } else {
      const v = Number(await this.evaluate(inst, e, mi.loopCardinality!, `the loop cardinality of '${n.id}'`));
      if (!Number.isInteger(v) || v < 0)
        throw new RuntimeError('failed', `Loop cardinality of '${n.id}' is not a non-negative integer`);
      total = v;
    }
    if (total === 0) {
      this.s.startActivity(inst, e, n.id, n.name ?? null, n.type);
      return this.leave(inst, e, n);
    }
    e.kind = 'mi-body';
    e.state.mi = { total, completed: 0, next: 0, items };
    this.s.setVar(inst, e.id, 'nrOfInstances', total);
    this.s.setVar(inst, e.id, 'nrOfCompletedInstances', 0);
    this.s.setVar(inst, e.id, 'nrOfActiveInstances', mi.sequential ? 1 : total);
    this.attachBoundaries(inst, e, n);
    const count = mi.sequential ? 1 : total;
    for (let i = 0; i < count; i++) this.spawnMiInstance(inst, e, n);
  }

  private spawnMiInstance(inst: InstanceState, body: Exec, n: GraphNode): void {
    const mi = n.multiInstance!;
    const st = body.state.mi;
    const i = st.next as number;
    st.next = i + 1;
    this.s.touch(body);
    const child = this.s.newExec(inst, body.id, n.id, 'token');
    child.state.miInner = true;
    this.s.setVar(inst, child.id, 'loopCounter', i);
    if (mi.elementIndexVariable) this.s.setVar(inst, child.id, mi.elementIndexVariable, i);
    if (mi.elementVariable) this.s.setVar(inst, child.id, mi.elementVariable, st.items ? (st.items[i] ?? null) : i);
    this.plan(() => this.enter(inst, child, n));
  }

  private async miInnerDone(inst: InstanceState, child: Exec, n: GraphNode): Promise<void> {
    const body = inst.execs.get(child.parentId!)!;
    const mi = n.multiInstance!;
    const st = body.state.mi;
    st.completed += 1;
    this.s.touch(body);
    this.s.deleteExec(inst, child);
    const active = [...inst.execs.values()].filter(
      (x) => x.parentId === body.id && x.kind !== 'boundary' && x.kind !== 'compensation',
    ).length;
    this.s.setVar(inst, body.id, 'nrOfCompletedInstances', st.completed);
    this.s.setVar(inst, body.id, 'nrOfActiveInstances', active);
    const done =
      st.completed >= st.total ||
      (mi.completionCondition
        ? (await this.evaluate(inst, body, mi.completionCondition, `the completion condition of '${n.id}'`, {
            kind: 'condition',
          })) === true
        : false);
    if (done) {
      recordMultiInstanceCompensation(this, inst, body, n);
      await this.cancelBelow(inst, body, 'Multi-instance completion condition met');
      body.kind = 'token';
      delete body.state.mi;
      if (inst.vars.has(body.id)) {
        for (const k of ['nrOfInstances', 'nrOfCompletedInstances', 'nrOfActiveInstances'])
          inst.vars.get(body.id)!.delete(k);
      }
      this.s.startActivity(inst, body, n.id, n.name ?? null, n.type);
      delete body.state.miInner;
      return this.leave(inst, body, n);
    }
    if (mi.sequential) this.spawnMiInstance(inst, body, n);
  }

  // ---------------------------------------------------------------- triggers from commands
  /** Continues a waiting execution (task completed, receive task triggered, message or timer arrived). */
  async trigger(inst: InstanceState, e: Exec): Promise<void> {
    const n = inst.graph.nodes[e.activityId!]!;
    if (e.eventType === 'async') {
      e.eventType = null;
      e.dueAt = null;
      delete e.state.wait;
      const after = e.state.after as string | undefined;
      delete e.state.after;
      this.s.touch(e);
      if (after === undefined) {
        e.state.asyncDone = true;
        this.plan(() => this.enter(inst, e, n));
      } else if (after) this.plan(() => this.takeFlow(inst, e, after));
      else if (e.state.miInner && n.multiInstance) this.plan(() => this.miInnerDone(inst, e, n));
      else this.plan(() => this.endToken(inst, e, n));
      return;
    }
    if (e.kind === 'boundary') return this.fireBoundary(inst, e, n);
    if (e.state.eventGroup) cancelEventGroup(this, inst, e);
    e.eventType = null;
    e.eventName = null;
    e.dueAt = null;
    this.s.touch(e);
    this.plan(() => this.leave(inst, e, n));
  }

  /** An interrupting boundary event `b` fired on `host`: everything below it is cancelled, the token follows `b`. */
  async interrupt(inst: InstanceState, host: Exec, b: GraphNode): Promise<void> {
    await this.cancelBelow(inst, host, `Cancelled by boundary event '${b.id}'`);
    await this.cancelledEnd(inst, host);
    await this.endLocals(inst, host, undefined, false);
    this.s.endActivity(host, `Cancelled by boundary event '${b.id}'`);
    this.removeBoundaries(inst, host);
    host.kind = 'token';
    delete host.state.wait;
    delete host.state.mi;
    delete host.state.miInner;
    delete host.state.calledInstance;
    host.activityId = b.id;
    this.s.touch(host);
    this.plan(() => this.enter(inst, host, b));
  }

  /** A non-interrupting timer boundary with a cycle fires again while its count and end date allow. */
  private async rearmCycle(inst: InstanceState, host: Exec, fired: Exec, b: GraphNode): Promise<void> {
    const t = b.event!.timer!;
    if (t.type !== 'cycle') return;
    const text = String((await this.evaluate(inst, host, t.value, `the timer of '${b.id}'`)) ?? '');
    const cycle = parseCycle(text);
    if (!cycle) return;
    const end = t.endDate
      ? endDateOf(await this.evaluate(inst, host, t.endDate, `the end date of '${b.id}'`), `timer '${b.id}'`)
      : null;
    const count = ((fired.state.fired as number | undefined) ?? 0) + 1;
    const next = nextFiring(cycle, count, fired.dueAt ?? this.s.now(), end);
    if (!next) return;
    const again = this.s.newExec(inst, host.id, b.id, 'boundary');
    again.state.wait = 'timer';
    again.state.fired = count;
    again.eventType = 'timer';
    again.dueAt = next;
    this.s.touch(again);
    this.s.timersToSchedule.push(again);
  }

  private async fireBoundary(inst: InstanceState, be: Exec, b: GraphNode): Promise<void> {
    if (be.state.eventSubProcess) return fireEventSubProcess(this, inst, be, b);
    const host = inst.execs.get(be.parentId!)!;
    const hostNode = inst.graph.nodes[host.activityId!]!;
    this.s.deleteExec(inst, be);
    void hostNode;
    if (b.cancelActivity !== false) await this.interrupt(inst, host, b);
    else {
      const tok = this.s.newExec(inst, host.parentId, b.id, 'token');
      this.plan(() => this.enter(inst, tok, b));
      if (b.event?.kind !== 'timer') {
        // message and signal boundaries keep listening
        const again = this.s.newExec(inst, host.id, b.id, 'boundary');
        this.waitForEvent(inst, again, b);
      } else await this.rearmCycle(inst, host, be, b);
    }
  }
}

/**
 * A script's failure as Flowable reports it (`Script task 'prepare' failed at line 3: ReferenceError: ...`), with a
 * trace naming the script line, the element and the process for the job's `stacktrace`.
 */
export function scriptFailure(inst: InstanceState, n: GraphNode, err: unknown): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const line = err instanceof ScriptError ? err.line : undefined;
  const what = n.type === 'scriptTask' ? 'Script task' : 'Script';
  const message = `${what} '${n.id}' failed${line !== undefined ? ` at line ${line}` : ''}: ${err instanceof Error ? err.message : String(err)}`;
  const frames = [
    ...(line !== undefined ? [`    at script (line ${line})`] : []),
    `    at ${n.type} '${n.id}'${n.name ? ` (${n.name})` : ''}`,
    `    at process '${inst.definitionKey}' (definition ${inst.definitionId}, instance ${inst.id})`,
  ];
  return new RuntimeError('failed', message, frames.join('\n'));
}

/** The expression leaves of a parameter value (what `parameters` evaluates for it). */
function countLeaves(v: AssignedValue): string[] {
  if (typeof v === 'string') return [v];
  if ('list' in v) return v.list.flatMap(countLeaves);
  if ('map' in v) return Object.values(v.map).flatMap(countLeaves);
  return [];
}
