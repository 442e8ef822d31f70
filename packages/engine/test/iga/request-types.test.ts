import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { testStores } from '../../src/store/test-stores.js';
import { type IgaHarness, igaHarness } from './helpers.js';

const TYPES = '/iga/governance/requestTypes';

describe.each(testStores())('IGA custom request types on $name', (factory) => {
  let h: IgaHarness;
  beforeAll(async () => {
    h = await igaHarness(factory, parseConfig({ WFKIT_IGA_USERS: 'tok-alice:alice' }));
  });
  afterAll(() => h.close());

  it('creates a custom type with its own schema, bound to a published workflow; lists and reads it', async () => {
    const r = await h.call('POST', TYPES, {
      body: {
        id: 'laptopRequest',
        displayName: 'Request a laptop',
        workflow: { id: 'BasicApplicationGrant' },
        schemas: {
          custom: [{ _meta: { type: 'custom', displayName: 'Laptop' }, properties: { model: { type: 'text' } } }],
        },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      id: 'laptopRequest',
      custom: true,
      _rev: 0,
      workflow: { id: 'BasicApplicationGrant' },
    });
    expect((await h.call('GET', `${TYPES}/laptopRequest`)).body).toEqual(r.body);
    const list = await h.call('GET', `${TYPES}?_queryFilter=true`);
    expect(list.body.result.map((t: { id: string }) => t.id)).toContain('laptopRequest');
    // Rebound as documented for every type.
    const patched = await h.call('PATCH', `${TYPES}/laptopRequest`, {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'BasicRoleGrant' }],
    });
    expect(patched.body).toMatchObject({ workflow: { id: 'BasicRoleGrant' }, _rev: 1 });
  });

  it('generates an id when none is given', async () => {
    const r = await h.call('POST', TYPES, { body: { displayName: 'Anything' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.workflow).toEqual({});
  });

  it('refuses a taken id (409), an unpublished workflow (400), a bad body (400) and a user token (403), storing nothing', async () => {
    expect((await h.call('POST', TYPES, { body: { id: 'roleGrant', displayName: 'x' } })).status).toBe(409);
    const before = (await h.call('GET', `${TYPES}?_queryFilter=true`)).body.totalCount;
    expect(
      (await h.call('POST', TYPES, { body: { id: 'nope1', displayName: 'x', workflow: { id: 'noSuchWorkflow' } } }))
        .status,
    ).toBe(400);
    expect((await h.call('POST', TYPES, { body: { id: 'nope2' } })).status).toBe(400);
    expect(
      (
        await h.call('POST', TYPES, {
          headers: { authorization: 'Bearer tok-alice' },
          body: { id: 'nope3', displayName: 'x' },
        })
      ).status,
    ).toBe(403);
    expect((await h.call('GET', `${TYPES}?_queryFilter=true`)).body.totalCount).toBe(before);
  });
});
