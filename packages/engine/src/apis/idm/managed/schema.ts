/**
 * Managed object types in IDM's `managed.json` format (`{objects: [{name, schema: {required, properties}}]}`): the
 * defaults below (user, role, assignment, application, entitlement) plus what the operator adds or overrides with
 * `WFKIT_IDM_MANAGED`. A property is a JSON type, a `relationship`, or an `array` of relationships; `policies:
 * [{policyId: 'unique'}]` makes values unique per type, `scope: 'private'` keeps a property out of answers,
 * `returnByDefault: false` (the default for relationships, as IDM) returns it only when `_fields` names it.
 */

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface RelationshipSpec {
  /** Collections a reference may point to: `managed/role`, `internal/role`. */
  collections: string[];
  /** The property of the other end that lists this end (`manager` ↔ `reports`), when the relationship is two-way. */
  reverse: string | null;
}

export interface PropertySpec {
  name: string;
  /** JSON types the value may have; empty for a relationship. */
  types: JsonType[];
  relationship?: RelationshipSpec;
  /** An array of relationships (`roles`) rather than one (`manager`). */
  many: boolean;
  unique: boolean;
  private: boolean;
  returnByDefault: boolean;
  default?: unknown;
}

export interface ObjectSpec {
  name: string;
  required: string[];
  properties: Map<string, PropertySpec>;
}

export type ManagedSchema = Map<string, ObjectSpec>;

const rel = (collection: string | string[], reverse: string | null, many: boolean) => ({
  ...(many
    ? {
        type: 'array',
        items: {
          type: 'relationship',
          reverseRelationship: reverse !== null,
          reversePropertyName: reverse ?? undefined,
          resourceCollection: [collection].flat().map((path) => ({ path })),
        },
      }
    : {
        type: 'relationship',
        reverseRelationship: reverse !== null,
        reversePropertyName: reverse ?? undefined,
        resourceCollection: [collection].flat().map((path) => ({ path })),
      }),
  returnByDefault: false,
});

const unique = { policies: [{ policyId: 'unique' }] };

/**
 * wfkit: the default types follow PingIDM's sample `managed.json` (user, role, assignment) and the governance
 * objects IGA requests name (application, entitlement), trimmed to the properties workflows read and write.
 */
export const DEFAULT_MANAGED_CONFIG = {
  objects: [
    {
      name: 'user',
      schema: {
        required: ['userName', 'givenName', 'sn', 'mail'],
        properties: {
          userName: { type: 'string', ...unique },
          password: { type: 'string', scope: 'private' },
          givenName: { type: 'string' },
          sn: { type: 'string' },
          mail: { type: 'string' },
          description: { type: ['string', 'null'] },
          telephoneNumber: { type: ['string', 'null'] },
          accountStatus: { type: 'string', default: 'active' },
          city: { type: ['string', 'null'] },
          country: { type: ['string', 'null'] },
          postalAddress: { type: ['string', 'null'] },
          preferences: { type: 'object' },
          roles: rel('managed/role', 'members', true),
          authzRoles: rel(['internal/role', 'managed/role'], 'authzMembers', true),
          manager: rel('managed/user', 'reports', false),
          reports: rel('managed/user', 'manager', true),
          applications: rel('managed/application', 'members', true),
          assignments: rel('managed/assignment', 'members', true),
          entitlements: rel('managed/entitlement', 'members', true),
        },
      },
    },
    {
      name: 'role',
      schema: {
        required: ['name'],
        properties: {
          name: { type: 'string', ...unique },
          description: { type: ['string', 'null'] },
          condition: { type: ['string', 'null'] },
          members: rel('managed/user', 'roles', true),
          authzMembers: rel('managed/user', 'authzRoles', true),
          assignments: rel('managed/assignment', 'roles', true),
          owners: rel('managed/user', null, true),
        },
      },
    },
    {
      name: 'assignment',
      schema: {
        required: ['name', 'mapping'],
        properties: {
          name: { type: 'string' },
          description: { type: ['string', 'null'] },
          mapping: { type: 'string' },
          attributes: { type: 'array' },
          roles: rel('managed/role', 'assignments', true),
          members: rel('managed/user', 'assignments', true),
        },
      },
    },
    {
      name: 'application',
      schema: {
        required: ['name'],
        properties: {
          name: { type: 'string', ...unique },
          description: { type: ['string', 'null'] },
          templateName: { type: ['string', 'null'] },
          members: rel('managed/user', 'applications', true),
          owners: rel('managed/user', null, true),
        },
      },
    },
    {
      name: 'entitlement',
      schema: {
        required: ['name', 'application'],
        properties: {
          name: { type: 'string' },
          description: { type: ['string', 'null'] },
          application: rel('managed/application', null, false),
          members: rel('managed/user', 'entitlements', true),
          owners: rel('managed/user', null, true),
        },
      },
    },
  ],
};

const JSON_TYPES = new Set<JsonType>(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export class ManagedSchemaError extends Error {
  override readonly name = 'ManagedSchemaError';
}

function parseRelationship(where: string, def: Record<string, unknown>): RelationshipSpec {
  const collections = (Array.isArray(def.resourceCollection) ? def.resourceCollection : []).map((c: unknown) => {
    const path = (c as { path?: unknown })?.path;
    if (typeof path !== 'string' || !/^(managed|internal)\/[A-Za-z][\w-]*$/.test(path))
      throw new ManagedSchemaError(`${where}: resourceCollection paths must be managed/<type> or internal/<type>`);
    return path;
  });
  if (collections.length === 0) throw new ManagedSchemaError(`${where}: a relationship needs a resourceCollection`);
  const reverse = def.reverseRelationship === true ? def.reversePropertyName : undefined;
  if (reverse !== undefined && (typeof reverse !== 'string' || !NAME.test(reverse)))
    throw new ManagedSchemaError(`${where}: reversePropertyName must be a property name`);
  return { collections, reverse: (reverse as string | undefined) ?? null };
}

function parseProperty(type: string, name: string, raw: unknown): PropertySpec {
  const where = `managed/${type} property ${name}`;
  if (!NAME.test(name) || name === '__proto__' || name === 'constructor')
    throw new ManagedSchemaError(`${where}: not a valid property name`);
  if (!raw || typeof raw !== 'object') throw new ManagedSchemaError(`${where}: the definition must be an object`);
  const def = raw as Record<string, unknown>;
  const base = {
    name,
    unique:
      Array.isArray(def.policies) && def.policies.some((p) => (p as { policyId?: unknown })?.policyId === 'unique'),
    private: def.scope === 'private',
    ...(def.default !== undefined ? { default: def.default } : {}),
  };
  const items = def.items as Record<string, unknown> | undefined;
  if (def.type === 'relationship')
    return {
      ...base,
      types: [],
      relationship: parseRelationship(where, def),
      many: false,
      returnByDefault: def.returnByDefault === true,
    };
  if (def.type === 'array' && items?.type === 'relationship')
    return {
      ...base,
      types: [],
      relationship: parseRelationship(where, items),
      many: true,
      returnByDefault: def.returnByDefault === true,
    };
  const types = (Array.isArray(def.type) ? def.type : [def.type ?? 'string']) as JsonType[];
  for (const t of types) if (!JSON_TYPES.has(t)) throw new ManagedSchemaError(`${where}: unknown type '${String(t)}'`);
  if (def.nullable === true && !types.includes('null')) types.push('null');
  return { ...base, types, many: false, returnByDefault: def.returnByDefault !== false };
}

/** Parses `managed.json` objects; `over` replaces or adds types of `base` by name. */
export function parseManagedSchema(config: unknown, base?: ManagedSchema): ManagedSchema {
  const schema: ManagedSchema = new Map(base ?? []);
  const objects = (config as { objects?: unknown })?.objects;
  if (!Array.isArray(objects)) throw new ManagedSchemaError('managed objects: expected {"objects": [...]}');
  for (const o of objects) {
    const name = (o as { name?: unknown })?.name;
    if (typeof name !== 'string' || !NAME.test(name))
      throw new ManagedSchemaError('managed objects: every object needs a name');
    const s = ((o as { schema?: unknown }).schema ?? {}) as { required?: unknown; properties?: unknown };
    const properties = new Map<string, PropertySpec>();
    for (const [p, def] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
      properties.set(p, parseProperty(name, p, def));
    const required = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [];
    for (const r of required)
      if (!properties.has(r)) throw new ManagedSchemaError(`managed/${name}: required property '${r}' is not defined`);
    schema.set(name, { name, required, properties });
  }
  // Every reverse property must exist on the other end, so both ends of an edge can be read.
  for (const o of schema.values())
    for (const p of o.properties.values()) {
      if (!p.relationship?.reverse) continue;
      for (const c of p.relationship.collections) {
        const [kind, other] = c.split('/') as [string, string];
        if (kind !== 'managed') continue;
        const target = schema.get(other);
        if (!target) throw new ManagedSchemaError(`managed/${o.name} property ${p.name}: no managed type '${other}'`);
        if (!target.properties.get(p.relationship.reverse)?.relationship)
          throw new ManagedSchemaError(
            `managed/${o.name} property ${p.name}: managed/${other} has no relationship property '${p.relationship.reverse}'`,
          );
      }
    }
  return schema;
}

let defaults: ManagedSchema | undefined;

/** The default types, plus the operator's (`WFKIT_IDM_MANAGED`, IDM's managed.json format) when given. */
export function managedSchema(extra?: unknown): ManagedSchema {
  defaults ??= parseManagedSchema(DEFAULT_MANAGED_CONFIG);
  return extra === undefined ? defaults : parseManagedSchema(extra, defaults);
}
