/**
 * IGA's built-in grant and remove workflows change IDM's managed objects for real: a request validated against IDM,
 * approved by the item's owner or the user's manager (anyone else: 403), provisions the grant onto the user (or
 * takes it away); a request for something IDM does not hold is rejected with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { testStores } from '../../src/store/test-stores.js';
import { grantsOf, type IgaHarness, igaHarness, seedIdentities } from './helpers.js';

const REQ = '/iga/governance/requests';
const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe.each(testStores())('IGA built-in grant workflows on $name', (factory) => {
  let h: IgaHarness;
  beforeAll(async () => {
    h = await igaHarness(factory, parseConfig({ WFKIT_IGA_USERS: 'tok-boss:boss,tok-eve:eve,tok-owner:owner' }));
    await seedIdentities(h, {
      users: ['boss', 'eve', 'owner', { id: 'emp', manager: 'boss' }],
      applications: ['payroll'],
      roles: ['auditors', { id: 'admins', owners: ['owner'] }],
      entitlements: [{ id: 'approver', application: 'payroll' }],
    });
  });
  afterAll(() => h.close());

  const request = async (type: 'role' | 'entitlement' | 'application', id: string, modifier: 'add' | 'remove') => {
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: ['emp'], catalogs: [{ type, id }], accessModifier: modifier },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.result[0];
  };
  const approve = (id: string, token: string) =>
    h.call('POST', `${REQ}/${id}?_action=approve`, { ...as(token), body: { comment: 'fine' } });

  it('roleGrant: approved by the manager (not by another user) puts the role on the user; roleRemove takes it away', async () => {
    const grant = await request('role', 'auditors', 'add');
    expect(grant.workflow.id).toBe('BasicRoleGrant');
    expect(grant.decision.status).toBe('in-progress');
    expect(grant.decision.actors.active.map((a: { id: string }) => a.id)).toEqual(['managed/user/boss']);
    expect((await approve(grant.id, 'tok-eve')).status).toBe(403);
    const ok = await approve(grant.id, 'tok-boss');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.decision).toMatchObject({ status: 'complete', decision: 'approved', outcome: 'provisioned' });
    expect(await grantsOf(h, 'emp', 'roles')).toEqual(['auditors']);

    const remove = await request('role', 'auditors', 'remove');
    expect(remove.workflow.id).toBe('BasicRoleRemove');
    expect((await approve(remove.id, 'tok-boss')).body.decision.outcome).toBe('provisioned');
    expect(await grantsOf(h, 'emp', 'roles')).toEqual([]);
  });

  it("asks the role's owner too, when it has one", async () => {
    const grant = await request('role', 'admins', 'add');
    expect(grant.decision.actors.active.map((a: { id: string }) => a.id).sort()).toEqual([
      'managed/user/boss',
      'managed/user/owner',
    ]);
    expect((await approve(grant.id, 'tok-owner')).body.decision.outcome).toBe('provisioned');
    expect(await grantsOf(h, 'emp', 'roles')).toEqual(['admins']);
  });

  it('entitlement grant and remove, application remove', async () => {
    const grant = await request('entitlement', 'approver', 'add');
    expect(grant.workflow.id).toBe('BasicEntitlementGrant');
    expect((await approve(grant.id, 'tok-boss')).body.decision.outcome).toBe('provisioned');
    expect(await grantsOf(h, 'emp', 'entitlements')).toEqual(['approver']);
    const remove = await request('entitlement', 'approver', 'remove');
    expect((await approve(remove.id, 'tok-boss')).body.decision.outcome).toBe('provisioned');
    expect(await grantsOf(h, 'emp', 'entitlements')).toEqual([]);

    const app = await request('application', 'payroll', 'add');
    expect((await h.call('POST', `${REQ}/${app.id}?_action=approve`, { body: {} })).status).toBe(200);
    expect(await grantsOf(h, 'emp', 'applications')).toEqual(['payroll']);
    const appRemove = await request('application', 'payroll', 'remove');
    expect(appRemove.workflow.id).toBe('BasicApplicationRemove');
    expect((await h.call('POST', `${REQ}/${appRemove.id}?_action=approve`, { body: {} })).status).toBe(200);
    expect(await grantsOf(h, 'emp', 'applications')).toEqual([]);
  });

  it('rejects a request for a role IDM does not hold, saying why', async () => {
    const r = await request('role', 'no-such-role', 'add');
    expect(r.decision).toMatchObject({ status: 'complete', decision: 'rejected', outcome: 'denied' });
    expect(JSON.stringify(r.decision.comments)).toContain('Cannot find role with id no-such-role');
  });
});
