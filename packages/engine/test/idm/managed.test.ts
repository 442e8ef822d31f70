import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { ConfigError, parseConfig } from '../../src/config.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

const BASE = 'http://localhost:8080';
const config = parseConfig({
  WFKIT_IDM_USERS: 'openidm-admin:openidm-admin:openidm-admin,bjensen:bjpw',
  WFKIT_IDM_MANAGED: JSON.stringify({
    objects: [
      {
        name: 'device',
        schema: {
          required: ['serial'],
          properties: { serial: { type: 'string', policies: [{ policyId: 'unique' }] } },
        },
      },
    ],
  }),
});
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const BJENSEN = { 'X-OpenIDM-Username': 'bjensen', 'X-OpenIDM-Password': 'bjpw' };

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  userName,
  givenName: userName,
  sn: 'Tester',
  mail: `${userName}@example.com`,
  ...extra,
});

describe.each(testStores())('IDM managed objects on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;

  async function call(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; user?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...(opts.user ?? ADMIN), ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const req = new Request(`${BASE}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(apiModule, req, res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  }
  const create = async (type: string, body: unknown) => {
    const r = await call('POST', `/openidm/managed/${type}?_action=create`, { body });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json as { _id: string; _rev: string } & Record<string, unknown>;
  };
  const count = async (type: string) =>
    (await call('GET', `/openidm/managed/${type}?_queryFilter=true`)).json.resultCount as number;

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({ store: store.db, apis: [apiModule], config, jobs: { start: false }, docs: false });
    await app.ready;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('creates a user (201, Location, ETag, default accountStatus) and reads it back without its password', async () => {
    const r = await call('POST', '/openidm/managed/user?_action=create', {
      body: user('alice', { password: 's3cret' }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/openidm/managed/user/${r.json._id}`);
    expect(r.headers.get('etag')).toBe('"1"');
    expect(r.json).toMatchObject({ _rev: '1', userName: 'alice', accountStatus: 'active' });
    expect(r.json).not.toHaveProperty('password');
    const read = await call('GET', `/openidm/managed/user/${r.json._id}`);
    expect(read.json).toEqual(r.json);
    expect(Object.keys(read.json).slice(0, 2)).toEqual(['_id', '_rev']);
  });

  it('refuses a user without required properties or with a taken userName (403 policy), storing nothing', async () => {
    await create('user', user('taken'));
    const before = await count('user');
    const missing = await call('POST', '/openidm/managed/user', {
      body: { userName: 'nosn', givenName: 'x', mail: 'x@y' },
    });
    expect(missing.status).toBe(403);
    expect(missing.json).toMatchObject({
      message: 'Policy validation failed',
      detail: {
        result: false,
        failedPolicyRequirements: [{ property: 'sn', policyRequirements: [{ policyRequirement: 'REQUIRED' }] }],
      },
    });
    const dup = await call('POST', '/openidm/managed/user', { body: user('taken') });
    expect(dup.status).toBe(403);
    expect(dup.json.detail.failedPolicyRequirements[0]).toMatchObject({
      property: 'userName',
      policyRequirements: [{ policyRequirement: 'UNIQUE' }],
    });
    const wrongType = await call('POST', '/openidm/managed/user', { body: user('typed', { sn: 42 }) });
    expect(wrongType.status).toBe(403);
    expect(wrongType.json.detail.failedPolicyRequirements[0].policyRequirements[0].policyRequirement).toBe(
      'VALID_TYPE',
    );
    expect(await count('user')).toBe(before);
  });

  it('lets a concurrent pair of creates with one userName produce exactly one user', async () => {
    const results = await Promise.all(
      [0, 1, 2].map(() => call('POST', '/openidm/managed/user', { body: user('racer') })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403]);
    expect((await call('GET', '/openidm/managed/user?_queryFilter=userName eq "racer"')).json.resultCount).toBe(1);
  });

  it('keeps relationships readable from both ends: manager ↔ reports, roles ↔ members', async () => {
    const boss = await create('user', user('boss'));
    const role = await create('role', { name: 'Contractors' });
    const emp = await create(
      'user',
      user('emp', { manager: { _ref: `managed/user/${boss._id}` }, roles: [{ _ref: `managed/role/${role._id}` }] }),
    );
    expect(emp).not.toHaveProperty('manager');
    const withRels = await call('GET', `/openidm/managed/user/${emp._id}?_fields=*,manager,roles`);
    expect(withRels.json.userName).toBe('emp');
    expect(withRels.json.manager).toMatchObject({
      _ref: `managed/user/${boss._id}`,
      _refResourceCollection: 'managed/user',
      _refResourceId: boss._id,
    });
    expect(withRels.json.manager._refProperties).toHaveProperty('_id');
    expect(withRels.json.roles.map((r: { _ref: string }) => r._ref)).toEqual([`managed/role/${role._id}`]);
    const reports = await call('GET', `/openidm/managed/user/${boss._id}?_fields=reports`);
    expect(reports.json.reports.map((r: { _refResourceId: string }) => r._refResourceId)).toEqual([emp._id]);
    const members = await call('GET', `/openidm/managed/role/${role._id}?_fields=members/userName`);
    expect(members.json.members).toEqual([expect.objectContaining({ _refResourceId: emp._id, userName: 'emp' })]);
    const expanded = await call('GET', `/openidm/managed/user/${emp._id}?_fields=manager/userName`);
    expect(expanded.json.manager.userName).toBe('boss');
    const byManager = await call(
      'GET',
      `/openidm/managed/user?_queryFilter=${encodeURIComponent(`manager/_refResourceId eq "${boss._id}"`)}&_fields=userName`,
    );
    expect(byManager.json.result).toEqual([{ _id: emp._id, _rev: '1', userName: 'emp' }]);
  });

  it('patches roles in and out (add /roles/-, remove by _ref), bumping _rev', async () => {
    const u = await create('user', user('patchy'));
    const r1 = await create('role', { name: 'R1' });
    const r2 = await create('role', { name: 'R2' });
    const add = await call('PATCH', `/openidm/managed/user/${u._id}?_fields=roles`, {
      body: [
        { operation: 'add', field: '/roles/-', value: { _ref: `managed/role/${r1._id}` } },
        { operation: 'add', field: '/roles/-', value: { _ref: `managed/role/${r2._id}` } },
        { operation: 'replace', field: '/description', value: 'two roles' },
      ],
    });
    expect(add.status).toBe(200);
    expect(add.json._rev).toBe('2');
    expect(add.json.roles.map((r: { _refResourceId: string }) => r._refResourceId)).toEqual([r1._id, r2._id]);
    const remove = await call('POST', `/openidm/managed/user/${u._id}?_action=patch&_fields=roles,description`, {
      body: [{ operation: 'remove', field: '/roles', value: { _ref: `managed/role/${r1._id}` } }],
    });
    expect(remove.json.roles.map((r: { _refResourceId: string }) => r._refResourceId)).toEqual([r2._id]);
    expect(remove.json.description).toBe('two roles');
    const roleSide = await call('GET', `/openidm/managed/role/${r1._id}?_fields=members`);
    expect(roleSide.json.members).toEqual([]);
  });

  it('refuses a patch to a missing object, a bad operation or a dangling reference without changing anything', async () => {
    const u = await create('user', user('steady'));
    expect(
      (
        await call('PATCH', '/openidm/managed/user/nope', {
          body: [{ operation: 'replace', field: '/sn', value: 'x' }],
        })
      ).status,
    ).toBe(404);
    const bad = await call('PATCH', `/openidm/managed/user/${u._id}`, {
      body: [
        { operation: 'replace', field: '/sn', value: 'changed' },
        { operation: 'transform', field: '/sn', value: {} },
      ],
    });
    expect(bad.status).toBe(400);
    const dangling = await call('PATCH', `/openidm/managed/user/${u._id}`, {
      body: [{ operation: 'add', field: '/roles/-', value: { _ref: 'managed/role/does-not-exist' } }],
    });
    expect(dangling.status).toBe(400);
    const read = await call('GET', `/openidm/managed/user/${u._id}`);
    expect(read.json).toMatchObject({ _rev: '1', sn: 'Tester' });
  });

  it('PUT creates with If-None-Match: *, replaces with If-Match, and refuses a stale revision (412)', async () => {
    const created = await call('PUT', '/openidm/managed/role/admins', {
      body: { name: 'Admins' },
      headers: { 'If-None-Match': '*' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ _id: 'admins', _rev: '1', name: 'Admins' });
    const again = await call('PUT', '/openidm/managed/role/admins', {
      body: { name: 'Admins' },
      headers: { 'If-None-Match': '*' },
    });
    expect(again.status).toBe(412);
    const replaced = await call('PUT', '/openidm/managed/role/admins', {
      body: { name: 'Administrators' },
      headers: { 'If-Match': '"1"' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toEqual({ _id: 'admins', _rev: '2', name: 'Administrators' });
    const stale = await call('PUT', '/openidm/managed/role/admins', {
      body: { name: 'X' },
      headers: { 'If-Match': '1' },
    });
    expect(stale.status).toBe(412);
    expect(
      (await call('PUT', '/openidm/managed/role/ghost', { body: { name: 'G' }, headers: { 'If-Match': '*' } })).status,
    ).toBe(404);
  });

  it('deletes an object with its relationships at both ends', async () => {
    const boss = await create('user', user('leaver'));
    const emp = await create('user', user('stayer', { manager: { _ref: `managed/user/${boss._id}` } }));
    const del = await call('DELETE', `/openidm/managed/user/${boss._id}`);
    expect(del.status).toBe(200);
    expect(del.json.userName).toBe('leaver');
    expect((await call('GET', `/openidm/managed/user/${boss._id}`)).status).toBe(404);
    expect((await call('GET', `/openidm/managed/user/${emp._id}?_fields=manager`)).json.manager).toBeNull();
    // The userName is free again.
    await create('user', user('leaver'));
  });

  it('queries with filters, sorting, paging and _fields; unknown types are a 404', async () => {
    for (const n of ['q-c', 'q-a', 'q-b']) await create('user', user(n, { city: 'Oslo' }));
    const page = await call(
      'GET',
      `/openidm/managed/user?_queryFilter=${encodeURIComponent('userName sw "q-"')}&_sortKeys=-userName&_pageSize=2&_fields=userName&_totalPagedResultsPolicy=EXACT`,
    );
    expect(page.json.result.map((u: { userName: string }) => u.userName)).toEqual(['q-c', 'q-b']);
    expect(page.json.totalPagedResults).toBe(3);
    expect(page.json.pagedResultsCookie).toBe('2');
    const ids = await call('GET', '/openidm/managed/role?_queryId=query-all-ids&_fields=_id');
    expect(ids.status).toBe(200);
    expect((await call('GET', '/openidm/managed/spaceship?_queryFilter=true')).status).toBe(404);
  });

  it('serves operator-defined types from WFKIT_IDM_MANAGED with their policies', async () => {
    await create('device', { serial: 'SN-1' });
    expect((await call('POST', '/openidm/managed/device', { body: { serial: 'SN-1' } })).status).toBe(403);
    expect(() => parseConfig({ WFKIT_IDM_MANAGED: '{"objects":[{"name":"x","schema":{"required":["y"]}}]}' })).toThrow(
      ConfigError,
    );
  });

  it('lets a user read only their own user object; writes need an admin', async () => {
    const own = await create('user', user('bjensen'));
    const other = await create('user', user('someoneelse'));
    expect((await call('GET', `/openidm/managed/user/${own._id}`, { user: BJENSEN })).status).toBe(200);
    expect((await call('GET', `/openidm/managed/user/${other._id}`, { user: BJENSEN })).status).toBe(403);
    expect((await call('GET', '/openidm/managed/user?_queryFilter=true', { user: BJENSEN })).status).toBe(403);
    expect(
      (
        await call('PATCH', `/openidm/managed/user/${own._id}`, {
          user: BJENSEN,
          body: [{ operation: 'replace', field: '/sn', value: 'x' }],
        })
      ).status,
    ).toBe(403);
  });

  it('leaves no object behind when the surrounding transaction rolls back', async () => {
    const before = await count('role');
    const idm = app as unknown as { db(): import('../../src/store/db.js').Db };
    const { createIdmContext } = await import('../../src/apis/idm/context.js');
    const ctx = createIdmContext({
      db: idm.db(),
      clock: app.clock,
      ids: app.ids,
      config,
      logger: console as never,
      jobs: undefined as never,
      runtime: app.runtime(),
      executor: app.jobs(),
    });
    await expect(
      idm.db().transaction(async (tx) => {
        await ctx.managed.create(tx, 'role', { name: 'Ephemeral' });
        throw new Error('the command fails later');
      }),
    ).rejects.toThrow('the command fails later');
    expect(await count('role')).toBe(before);
  });
});
