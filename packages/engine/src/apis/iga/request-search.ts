/**
 * Reading requests: one, a CREST query (`_queryFilter`), and the searches (`targetFilter` over all requests, a user's
 * requests, a user's tasks). An open request is synced with its instance first (a timer may have moved it on).
 */

import type { RequestContext } from '../../http/api-module.js';
import { igaError } from './errors.js';
import { filterOf, listPage } from './listing.js';
import * as repo from './repository.js';
import { nowOf } from './request-context.js';
import { isOpen, type RequestDoc } from './request-doc.js';
import { sync } from './request-sync.js';

export interface TargetFilter {
  operator: string;
  operand: { targetName: string; targetValue?: unknown } | TargetFilter[];
}

const getPath = (obj: unknown, path: string) =>
  path
    .split(/[./]/)
    .filter(Boolean)
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

function compareTarget(op: string, x: unknown, want: unknown): boolean {
  switch (op) {
    case 'EXISTS':
      return x !== undefined && x !== null;
    case 'EQUALS':
      return typeof x === 'string' && typeof want === 'string' ? x.toLowerCase() === want.toLowerCase() : x === want;
    case 'CONTAINS':
      return typeof x === 'string' && typeof want === 'string' && x.toLowerCase().includes(want.toLowerCase());
    case 'STARTS_WITH':
      return typeof x === 'string' && typeof want === 'string' && x.toLowerCase().startsWith(want.toLowerCase());
    default: {
      if (x === undefined || x === null || want === undefined || want === null) return false;
      const cmp = x < want ? -1 : x > want ? 1 : 0;
      return op === 'GT' ? cmp > 0 : op === 'GTE' ? cmp >= 0 : op === 'LT' ? cmp < 0 : cmp <= 0;
    }
  }
}

export function matchesTarget(f: TargetFilter | undefined, doc: unknown): boolean {
  if (!f) return true;
  const op = f.operator;
  if (op === 'AND' || op === 'OR' || op === 'NOT') {
    if (!Array.isArray(f.operand)) throw igaError(400, `targetFilter: ${op} takes a list of filters`);
    const subs = f.operand as TargetFilter[];
    if (op === 'AND') return subs.every((s) => matchesTarget(s, doc));
    if (op === 'OR') return subs.some((s) => matchesTarget(s, doc));
    return !subs.every((s) => matchesTarget(s, doc));
  }
  if (Array.isArray(f.operand) || !f.operand || typeof f.operand.targetName !== 'string')
    throw igaError(400, `targetFilter: ${op} takes {targetName, targetValue}`);
  const v = getPath(doc, f.operand.targetName);
  const want = f.operand.targetValue;
  return (Array.isArray(v) ? v : [v]).some((x) => compareTarget(op, x, want));
}

/** Requests as they are now: an open request is synced with its instance (a timer may have moved it on). */
export async function current(c: RequestContext, docs: RequestDoc[]): Promise<RequestDoc[]> {
  const open = docs.filter(isOpen);
  if (open.length === 0) return docs;
  const fresh = new Map<string, RequestDoc>();
  await c.db.transaction(async (tx) => {
    for (const stale of open) {
      const doc = await repo.readRequest(tx, stale.id, true);
      if (!doc) continue;
      const before = JSON.stringify(doc.decision);
      const modified = doc.metadata.modifiedDate;
      await sync(tx, doc, nowOf(c));
      if (JSON.stringify(doc.decision) !== before) await repo.saveRequest(tx, doc);
      else doc.metadata.modifiedDate = modified;
      fresh.set(doc.id, doc);
    }
  });
  return docs.map((d) => fresh.get(d.id) ?? d);
}

export async function readOne(c: RequestContext, id: string): Promise<RequestDoc> {
  const doc = await repo.readRequest(c.db, id);
  if (!doc) throw igaError(404, `Request with id: ${id} was not found`);
  return (await current(c, [doc]))[0]!;
}

/** A page of requests, sorted (`_sortKeys`, by creation by default), paged and cut to `_fields`. */
const list = (c: RequestContext, docs: RequestDoc[]) =>
  listPage(c, docs, { sort: 'metadata.createdDate,id', always: ['id'] });

/** `GET …/requests?_queryFilter=…`: the stored requests (not synced), filtered. */
export async function query(c: RequestContext) {
  const match = filterOf(c);
  return list(
    c,
    (await repo.allRequests(c.db)).filter((d) => match(d)),
  );
}

/** `…/search`: the requests in `scope` that match the body's `targetFilter`, synced first. */
export async function search(c: RequestContext, scope: (d: RequestDoc) => boolean) {
  const tf = (c.body as { targetFilter?: TargetFilter } | undefined)?.targetFilter;
  return list(
    c,
    (await current(c, await repo.allRequests(c.db))).filter((d) => scope(d) && matchesTarget(tf, d)),
  );
}

const isUser = (ref: unknown, userId: string) =>
  typeof ref === 'string' && (ref === userId || ref === `managed/user/${userId}`);

/** The requests a user asked for or is the subject of. */
export const ofUser = (userId: string) => (d: RequestDoc) =>
  isUser(d.requester.id, userId) || isUser(d.user.id, userId);

/** The requests a user is an active actor of. */
export const tasksOf = (userId: string) => (d: RequestDoc) =>
  d.decision.actors.active.some((a) => isUser(a.id, userId));
