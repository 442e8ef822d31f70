/**
 * The rules of IDM managed objects (`managed/{type}/{id}`): create, read, update, patch, delete, query, with
 * relationships read from both ends, unique values, revisions and IDM's policy check. Every method takes the
 * queryable to run on, so a caller inside a transaction (a route, or the `openidm` script host inside a workflow
 * command) keeps the object writes in that transaction: a rolled-back command leaves no object behind.
 */
import type { Clock } from '../../../runtime/clock.js';
import type { IdGenerator } from '../../../runtime/ids.js';
import type { Queryable } from '../../../store/db.js';
import { badRequest, notFound, preconditionFailed } from '../crest/errors.js';
import type { FieldList } from '../crest/fields.js';
import { type QueryEnvelope, type QueryRequest, queryEnvelope, queryInSql } from '../crest/query.js';
import { SqlParams } from '../crest/sql.js';
import * as repo from '../repository/managed.js';
import { applyPatch, type PatchOperation } from './patch.js';
import { checkPolicies, parseRef, policyError } from './policy.js';
import type { ManagedSchema, ObjectSpec, PropertySpec } from './schema.js';

export type ManagedObject = Record<string, unknown> & { _id: string; _rev: string };

/** `If-Match` / `If-None-Match` as CREST passes them on: `*` or a revision. */
export interface Preconditions {
  ifMatch?: string | undefined;
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function matches(rev: string, ifMatch: string | undefined): boolean {
  if (ifMatch === undefined) return true;
  const values = ifMatch.split(',').map((v) =>
    v
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  );
  return values.includes('*') || values.includes(rev);
}

/** Sets a nested value, creating the objects on the way. */
function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = target;
  for (const seg of path.slice(0, -1)) {
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

/** `alpha_user` → `user`: PingOne AIC's realm prefix. */
export const realmless = (type: string) => type.replace(/^(alpha|bravo)_/, '');

interface Loaded {
  row: repo.ObjectRow;
  spec: ObjectSpec;
}

/** The top-level fields a query's filter and sort keys name. */
function queriedFields(request: QueryRequest): Set<string> {
  const out = new Set<string>();
  const visit = (n: unknown) => {
    const node = n as { field?: string[]; children?: unknown[]; child?: unknown } | null;
    if (!node) return;
    if (node.field?.[0]) out.add(node.field[0]);
    for (const c of node.children ?? []) visit(c);
    if (node.child) visit(node.child);
  };
  visit(request.filter);
  for (const k of request.sortKeys) out.add(k.field);
  return out;
}

export class ManagedObjects {
  constructor(
    readonly schema: ManagedSchema,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /**
   * The type's spec; an unknown type is a 404 (IDM: no such managed object type). A realm-prefixed name
   * (`alpha_user`, `bravo_role`: PingOne AIC's names, which IGA's scripts use) is the same type as the plain one.
   */
  spec(type: string): ObjectSpec {
    const s = this.schema.get(type) ?? this.schema.get(realmless(type));
    if (!s) throw notFound(`Managed object type '${type}' is not defined.`);
    return s;
  }

  /** Creates an object; `id` given (PUT, or a body `_id`) must be free, else a 412 as CREST's `If-None-Match: *`. */
  async create(q: Queryable, type: string, body: Record<string, unknown>, id?: string): Promise<ManagedObject> {
    type = this.spec(type).name;
    const spec = this.spec(type);
    const newId = id ?? (typeof body._id === 'string' && body._id ? body._id : this.ids.uuid());
    if (!/^[^/\0]{1,255}$/.test(newId)) throw badRequest(`'${newId}' is not a valid managed object id.`);
    const { plain, relationships } = this.split(spec, this.withDefaults(spec, body));
    checkPolicies(spec, { ...plain, ...relationships }, true);
    if (!(await repo.insertObject(q, { type, id: newId, body: plain, now: this.clock.now() })))
      throw preconditionFailed(`The resource with id '${newId}' already exists.`);
    await this.claimUniques(q, spec, newId, plain, undefined);
    for (const [name, value] of Object.entries(relationships))
      await this.writeRelationship(q, spec, newId, spec.properties.get(name)!, value);
    return (await this.read(q, type, newId, { all: true, fields: [] }))!;
  }

  /** The object as IDM answers it (default fields, or `_fields`), or null. */
  async read(q: Queryable, type: string, id: string, fields?: FieldList): Promise<ManagedObject | null> {
    type = this.spec(type).name;
    const spec = this.spec(type);
    const row = await repo.getObject(q, type, id);
    return row ? this.present(q, spec, row, fields) : null;
  }

  /** Replaces the plain properties; relationship properties present in the body replace those relationships. */
  async update(
    q: Queryable,
    type: string,
    id: string,
    body: Record<string, unknown>,
    pre: Preconditions = {},
  ): Promise<ManagedObject> {
    type = this.spec(type).name;
    const { row, spec } = await this.load(q, type, id, pre);
    const { plain, relationships } = this.split(spec, body);
    checkPolicies(spec, { ...plain, ...relationships }, false);
    await this.claimUniques(q, spec, id, plain, row.body);
    await repo.updateObject(q, { type, id, body: plain, now: this.clock.now() });
    for (const [name, value] of Object.entries(relationships))
      await this.writeRelationship(q, spec, id, spec.properties.get(name)!, value);
    return (await this.read(q, type, id, { all: true, fields: [] }))!;
  }

  async patch(
    q: Queryable,
    type: string,
    id: string,
    operations: readonly PatchOperation[],
    pre: Preconditions = {},
  ): Promise<ManagedObject> {
    type = this.spec(type).name;
    const { row, spec } = await this.load(q, type, id, pre);
    // Relationships the patch names are loaded so `/roles/-` appends to the current list.
    const named = new Set(
      operations.flatMap((o) => [o.field, o.from ?? ''].map((f) => f.replace(/^\//, '').split('/')[0]!)),
    );
    const relProps = [...spec.properties.values()].filter((p) => p.relationship && named.has(p.name));
    const current: Record<string, unknown> = {
      ...row.body,
      ...(await this.relationshipsOf(
        q,
        spec,
        row,
        relProps.map((p) => p.name),
      )),
    };
    const next = applyPatch(current, operations);
    const { plain, relationships } = this.split(spec, next);
    for (const p of relProps) if (!(p.name in relationships)) relationships[p.name] = p.many ? [] : null;
    checkPolicies(spec, { ...plain, ...relationships }, false);
    await this.claimUniques(q, spec, id, plain, row.body);
    await repo.updateObject(q, { type, id, body: plain, now: this.clock.now() });
    for (const p of relProps) await this.writeRelationship(q, spec, id, p, relationships[p.name]);
    return (await this.read(q, type, id, { all: true, fields: [] }))!;
  }

  async delete(q: Queryable, type: string, id: string, pre: Preconditions = {}): Promise<ManagedObject> {
    type = this.spec(type).name;
    const { row, spec } = await this.load(q, type, id, pre);
    const before = await this.present(q, spec, row, { all: true, fields: [] });
    await repo.deleteObject(q, type, id);
    return before;
  }

  async query(q: Queryable, type: string, request: QueryRequest): Promise<QueryEnvelope<object>> {
    type = this.spec(type).name;
    const spec = this.spec(type);
    const params = new SqlParams([type]);
    const r = await queryInSql<repo.ObjectRow>(q, request, {
      select: repo.OBJECT_SELECT,
      from: repo.OBJECT_FROM,
      columns: repo.objectColumns(spec.properties.values(), queriedFields(request)),
      where: ['o.type = $1'],
      params,
      tieBreaker: 'o.id',
    });
    const items: object[] = [];
    for (const row of r.rows) items.push(await this.present(q, spec, row, request.fields));
    return queryEnvelope(items, request.paging, r);
  }

  private async load(q: Queryable, type: string, id: string, pre: Preconditions): Promise<Loaded> {
    const spec = this.spec(type);
    const row = await repo.getObject(q, type, id, true);
    if (!row) throw notFound(`Object ${type}/${id} not found.`);
    if (!matches(String(row.rev), pre.ifMatch))
      throw preconditionFailed(`Resource version '${row.rev}' does not match the requested version '${pre.ifMatch}'.`);
    return { row, spec };
  }

  private withDefaults(spec: ObjectSpec, body: Record<string, unknown>): Record<string, unknown> {
    const out = { ...body };
    for (const p of spec.properties.values())
      if (p.default !== undefined && out[p.name] === undefined) out[p.name] = structuredClone(p.default);
    return out;
  }

  /** Splits a body into stored plain properties and relationship values; `_`-fields and unsafe keys are refused. */
  private split(spec: ObjectSpec, body: Record<string, unknown>) {
    const plain: Record<string, unknown> = {};
    const relationships: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === '_id' || k === '_rev' || v === undefined) continue;
      if (RESERVED.has(k) || k.startsWith('_'))
        throw badRequest(`Property '${k}' cannot be set on managed/${spec.name}.`);
      if (spec.properties.get(k)?.relationship) relationships[k] = v;
      else plain[k] = v;
    }
    return { plain, relationships };
  }

  private async claimUniques(
    q: Queryable,
    spec: ObjectSpec,
    id: string,
    next: Record<string, unknown>,
    before: Record<string, unknown> | undefined,
  ): Promise<void> {
    for (const p of spec.properties.values()) {
      if (!p.unique || p.relationship) continue;
      const value = next[p.name];
      if (before && before[p.name] === value) continue;
      if (before && before[p.name] !== undefined) await repo.releaseUnique(q, spec.name, id, p.name);
      if (value === undefined || value === null) continue;
      const holder = await repo.claimUnique(q, { type: spec.name, property: p.name, value: String(value), id });
      if (holder !== null)
        throw policyError([{ property: p.name, policyRequirements: [{ policyRequirement: 'UNIQUE' }] }]);
    }
  }

  /** Writes one relationship property (replacing its edges); managed targets must exist. */
  private async writeRelationship(
    q: Queryable,
    spec: ObjectSpec,
    id: string,
    p: PropertySpec,
    value: unknown,
  ): Promise<void> {
    const refs = value === null || value === undefined ? [] : p.many ? (value as unknown[]) : [value];
    const edges: repo.NewEdge[] = [];
    const seen = new Set<string>();
    for (const ref of refs) {
      const parsed = parseRef(p, ref);
      if (typeof parsed === 'string') throw badRequest(`${p.name}: ${parsed}`);
      const [collection, otherId] = parsed;
      const key = `${collection}/${otherId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [kind, otherType] = collection.split('/') as [string, string];
      if (kind === 'managed' && !(await repo.objectsExist(q, otherType, [otherId])).has(otherId))
        throw badRequest(`${p.name}: the referenced object ${key} does not exist.`);
      const reverse = kind === 'managed' ? p.relationship!.reverse : null;
      // A single-valued reverse end (a report's `manager`) holds one edge: the new one replaces the old.
      if (reverse && !this.schema.get(otherType)!.properties.get(reverse)!.many)
        await repo.detachSingle(q, collection, otherId, reverse);
      const props = (ref as { _refProperties?: Record<string, unknown> })._refProperties ?? {};
      const { _id, _rev, ...properties } = props;
      edges.push({ id: this.ids.uuid(), property: p.name, reverse, otherType: collection, otherId, properties });
    }
    if (!p.many && edges.length > 1) throw badRequest(`${p.name} takes one reference.`);
    await repo.replaceEdges(q, `managed/${spec.name}`, id, p.name, edges);
  }

  private async relationshipsOf(
    q: Queryable,
    spec: ObjectSpec,
    row: repo.ObjectRow,
    names: string[],
  ): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const n of names) out[n] = spec.properties.get(n)!.many ? [] : null;
    for (const e of await repo.edgesOf(q, `managed/${spec.name}`, row.id, names)) {
      const ref = {
        _ref: `${e.other_type}/${e.other_id}`,
        _refResourceCollection: e.other_type,
        _refResourceId: e.other_id,
        _refProperties: { ...e.properties, _id: e.edge_id, _rev: String(e.rev) },
      };
      if (spec.properties.get(e.property)!.many) (out[e.property] as unknown[]).push(ref);
      else out[e.property] = ref;
    }
    return out;
  }

  /**
   * The answer for a row: `_id`, `_rev` and the plain properties IDM returns by default; with `_fields`, the named
   * ones, where a relationship (`roles`, `manager`) is its references and a deeper pointer (`manager/userName`,
   * `roles/*`) expands the referenced managed objects.
   */
  private async present(
    q: Queryable,
    spec: ObjectSpec,
    row: repo.ObjectRow,
    fields: FieldList | undefined,
  ): Promise<ManagedObject> {
    const base: Record<string, unknown> = { _id: row.id, _rev: String(row.rev) };
    const visible = (k: string) => !spec.properties.get(k)?.private;
    const wantsAll = !fields || fields.all || fields.fields.some((f) => f[0] === '*');
    const named = (fields?.fields ?? []).filter((f) => f[0] !== '*');
    const defaults: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row.body)) if (visible(k)) defaults[k] = v;
    const relNames = [
      ...new Set([
        ...named.map((f) => f[0]!).filter((n) => spec.properties.get(n)?.relationship),
        ...(wantsAll
          ? [...spec.properties.values()].filter((p) => p.relationship && p.returnByDefault).map((p) => p.name)
          : []),
      ]),
    ];
    const rels = await this.relationshipsOf(q, spec, row, relNames);
    const out: Record<string, unknown> = wantsAll ? { ...base, ...defaults } : { ...base };
    for (const p of spec.properties.values())
      if (p.relationship && p.returnByDefault && wantsAll) out[p.name] = rels[p.name];
    for (const path of named) {
      const [head, ...rest] = path as [string, ...string[]];
      if (!visible(head)) continue;
      if (!(head in rels)) {
        if (rest.length === 0) {
          if (head in defaults) out[head] = defaults[head];
          continue;
        }
        let v: unknown = defaults;
        for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
        if (v === undefined) continue;
        setAt(out, path, v);
        continue;
      }
      const value = rels[head];
      if (rest.length === 0) {
        out[head] = value;
        continue;
      }
      const expand = async (ref: Record<string, unknown>) => {
        const [kind, type] = String(ref._refResourceCollection).split('/') as [string, string];
        const target =
          kind === 'managed' && this.schema.has(type) ? await this.read(q, type, String(ref._refResourceId)) : null;
        const merged: Record<string, unknown> = { ...(target ?? {}), ...ref };
        if (rest[0] === '*') return merged;
        const picked: Record<string, unknown> = {};
        for (const k of ['_ref', '_refResourceCollection', '_refResourceId', '_refProperties', '_id', '_rev'])
          if (k in merged) picked[k] = merged[k];
        let v: unknown = merged;
        for (const seg of rest) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
        if (v === undefined) return picked;
        setAt(picked, rest, v);
        return picked;
      };
      if (Array.isArray(value)) {
        const prev = Array.isArray(out[head]) ? (out[head] as Record<string, unknown>[]) : [];
        const expanded = await Promise.all((value as Record<string, unknown>[]).map(expand));
        out[head] = expanded.map((e, i) => ({ ...(prev[i] ?? {}), ...e }));
      } else if (value)
        out[head] = { ...((out[head] as object) ?? {}), ...(await expand(value as Record<string, unknown>)) };
      else out[head] = null;
    }
    return out as ManagedObject;
  }
}
