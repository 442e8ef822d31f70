/**
 * The ten lifecycle request types, each requested with `POST /iga/governance/requests/{type}?_action=publish` and
 * run by its own built-in workflow: validated against IDM's managed objects, approved by the right actor (anyone
 * else: 403), fulfilled by changing the managed objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedObjects } from '../../src/apis/idm/managed/objects.js';
import { managedSchema } from '../../src/apis/idm/managed/schema.js';
import { parseConfig } from '../../src/config.js';
import { testStores } from '../../src/store/test-stores.js';
import { type IgaHarness, igaHarness, seedIdentities } from './helpers.js';

const REQ = '/iga/governance/requests';
const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe.each(testStores())('IGA lifecycle request types on $name', (factory) => {
  let h: IgaHarness;
  let managed: ManagedObjects;
  beforeAll(async () => {
    h = await igaHarness(factory, parseConfig({ WFKIT_IGA_USERS: 'tok-boss:boss,tok-eve:eve,tok-owner:owner' }));
    managed = new ManagedObjects(managedSchema(), h.app.ids, h.app.clock);
    await seedIdentities(h, {
      users: ['boss', 'eve', 'owner', { id: 'emp', manager: 'boss' }, { id: 'leaver', manager: 'boss' }],
      applications: [{ id: 'payroll', owners: ['owner'] }],
      roles: [{ id: 'auditors', owners: ['owner'] }],
      entitlements: [{ id: 'approver', application: 'payroll', owners: ['owner'] }],
    });
  });
  afterAll(() => h.close());

  const read = (type: string, id: string, fields?: string[]) =>
    managed.read(h.app.db(), type, id, fields ? { all: true, fields: fields.map((f) => [f]) } : undefined);
  const publish = async (type: string, common: Record<string, unknown>, token?: string) => {
    const r = await h.call('POST', `${REQ}/${type}?_action=publish`, { body: { common }, ...(token ? as(token) : {}) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const approve = (id: string, token?: string) =>
    h.call('POST', `${REQ}/${id}?_action=approve`, { body: { justification: 'ok' }, ...(token ? as(token) : {}) });
  const actorsOf = (r: { decision: { actors: { active: { id: string }[] } } }) =>
    r.decision.actors.active.map((a) => a.id).sort();

  it('createUser: the manager the profile names approves (no one else); the user exists afterwards', async () => {
    const r = await publish('createUser', {
      justification: 'new starter',
      user: { userName: 'newbie', givenName: 'New', sn: 'Bie', mail: 'newbie@example.com', manager: 'boss' },
    });
    expect(r).toMatchObject({
      requestType: 'createUser',
      workflow: { id: 'CreateUser' },
      user: { userName: 'newbie' },
    });
    expect(r.decision.status).toBe('in-progress');
    expect(actorsOf(r)).toEqual(['managed/user/boss']);
    expect((await approve(r.id, 'tok-eve')).status).toBe(403);
    const done = await approve(r.id, 'tok-boss');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.decision).toMatchObject({ status: 'complete', decision: 'approved', outcome: 'provisioned' });
    const comment = JSON.stringify(done.body.decision.comments);
    const id = /Created managed\/user\/([^"\s]+)/.exec(comment)?.[1];
    expect(id).toBeDefined();
    const user = await read('user', id!, ['manager']);
    expect(user).toMatchObject({ userName: 'newbie', mail: 'newbie@example.com' });
    expect((user!.manager as { _refResourceId: string })._refResourceId).toBe('boss');
  });

  it('createUser: a taken userName is rejected with the reason, nothing created', async () => {
    const r = await publish('createUser', {
      user: { userName: 'emp', givenName: 'E', sn: 'M', mail: 'e@example.com' },
    });
    expect(r.decision).toMatchObject({ status: 'complete', decision: 'rejected', outcome: 'denied' });
    expect(JSON.stringify(r.decision.comments)).toContain('a user with userName emp exists');
  });

  it('modifyUser patches the user, deleteUser deletes it, both approved by the manager', async () => {
    const m = await publish('modifyUser', {
      userId: 'emp',
      user: { mail: 'emp@corp.example', telephoneNumber: '555' },
    });
    expect(actorsOf(m)).toEqual(['managed/user/boss']);
    expect((await approve(m.id, 'tok-owner')).status).toBe(403);
    expect((await approve(m.id, 'tok-boss')).body.decision.outcome).toBe('provisioned');
    expect(await read('user', 'emp')).toMatchObject({ mail: 'emp@corp.example', telephoneNumber: '555' });

    const d = await publish('deleteUser', { userId: 'leaver' });
    expect(d.user).toMatchObject({ id: 'leaver', userName: 'leaver' });
    expect((await approve(d.id, 'tok-boss')).body.decision.outcome).toBe('provisioned');
    expect(await read('user', 'leaver')).toBeNull();

    const missing = await publish('deleteUser', { userId: 'ghost' });
    expect(missing.decision.outcome).toBe('denied');
    expect(JSON.stringify(missing.decision.comments)).toContain('Cannot find user with id ghost');
  });

  it('createRole makes a draft role (admin approval), publishRole activates it (role owner), modifyRole and deleteRole', async () => {
    const c = await publish('createRole', { role: { name: 'Reviewers', description: 'reviews', owners: ['owner'] } });
    expect(c.workflow.id).toBe('BasicRoleCreate');
    expect(actorsOf(c)).toEqual([]);
    expect((await approve(c.id, 'tok-owner')).status).toBe(403);
    const done = await approve(c.id);
    expect(done.body.decision.outcome).toBe('provisioned');
    const roleId = /Created managed\/role\/([^\s"]+) \(draft\)/.exec(JSON.stringify(done.body.decision.comments))?.[1];
    expect(roleId).toBeDefined();
    expect(await read('role', roleId!)).toMatchObject({ name: 'Reviewers', status: 'draft' });

    // A draft role can't be granted yet.
    const early = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: ['emp'], catalogs: [{ type: 'role', id: roleId! }], accessModifier: 'add' },
    });
    expect(early.body.result[0].decision).toMatchObject({ status: 'complete', outcome: 'denied' });
    expect(JSON.stringify(early.body.result[0].decision.comments)).toContain('is a draft');

    const p = await publish('publishRole', { roleId: roleId! });
    expect(p.workflow.id).toBe('BasicRolePublish');
    expect(actorsOf(p)).toEqual(['managed/user/owner']);
    expect((await approve(p.id, 'tok-owner')).body.decision.outcome).toBe('provisioned');
    expect(await read('role', roleId!)).toMatchObject({ status: 'active' });
    // A role that is no longer a draft can't be published again.
    const again = await publish('publishRole', { roleId: roleId! });
    expect(again.decision.outcome).toBe('denied');
    expect(JSON.stringify(again.decision.comments)).toContain('is not a draft');

    const grant = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: ['emp'], catalogs: [{ type: 'role', id: roleId! }], accessModifier: 'add' },
    });
    expect((await approve(grant.body.result[0].id, 'tok-boss')).body.decision.outcome).toBe('provisioned');

    const m = await publish('modifyRole', { roleId: roleId!, role: { description: 'reviews everything' } });
    expect((await approve(m.id, 'tok-owner')).body.decision.outcome).toBe('provisioned');
    expect(await read('role', roleId!)).toMatchObject({ description: 'reviews everything' });

    const d = await publish('deleteRole', { roleId: roleId! });
    expect(d.workflow.id).toBe('BasicRoleDelete');
    expect((await approve(d.id, 'tok-boss')).status).toBe(403);
    expect((await approve(d.id, 'tok-owner')).body.decision.outcome).toBe('provisioned');
    expect(await read('role', roleId!)).toBeNull();
  });

  it("createEntitlement (the application's owner approves) and modifyEntitlement", async () => {
    const c = await publish('createEntitlement', { applicationId: 'payroll', entitlement: { name: 'Payroll admin' } });
    expect(c.workflow.id).toBe('CreateEntitlement');
    expect(actorsOf(c)).toEqual(['managed/user/owner']);
    const done = await approve(c.id, 'tok-owner');
    const id = /Created managed\/entitlement\/([^\s"]+)/.exec(JSON.stringify(done.body.decision.comments))?.[1];
    const ent = await read('entitlement', id!, ['application']);
    expect(ent).toMatchObject({ name: 'Payroll admin' });
    expect((ent!.application as { _refResourceId: string })._refResourceId).toBe('payroll');

    const m = await publish('modifyEntitlement', {
      entitlementId: 'approver',
      entitlement: { description: 'approves' },
    });
    expect(m.workflow.id).toBe('ModifyEntitlement');
    expect(actorsOf(m)).toEqual(['managed/user/owner']);
    expect((await approve(m.id, 'tok-owner')).body.decision.outcome).toBe('provisioned');
    expect(await read('entitlement', 'approver')).toMatchObject({ description: 'approves' });

    const bad = await publish('createEntitlement', { applicationId: 'nope', entitlement: { name: 'x' } });
    expect(JSON.stringify(bad.decision.comments)).toContain('Cannot find application with id nope');
  });

  it("extendEndDate moves the grant's end date (the user's manager approves)", async () => {
    const grant = await h.call('POST', `${REQ}?_action=create`, {
      body: {
        users: ['emp'],
        catalogs: [{ type: 'role', id: 'auditors' }],
        accessModifier: 'add',
        endDate: '2025-06-30T00:00:00.000Z',
      },
    });
    expect((await approve(grant.body.result[0].id, 'tok-boss')).body.decision.outcome).toBe('provisioned');
    const r = await publish('extendEndDate', {
      userId: 'emp',
      roleId: 'auditors',
      endDate: '2025-12-31T00:00:00.000Z',
    });
    expect(r.workflow.id).toBe('extendGrantEndDate');
    expect(actorsOf(r)).toEqual(['managed/user/boss']);
    expect((await approve(r.id, 'tok-boss')).body.decision.outcome).toBe('provisioned');
    const user = await read('user', 'emp', ['roles']);
    const roles = user!.roles as { _refResourceId: string; _refProperties: Record<string, unknown> }[];
    expect(roles).toHaveLength(1);
    expect(roles[0]!._refResourceId).toBe('auditors');
    expect(roles[0]!._refProperties).toMatchObject({ endDate: '2025-12-31T00:00:00.000Z', grantType: 'request' });

    const none = await publish('extendEndDate', { userId: 'emp', roleId: 'nope', endDate: '2025-12-31T00:00:00.000Z' });
    expect(JSON.stringify(none.decision.comments)).toContain('has no role nope');
    const past = await publish('extendEndDate', {
      userId: 'emp',
      roleId: 'auditors',
      endDate: '2020-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(past.decision.comments)).toContain('is in the past');
  });

  it('refuses what does not fit the type (400 listing each problem), an unknown type (404), storing nothing', async () => {
    const before = (await h.call('GET', `${REQ}?_queryFilter=true`)).body.totalCount;
    const bad = await h.call('POST', `${REQ}/modifyUser?_action=publish`, {
      body: { common: { user: 'not an object', colour: 'blue' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      '/common/colour',
      '/common/user',
      '/common/userId',
    ]);
    const unknown = await h.call('POST', `${REQ}/noSuchType?_action=publish`, { body: { common: {} } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 404, message: 'Request type with id: noSuchType was not found' });
    const extra = await h.call('POST', `${REQ}/deleteUser?_action=publish`, {
      body: { common: { userId: 'x' }, x: 1 },
    });
    expect(extra.status).toBe(400);
    expect((await h.call('GET', `${REQ}?_queryFilter=true`)).body.totalCount).toBe(before);
  });
});
