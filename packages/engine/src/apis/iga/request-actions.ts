/**
 * Acting on a request (`POST …/requests/{id}?_action=…`): approve / reject / fulfill / deny / remediate / allow /
 * exception complete the phase's task with the matching outcome, for a caller who is an actor of the phase with that
 * permission (callers.ts); cancel, comment, reassign, modify and changeResumeDate. Each runs in the caller's
 * transaction, on the request locked and synced with its instance first.
 */

import type { RequestContext } from '../../http/api-module.js';
import type { Runtime } from '../../runtime/commands.js';
import type { Queryable } from '../../store/db.js';
import type { ManagedObjects } from '../idm/managed/objects.js';
import { actsOn, callerRecord, type IgaCaller, mayAct, rolesOf } from './callers.js';
import { igaError } from './errors.js';
import * as repo from './repository.js';
import { callerOf, managedOf, nowOf, queries, runtimeIn } from './request-context.js';
import { isOpen, type Phase, type RequestDoc } from './request-doc.js';
import { sync } from './request-sync.js';

const OUTCOMES: Record<string, { outcome: string; decision: string; category: string }> = {
  approve: { outcome: 'APPROVE', decision: 'approved', category: 'approvalTask' },
  reject: { outcome: 'REJECT', decision: 'rejected', category: 'approvalTask' },
  fulfill: { outcome: 'FULFILL', decision: 'fulfilled', category: 'fulfillmentTask' },
  deny: { outcome: 'DENY', decision: 'denied', category: 'fulfillmentTask' },
  // wfkit: Ping acts on violation phases through its violation API (`…/violation/{id}/phases/{phase}/remediate|allow|
  // exception`); a request's violation phase takes the same three actions here.
  remediate: { outcome: 'REMEDIATE', decision: 'remediated', category: 'violationTask' },
  allow: { outcome: 'ALLOW', decision: 'allowed', category: 'violationTask' },
  exception: { outcome: 'ALLOW', decision: 'exception', category: 'violationTask' },
};
const KIND: Record<string, string> = {
  approvalTask: 'an approval',
  fulfillmentTask: 'a fulfillment',
  violationTask: 'a violation',
};

/** One action on one locked request. */
interface Act {
  tx: Queryable;
  c: RequestContext;
  rt: Runtime;
  doc: RequestDoc;
  at: string;
  caller: IgaCaller;
  managed: ManagedObjects;
  who: Record<string, unknown>;
  body: Record<string, unknown>;
}

function comment(a: Act, text: unknown, act: string, phase?: string): void {
  if (typeof text === 'string' && text !== '')
    a.doc.decision.comments.push({
      timeStamp: a.at,
      user: a.who,
      action: act,
      ...(phase ? { phase } : {}),
      comment: text,
    });
}

const actorsOf = (a: Act, p: Phase) => a.doc.decision.actors.active.filter((x) => x.phase === p.name);

/** 403 unless the caller is an actor of the phase with this permission (the admin token always is). */
async function allow(a: Act, p: Phase, permission: string): Promise<void> {
  if (!(await mayAct(a.tx, a.managed, a.caller, actorsOf(a, p), permission)))
    throw igaError(403, `${a.caller.id} may not ${permission} phase ${p.name} of request ${a.doc.id}`);
}

const isRequester = (a: Act) => a.caller.admin || a.doc.requester.id === a.caller.id;

function inProgress(a: Act): void {
  const status = a.doc.decision.status;
  if (status !== 'in-progress' && status !== 'suspended')
    throw igaError(409, `Request ${a.doc.id} is ${status}: it can't be acted on`);
}

/** The active phase the action is for: `phaseName`, or the only active one the caller acts on. */
async function phase(a: Act, ofAnyActor = false): Promise<Phase> {
  const id = a.doc.id;
  const all = a.doc.decision.phases.filter((p) => p.status === 'in-progress');
  const name = a.c.query.phaseName as string | undefined;
  if (name !== undefined) {
    const p = all.find((x) => x.name === name);
    if (!p) throw igaError(409, `Request ${id} has no active phase ${name}`);
    return p;
  }
  if (all.length === 0) throw igaError(409, `Request ${id} has no active phase`);
  const roles = await rolesOf(a.tx, a.managed, a.caller);
  const active = ofAnyActor ? all : all.filter((p) => actsOn(a.caller, actorsOf(a, p), roles));
  if (active.length === 0) throw igaError(403, `${a.caller.id} is not an actor of request ${id}`);
  if (active.length > 1)
    throw igaError(400, `The caller is an actor of ${active.length} active phases of this request; give phaseName`, [
      {
        step: null,
        field: '',
        rule: 'schema',
        message: 'query parameter phaseName is required when the caller acts on several phases',
      },
    ]);
  return active[0]!;
}

/** approve / reject / fulfill / deny / remediate / allow / exception: completes the phase's task with the outcome. */
async function decide(a: Act, action: string): Promise<void> {
  inProgress(a);
  const p = await phase(a);
  await allow(a, p, action);
  const spec = OUTCOMES[action]!;
  const task = p.workflowTaskId ? await queries.task(a.tx, p.workflowTaskId) : undefined;
  if (task?.category !== spec.category)
    throw igaError(409, `Can't ${action} phase ${p.name}: it is not ${KIND[spec.category]} phase`);
  comment(a, a.body.justification ?? a.body.comment, action, p.name);
  p.decision = spec.decision;
  const until = action === 'exception' ? a.body.exceptionExpirationDate : undefined;
  if (until !== undefined && (typeof until !== 'string' || Number.isNaN(Date.parse(until))))
    throw igaError(400, 'exceptionExpirationDate must be a date-time', [
      { step: null, field: '/exceptionExpirationDate', rule: 'schema', message: 'must be a date-time' },
    ]);
  await a.rt.completeTask(
    p.workflowTaskId!,
    { outcome: spec.outcome, ...(until !== undefined ? { exceptionExpirationDate: until } : {}) },
    { userId: a.caller.id },
  );
}

/** The requester (or the admin) ends the request and its instance. */
async function cancel(a: Act): Promise<void> {
  inProgress(a);
  if (!isRequester(a)) throw igaError(403, `${a.caller.id} may not cancel request ${a.doc.id}: only its requester can`);
  comment(a, a.body.comment, 'cancel');
  await a.rt.deleteInstance(a.doc.workflow.instanceId!, 'cancelled');
  const d = a.doc.decision;
  for (const p of d.phases)
    if (p.status === 'in-progress') {
      p.status = 'complete';
      p.decision = 'cancelled';
      p.completionDate = a.at;
    }
  d.status = 'cancelled';
  d.outcome = 'cancelled';
  d.completionDate = a.at;
  d.actors = { active: [], inactive: [] };
  a.doc.metadata.modifiedDate = a.at;
}

async function commentOn(a: Act): Promise<void> {
  const name = a.c.query.phaseName as string | undefined;
  const active = a.doc.decision.actors.active;
  const commenters = name ? active.filter((x) => x.phase === name) : active;
  if (!isRequester(a) && !(await mayAct(a.tx, a.managed, a.caller, commenters, 'comment')))
    throw igaError(403, `${a.caller.id} may not comment on request ${a.doc.id}`);
  comment(a, a.body.comment, 'comment', name);
  a.doc.metadata.modifiedDate = a.at;
}

async function reassign(a: Act): Promise<void> {
  inProgress(a);
  const p = await phase(a);
  await allow(a, p, 'reassign');
  const updated = a.body.updatedActors as { id: string[]; permissions: Record<string, boolean> }[];
  const actors = updated.flatMap((u) => u.id.map((aid) => ({ id: aid, permissions: u.permissions })));
  comment(a, a.body.comment, 'reassign', p.name);
  await a.rt.setTaskLocalVariables(p.workflowTaskId!, { actors });
}

async function modify(a: Act): Promise<void> {
  inProgress(a);
  const p = await phase(a);
  await allow(a, p, 'modify');
  const doc = a.doc;
  const change = a.body.request as { common?: Record<string, unknown>; custom?: Record<string, unknown> };
  doc.request.common = { ...doc.request.common, ...(change.common ?? {}) };
  if (change.custom) doc.request.custom = { ...(doc.request.custom ?? {}), ...change.custom };
  comment(a, a.body.comment, 'modify', p.name);
  const { decision: _d, metadata: _m, ...asked } = doc;
  await a.rt.setVariables(doc.workflow.instanceId!, { request: asked, requestIndex: asked });
}

async function changeResumeDate(a: Act): Promise<void> {
  inProgress(a);
  if (!isRequester(a)) throw igaError(403, `${a.caller.id} may not change the resume date of request ${a.doc.id}`);
  const p = await phase(a, true);
  const waits = await queries.timerWaits(a.tx, a.doc.workflow.instanceId!);
  if (!waits.some((w) => w.id === p.workflowTaskId))
    throw igaError(409, `Can't changeResumeDate of phase ${p.name}: it is not a wait phase`);
  await a.rt.rescheduleTimer(p.workflowTaskId!, new Date(a.body.resumeDate as string));
  comment(a, a.body.comment, 'changeResumeDate', p.name);
}

/** The actions that move the instance on: the request is synced with it afterwards. */
const MOVING: Record<string, (a: Act, action: string) => Promise<void>> = {
  ...Object.fromEntries(Object.keys(OUTCOMES).map((k) => [k, decide])),
  reassign,
  modify,
  changeResumeDate,
};
/** The actions that change only the request. */
const LOCAL: Record<string, (a: Act) => Promise<void>> = { cancel, comment: commentOn };

/** Runs `action` on request `id` and stores the request; the request as it is afterwards. */
export async function actOnRequest(tx: Queryable, c: RequestContext, id: string, action: string): Promise<RequestDoc> {
  const doc = await repo.readRequest(tx, id, true);
  if (!doc) throw igaError(404, `Request with id: ${id} was not found`);
  const at = nowOf(c);
  // A timer may have moved the instance on since the request was last stored.
  if (isOpen(doc)) await sync(tx, doc, at);
  const caller = callerOf(c);
  const managed = managedOf(c);
  const a: Act = {
    tx,
    c,
    rt: runtimeIn(tx, c),
    doc,
    at,
    caller,
    managed,
    who: await callerRecord(tx, managed, caller),
    body: (c.body ?? {}) as Record<string, unknown>,
  };
  const local = Object.hasOwn(LOCAL, action) ? LOCAL[action] : undefined;
  const moving = Object.hasOwn(MOVING, action) ? MOVING[action] : undefined;
  if (local) await local(a);
  else if (moving) {
    await moving(a, action);
    await sync(tx, doc, at);
  } else throw igaError(400, `Unknown _action ${action}`);
  await repo.saveRequest(tx, doc);
  return doc;
}
