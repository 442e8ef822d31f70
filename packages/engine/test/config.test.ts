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

  it('reads the optional Kontent keys and rate limit, and IDM process-access rules', () => {
    const c = parseConfig({
      WFKIT_KONTENT_KEYS:
        'reviewer-key:6E7F8A9B-0C1D-4E2F-9A3B-4C5D6E7F8A9B, pm-key:f58733b9-520b-406b-9d45-eb15a2baee96',
      WFKIT_KONTENT_RATE_LIMIT: '10/s, 600/min',
      WFKIT_IDM_PROCESS_ACCESS: JSON.stringify({
        workflowAccess: [{ propertiesCheck: { property: 'key', matches: '^onboarding', requiresRole: 'hr' } }],
      }),
    });
    expect(c.kontent.keys).toEqual([
      { key: 'reviewer-key', roleId: '6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b' },
      { key: 'pm-key', roleId: 'f58733b9-520b-406b-9d45-eb15a2baee96' },
    ]);
    expect(c.kontent.rateLimit).toEqual({ perSecond: 10, perMinute: 600 });
    expect(c.idm.processAccess).toEqual([{ property: 'key', matches: '^onboarding', requiresRole: 'hr' }]);
    const plain = parseConfig({});
    expect(plain.kontent.keys).toBeUndefined();
    expect(plain.kontent.rateLimit).toBeUndefined();
    expect(plain.idm.processAccess).toBeUndefined();
  });

  it('refuses malformed optional settings with the variable named', () => {
    expect(() => parseConfig({ WFKIT_KONTENT_KEYS: 'justakey' })).toThrow(/WFKIT_KONTENT_KEYS/);
    expect(() => parseConfig({ WFKIT_KONTENT_KEYS: 'k:not-a-uuid' })).toThrow(ConfigError);
    expect(() => parseConfig({ WFKIT_KONTENT_RATE_LIMIT: 'fast' })).toThrow(/WFKIT_KONTENT_RATE_LIMIT/);
    expect(() => parseConfig({ WFKIT_KONTENT_RATE_LIMIT: '0/s' })).toThrow(ConfigError);
    expect(() => parseConfig({ WFKIT_IDM_PROCESS_ACCESS: '{not json' })).toThrow(/WFKIT_IDM_PROCESS_ACCESS/);
    expect(() => parseConfig({ WFKIT_IDM_PROCESS_ACCESS: '{"workflowAccess":[{}]}' })).toThrow(ConfigError);
  });
});
