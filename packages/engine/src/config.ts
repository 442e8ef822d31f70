/**
 * Credentials for the four APIs, from environment variables. Dev-server defaults are fixed (not random), so a client
 * configured once keeps working across restarts; the server prints the values in effect at start.
 */
export interface IdmUser {
  username: string;
  password: string;
  roles: string[];
}

export interface WfkitConfig {
  idm: { users: IdmUser[] };
  kontent: { environmentId: string; apiKey: string };
  iga: { token: string };
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
  return {
    idm: { users: parseIdmUsers(get('WFKIT_IDM_USERS')) },
    kontent: { environmentId, apiKey: get('WFKIT_KONTENT_API_KEY') },
    iga: { token: get('WFKIT_IGA_TOKEN') },
    flow: { apiKey: get('WFKIT_FLOW_API_KEY'), customerId },
  };
}

/** The credentials in effect, for the start-up message (a dev server: it prints them). */
export function describeCredentials(config: WfkitConfig): Record<string, string> {
  return {
    idm: config.idm.users.map((u) => `${u.username}:${u.password} (${u.roles.join('|')})`).join(', '),
    kontent: `environment id ${config.kontent.environmentId}, API key ${config.kontent.apiKey}`,
    iga: `bearer token ${config.iga.token}`,
    flow: `api_key ${config.flow.apiKey}, X-Frankie-CustomerID ${config.flow.customerId}`,
  };
}
