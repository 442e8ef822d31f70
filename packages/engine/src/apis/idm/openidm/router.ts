/**
 * The `openidm` object IDM scripts call — `create`, `read`, `update`, `patch`, `query`, `delete`, `action` with
 * IDM's script signatures — routed by resource name to providers mounted on a prefix (`managed/`, `repo/`,
 * `workflow/`, `iga/governance/`): a longest-prefix router, so an API adds its resources without touching the
 * others. Every call runs on the queryable it is given: a script's calls join its command's transaction.
 */
import type { Queryable } from '../../../store/db.js';

export type OpenidmMethod = 'create' | 'read' | 'update' | 'patch' | 'query' | 'delete' | 'action';

export interface OpenidmRequest {
  method: OpenidmMethod;
  /** The resource name after the provider's prefix, without leading or trailing slashes (`user/123`, `user`). */
  path: string;
  /** `create`: the new id (or null: the provider picks one). */
  newResourceId?: string | null;
  /** `update` / `patch` / `delete`: the expected revision (null: any). */
  rev?: string | null;
  content?: unknown;
  params: Record<string, unknown>;
  /** `_fields` as a list (`['*', 'roles']`). */
  fields?: string[];
  /** `action`: the action name. */
  action?: string;
  /** Who the script runs for (the process's start user, the request's requester, …), for the record. */
  caller: string;
}

export interface OpenidmProvider {
  handle(q: Queryable, request: OpenidmRequest): Promise<unknown>;
}

/** A script-visible failure: IDM scripts see a thrown error whose message names the CREST status. */
export class OpenidmError extends Error {
  override readonly name = 'OpenidmError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const clean = (name: string) => name.replace(/^\/+/, '').replace(/\/+$/, '');

function fieldsOf(fields: unknown): string[] | undefined {
  if (fields === undefined || fields === null) return undefined;
  if (Array.isArray(fields)) return fields.map(String);
  return String(fields)
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}

const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export class OpenidmRouter {
  private readonly mounts: { prefix: string; provider: OpenidmProvider }[] = [];

  /** Serves every resource name under `prefix` (`managed`, `iga/governance`) with `provider`. */
  mount(prefix: string, provider: OpenidmProvider): this {
    this.mounts.push({ prefix: clean(prefix), provider });
    this.mounts.sort((a, b) => b.prefix.length - a.prefix.length);
    return this;
  }

  private route(resourceName: unknown): { provider: OpenidmProvider; path: string } {
    if (typeof resourceName !== 'string' || !resourceName.trim())
      throw new OpenidmError(400, 'The resource name must be a non-empty string');
    const name = clean(resourceName);
    for (const m of this.mounts)
      if (name === m.prefix || name.startsWith(`${m.prefix}/`))
        return { provider: m.provider, path: name.slice(m.prefix.length).replace(/^\/+/, '') };
    throw new OpenidmError(404, `Resource '${name}' not found`);
  }

  private async call(q: Queryable, name: unknown, req: Omit<OpenidmRequest, 'path'>): Promise<unknown> {
    const { provider, path } = this.route(name);
    return provider.handle(q, { ...req, path });
  }

  /** The `openidm` functions of one script run, bound to its queryable and caller (IDM's argument orders). */
  bind(q: Queryable, caller: string) {
    return {
      create: (name: unknown, newResourceId: unknown, content: unknown, params?: unknown, fields?: unknown) =>
        this.call(q, name, {
          method: 'create',
          newResourceId: newResourceId == null ? null : String(newResourceId),
          content,
          params: record(params),
          fields: fieldsOf(fields),
          caller,
        }),
      read: (name: unknown, params?: unknown, fields?: unknown) =>
        this.call(q, name, { method: 'read', params: record(params), fields: fieldsOf(fields), caller }),
      update: (name: unknown, rev: unknown, content: unknown, params?: unknown, fields?: unknown) =>
        this.call(q, name, {
          method: 'update',
          rev: rev == null ? null : String(rev),
          content,
          params: record(params),
          fields: fieldsOf(fields),
          caller,
        }),
      patch: (name: unknown, rev: unknown, content: unknown, params?: unknown, fields?: unknown) =>
        this.call(q, name, {
          method: 'patch',
          rev: rev == null ? null : String(rev),
          content,
          params: record(params),
          fields: fieldsOf(fields),
          caller,
        }),
      query: (name: unknown, params?: unknown, fields?: unknown) =>
        this.call(q, name, { method: 'query', params: record(params), fields: fieldsOf(fields), caller }),
      delete: (name: unknown, rev?: unknown, params?: unknown, fields?: unknown) =>
        this.call(q, name, {
          method: 'delete',
          rev: rev == null ? null : String(rev),
          params: record(params),
          fields: fieldsOf(fields),
          caller,
        }),
      action: (name: unknown, action: unknown, content?: unknown, params?: unknown, fields?: unknown) =>
        this.call(q, name, {
          method: 'action',
          action: String(action ?? ''),
          content,
          params: record(params),
          fields: fieldsOf(fields),
          caller,
        }),
    };
  }
}

export type OpenidmFunctions = ReturnType<OpenidmRouter['bind']>;

/** The `openidm.*` host functions of a script run (the sandbox's dotted-name form), on `q` for `caller`. */
export function openidmHostFunctions(
  router: OpenidmRouter,
  q: Queryable,
  caller: string,
): Record<`openidm.${OpenidmMethod}`, (...args: unknown[]) => Promise<unknown>> {
  const bound = router.bind(q, caller);
  return {
    'openidm.create': (...a) => bound.create(a[0], a[1], a[2], a[3], a[4]),
    'openidm.read': (...a) => bound.read(a[0], a[1], a[2]),
    'openidm.update': (...a) => bound.update(a[0], a[1], a[2], a[3], a[4]),
    'openidm.patch': (...a) => bound.patch(a[0], a[1], a[2], a[3], a[4]),
    'openidm.query': (...a) => bound.query(a[0], a[1], a[2]),
    'openidm.delete': (...a) => bound.delete(a[0], a[1], a[2], a[3]),
    'openidm.action': (...a) => bound.action(a[0], a[1], a[2], a[3], a[4]),
  };
}
