import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, ConfigError, parseConfig } from '../src/config.js';

describe('configuration from the environment', () => {
  it('has documented defaults: openidm-admin with its role, a fixed environment id and dev keys', () => {
    const c = parseConfig({});
    expect(c.idm.users).toEqual([{ username: 'openidm-admin', password: 'openidm-admin', roles: ['openidm-admin'] }]);
    expect(c.kontent).toEqual({
      environmentId: CONFIG_DEFAULTS.WFKIT_KONTENT_ENVIRONMENT_ID,
      apiKey: 'wfkit-dev-kontent-management-key',
    });
    expect(c.iga.token).toBe('wfkit-dev-iga-token');
    expect(c.flow).toEqual({ apiKey: 'wfkit-dev-flow-api-key', customerId: CONFIG_DEFAULTS.WFKIT_FLOW_CUSTOMER_ID });
  });

  it('reads users with several roles, and gives a user without roles openidm-authorized', () => {
    const c = parseConfig({ WFKIT_IDM_USERS: 'admin:pw:openidm-admin|manager, bob:secret' });
    expect(c.idm.users).toEqual([
      { username: 'admin', password: 'pw', roles: ['openidm-admin', 'manager'] },
      { username: 'bob', password: 'secret', roles: ['openidm-authorized'] },
    ]);
  });

  it('refuses malformed values with a message naming the variable', () => {
    expect(() => parseConfig({ WFKIT_IDM_USERS: 'nopassword' })).toThrow(ConfigError);
    expect(() => parseConfig({ WFKIT_IDM_USERS: 'a:b,a:c' })).toThrow(/listed twice/);
    expect(() => parseConfig({ WFKIT_KONTENT_ENVIRONMENT_ID: 'prod' })).toThrow(
      /WFKIT_KONTENT_ENVIRONMENT_ID must be a UUID/,
    );
    expect(() => parseConfig({ WFKIT_FLOW_CUSTOMER_ID: 'x' })).toThrow(/WFKIT_FLOW_CUSTOMER_ID/);
  });

  it('takes every credential from its variable', () => {
    const c = parseConfig({
      WFKIT_KONTENT_ENVIRONMENT_ID: '11111111-2222-4333-8444-555555555555',
      WFKIT_KONTENT_API_KEY: 'k',
      WFKIT_IGA_TOKEN: 't',
      WFKIT_FLOW_API_KEY: 'f',
      WFKIT_FLOW_CUSTOMER_ID: '66666666-2222-4333-8444-555555555555',
    });
    expect(c.kontent).toEqual({ environmentId: '11111111-2222-4333-8444-555555555555', apiKey: 'k' });
    expect(c.iga.token).toBe('t');
    expect(c.flow).toEqual({ apiKey: 'f', customerId: '66666666-2222-4333-8444-555555555555' });
  });
});
