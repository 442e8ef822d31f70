/**
 * Credentials for the four APIs, from environment variables. Dev-server defaults are fixed (not random), so a client
 * configured once keeps working across restarts; the server prints the values in effect at start.
 */
import { ManagedSchemaError, managedSchema } from './apis/idm/managed/schema.js';
import { type ProcessAccessRule, parseProcessAccess } from './apis/idm/process-access.js';

export interface IdmUser {
  username: string;
  password: string;
  roles: string[];
}

/** An IGA bearer token that acts as one user (the id of a `managed/user`). */
export interface IgaUser {
  token: string;
  userId: string;
}

/**
 * A Kontent personal API key: the permissions of one role (a role id of `GET /roles`); valid in every configured
 * environment, or only in those listed.
 */
export interface KontentKey {
  key: string;
  roleId: string;
  environments?: string[];
}

/** A further Kontent environment on this server; without `apiKey`, WFKIT_KONTENT_API_KEY is its management key. */
export interface KontentEnvironment {
  id: string;
  apiKey?: string;
}

export interface RateLimit {
  perSecond?: number;
  perMinute?: number;
}

export interface WfkitConfig {
  /** `managed`: extra managed object types in IDM's managed.json format (`{objects: [...]}`), checked at parse. */
  idm: { users: IdmUser[]; processAccess?: ProcessAccessRule[]; managed?: unknown };
  kontent: {
    environmentId: string;
    apiKey: string;
    keys?: KontentKey[];
    rateLimit?: RateLimit;
    /** Environments besides `environmentId`, each isolated (its own workflows, content model and variants). */
    environments?: KontentEnvironment[];
  };
  /** `token`: the admin token (acts on every phase); `users`: tokens that act as a managed user (`managed/user/<id>`). */
  iga: { token: string; users?: IgaUser[] };
  flow: { apiKey: string; customerId: string };
}

export const CONFIG_DEFAULTS = {
  WFKIT_IDM_USERS: 'openidm-admin:openidm-admin:openidm-admin',
  WFKIT_KONTENT_ENVIRONMENT_ID: '8d3b1a52-6c1e-4d7a-9f3e-2b5c0e7a4f10',
  WFKIT_KONTENT_API_KEY: 'wfkit-dev-kontent-management-key',
  WFKIT_IGA_TOKEN: 'wfkit-dev-iga-token',
  WFKIT_FLOW_API_KEY: 'wfkit-dev-flow-api-key',
  WFKIT_FLOW_CUSTOMER_ID: '5a1f6c2e-3b4d-4e8f-9a0b-7c6d5e4f3a21',
} as const;

/** Optional settings, off when unset. */
export const OPTIONAL_SETTINGS = {
  WFKIT_IDM_PROCESS_ACCESS: 'IDM\'s process-access.json as JSON: {"workflowAccess":[{"propertiesCheck":{...}}]}',
  WFKIT_IDM_MANAGED:
    'managed object types to add or override, IDM\'s managed.json as JSON: {"objects":[{"name":"device","schema":{...}}]}',
  WFKIT_IGA_USERS:
    'IGA bearer tokens that act as users (approvers, requesters): token:userId[,token2:userId2]; userId is a managed/user id',
  WFKIT_KONTENT_KEYS:
    'personal API keys with the role they act as: key:roleId[@environmentId|environmentId2][,key2:roleId2] (without @: every environment)',
  WFKIT_KONTENT_ENVIRONMENTS:
    'more Kontent environments on this server, each isolated: environmentId[=managementApiKey][,environmentId2[=key2]] (without =: WFKIT_KONTENT_API_KEY)',
  WFKIT_KONTENT_RATE_LIMIT: 'requests allowed per API key window: 10/s, 600/min or both (10/s,600/min); over it a 429',
} as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `user:password[:role1|role2],user2:password2[:roles]`; a user without roles gets `openidm-authorized`. */
export function parseIdmUsers(value: string): IdmUser[] {
  const users: IdmUser[] = [];
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [username, password, roles, ...rest] = entry.split(':');
    if (!username || !password || rest.length > 0) {
      throw new ConfigError(
        `WFKIT_IDM_USERS: "${entry.split(':')[0]}:…" is not user:password[:role1|role2] (a password may not contain ':' or ',')`,
      );
    }
    if (users.some((u) => u.username === username))
      throw new ConfigError(`WFKIT_IDM_USERS: user ${username} is listed twice`);
    const list = (roles ?? '')
      .split('|')
      .map((r) => r.trim())
      .filter(Boolean);
    users.push({ username, password, roles: list.length ? list : ['openidm-authorized'] });
  }
  if (users.length === 0) throw new ConfigError('WFKIT_IDM_USERS: no users');
  return users;
}

/** `key:roleId[@env|env2][,key2:roleId2]`. */
export function parseKontentKeys(value: string): KontentKey[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [key, rest1, ...rest] = entry.split(':');
      const [roleId, envs] = (rest1 ?? '').split('@');
      const environments = envs
        ?.split('|')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean);
      if (!key || !roleId || rest.length > 0 || !UUID.test(roleId) || environments?.some((e) => !UUID.test(e)))
        throw new ConfigError(
          `WFKIT_KONTENT_KEYS: "${entry}" is not key:roleId[@environmentId] (role and environment ids are UUIDs, see GET /roles)`,
        );
      return { key, roleId: roleId.toLowerCase(), ...(environments?.length ? { environments } : {}) };
    });
}

/** `environmentId[=apiKey][,environmentId2[=apiKey2]]`. */
export function parseKontentEnvironments(value: string): KontentEnvironment[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf('=');
      const id = (at < 0 ? entry : entry.slice(0, at)).trim().toLowerCase();
      const apiKey = at < 0 ? undefined : entry.slice(at + 1).trim();
      if (!UUID.test(id) || apiKey === '')
        throw new ConfigError(
          `WFKIT_KONTENT_ENVIRONMENTS: "${entry}" is not environmentId[=apiKey] (environment ids are UUIDs)`,
        );
      return apiKey === undefined ? { id } : { id, apiKey };
    });
}

/** `token:userId[,token2:userId2]`. */
export function parseIgaUsers(value: string, adminToken: string): IgaUser[] {
  const users: IgaUser[] = [];
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [token, userId, ...rest] = entry.split(':');
    if (!token || !userId || rest.length > 0)
      throw new ConfigError(
        `WFKIT_IGA_USERS: "${entry.split(':')[0]}:…" is not token:userId (a token may not contain ':' or ',')`,
      );
    if (token === adminToken)
      throw new ConfigError('WFKIT_IGA_USERS: a user token may not be the admin token WFKIT_IGA_TOKEN');
    if (users.some((u) => u.token === token)) throw new ConfigError(`WFKIT_IGA_USERS: token ${token} is listed twice`);
    users.push({ token, userId });
  }
  return users;
}

/** `10/s`, `600/min` or `10/s,600/min`. */
export function parseRateLimit(value: string): RateLimit {
  const limit: RateLimit = {};
  for (const part of value.split(',').map((s) => s.trim())) {
    const m = /^(\d+)\s*\/\s*(s|sec|second|m|min|minute)$/i.exec(part);
    if (!m || Number(m[1]) < 1)
      throw new ConfigError(`WFKIT_KONTENT_RATE_LIMIT: "${part}" is not N/s or N/min (N >= 1)`);
    if (m[2]!.toLowerCase().startsWith('s')) limit.perSecond = Number(m[1]);
    else limit.perMinute = Number(m[1]);
  }
  return limit;
}

function parseManagedSetting(value: string): unknown {
  try {
    const parsed = JSON.parse(value);
    managedSchema(parsed);
    return parsed;
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof ManagedSchemaError)
      throw new ConfigError(`WFKIT_IDM_MANAGED: ${(e as Error).message}`);
    throw e;
  }
}

function parseProcessAccessSetting(value: string): ProcessAccessRule[] {
  try {
    return parseProcessAccess(JSON.parse(value));
  } catch (e) {
    throw new ConfigError(`WFKIT_IDM_PROCESS_ACCESS: ${(e as Error).message}`);
  }
}

/** Reads the configuration from environment variables (defaults for what is unset); throws ConfigError when invalid. */
export function parseConfig(env: Record<string, string | undefined> = {}): WfkitConfig {
  const get = (name: keyof typeof CONFIG_DEFAULTS) => {
    const v = env[name]?.trim();
    return v ? v : CONFIG_DEFAULTS[name];
  };
  const environmentId = get('WFKIT_KONTENT_ENVIRONMENT_ID').toLowerCase();
  if (!UUID.test(environmentId)) {
    throw new ConfigError(
      `WFKIT_KONTENT_ENVIRONMENT_ID must be a UUID (Kontent.ai environment ids are), got "${environmentId}"`,
    );
  }
  const customerId = get('WFKIT_FLOW_CUSTOMER_ID').toLowerCase();
  if (!UUID.test(customerId)) {
    throw new ConfigError(`WFKIT_FLOW_CUSTOMER_ID must be a UUID (X-Frankie-CustomerID is one), got "${customerId}"`);
  }
  const optional = (name: keyof typeof OPTIONAL_SETTINGS) => env[name]?.trim() || undefined;
  const processAccess = optional('WFKIT_IDM_PROCESS_ACCESS');
  const managed = optional('WFKIT_IDM_MANAGED');
  const keys = optional('WFKIT_KONTENT_KEYS');
  const rateLimit = optional('WFKIT_KONTENT_RATE_LIMIT');
  const environments = optional('WFKIT_KONTENT_ENVIRONMENTS');
  const moreEnvironments = environments ? parseKontentEnvironments(environments) : [];
  const seen = new Set([environmentId]);
  for (const e of moreEnvironments) {
    if (seen.has(e.id)) throw new ConfigError(`WFKIT_KONTENT_ENVIRONMENTS: environment ${e.id} is listed twice`);
    seen.add(e.id);
  }
  return {
    idm: {
      users: parseIdmUsers(get('WFKIT_IDM_USERS')),
      ...(processAccess ? { processAccess: parseProcessAccessSetting(processAccess) } : {}),
      ...(managed ? { managed: parseManagedSetting(managed) } : {}),
    },
    kontent: {
      environmentId,
      apiKey: get('WFKIT_KONTENT_API_KEY'),
      ...(keys ? { keys: parseKontentKeys(keys) } : {}),
      ...(rateLimit ? { rateLimit: parseRateLimit(rateLimit) } : {}),
      ...(moreEnvironments.length ? { environments: moreEnvironments } : {}),
    },
    iga: {
      token: get('WFKIT_IGA_TOKEN'),
      ...(optional('WFKIT_IGA_USERS')
        ? { users: parseIgaUsers(optional('WFKIT_IGA_USERS')!, get('WFKIT_IGA_TOKEN')) }
        : {}),
    },
    flow: { apiKey: get('WFKIT_FLOW_API_KEY'), customerId },
  };
}

/** The credentials in effect, for the start-up message (a dev server: it prints them). */
export function describeCredentials(config: WfkitConfig): Record<string, string> {
  return {
    idm: config.idm.users.map((u) => `${u.username}:${u.password} (${u.roles.join('|')})`).join(', '),
    kontent: [
      `environment id ${config.kontent.environmentId}, API key ${config.kontent.apiKey}`,
      ...(config.kontent.environments ?? []).map(
        (e) => `environment id ${e.id}, API key ${e.apiKey ?? config.kontent.apiKey}`,
      ),
      ...(config.kontent.keys ?? []).map(
        (k) => `key ${k.key} (role ${k.roleId}${k.environments ? ` in ${k.environments.join(', ')}` : ''})`,
      ),
      ...(config.kontent.rateLimit ? [`rate limit ${JSON.stringify(config.kontent.rateLimit)}`] : []),
    ].join(', '),
    iga: [
      `bearer token ${config.iga.token} (admin)`,
      ...(config.iga.users ?? []).map((u) => `bearer token ${u.token} (user ${u.userId})`),
    ].join(', '),
    flow: `api_key ${config.flow.apiKey}, X-Frankie-CustomerID ${config.flow.customerId}`,
  };
}
