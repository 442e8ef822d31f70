import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedObjects } from '../../src/apis/idm/managed/objects.js';
import { managedSchema } from '../../src/apis/idm/managed/schema.js';
import { parseConfig } from '../../src/config.js';
import { testStores } from '../../src/store/test-stores.js';
import { definition, type IgaHarness, igaHarness } from './helpers.js';

const REQ = '/iga/governance/requests';
const GOV = '/iga/governance/workflow';
const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** One approval by the user's manager (`managed/user/mgr`) with every approval permission, then the end. */
const managerApproval = (id: string): any =>
  definition(id, {
    steps: [
      {
        name: 'approvalTask-000000000001',
        displayName: 'Manager approval',
        type: 'approvalTask',
        approvalTask: {
          nextStep: [
            { condition: null, outcome: 'APPROVE', step: null },
            { condition: null, outcome: 'REJECT', step: null },
          ],
          approvalMode: 'any',
          actors: [
            {
              id: 'managed/user/mgr',
              permissions: { approve: true, reject: true, comment: true, reassign: true, modify: true },
            },
            { id: 'managed/role/auditors', permissions: { comment: true } },
          ],
        },
      },
    ],
    staticNodes: {
      startNode: { id: 'startNode', x: 70, y: 140, connections: { start: 'approvalTask-000000000001' } },
      endNode: { id: 'endNode', x: 1000, y: 140, connections: null },
      uiConfig: {},
    },
  });

describe.each(testStores())('IGA callers and actors on $name', (factory) => {
  let h: IgaHarness;

  beforeAll(async () => {
    h = await igaHarness(
      factory,
      parseConfig({ WFKIT_IGA_USERS: 'tok-alice:alice,tok-mgr:mgr,tok-eve:eve,tok-aud:aud' }),
    );
    const managed = new ManagedObjects(managedSchema(), h.app.ids, h.app.clock);
    const db = h.app.db();
    await managed.create(db, 'role', { name: 'Auditors' }, 'auditors');
    for (const u of ['alice', 'mgr', 'eve', 'aud'])
      await managed.create(db, 'user', { userName: u, givenName: u, sn: 'Test', mail: `${u}@example.com` }, u);
    await managed.patch(db, 'user', 'aud', [
      { operation: 'add', field: '/roles/-', value: { _ref: 'managed/role/auditors' } },
    ]);
    await h.call('POST', `${GOV}?_action=create`, { body: managerApproval('mgrApproval') });
    await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'mgrApproval' } });
    await h.call('PATCH', '/iga/governance/requestTypes/roleGrant', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'mgrApproval' }],
    });
  });
  afterAll(() => h.close());

  const request = async (token: string) => {
    const r = await h.call('POST', `${REQ}?_action=create`, {
      ...as(token),
      body: { users: ['alice'], catalogs: [{ type: 'role', id: `role-${Math.random()}` }], accessModifier: 'add' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.result[0];
  };

  it('refuses unknown tokens and records the calling user as requester', async () => {
    expect((await h.call('GET', REQ, as('tok-nobody'))).status).toBe(401);
    const req = await request('tok-alice');
    expect(req.requester).toMatchObject({ id: 'managed/user/alice', userName: 'alice' });
  });

  it('lets only the phase actor approve (403 in IGA shape for anyone else)', async () => {
    const req = await request('tok-alice');
    const eve = await h.call('POST', `${REQ}/${req.id}?_action=approve`, { ...as('tok-eve'), body: {} });
    expect(eve.status).toBe(403);
    expect(eve.body).toMatchObject({ code: 403 });
    const requester = await h.call('POST', `${REQ}/${req.id}?_action=approve`, { ...as('tok-alice'), body: {} });
    expect(requester.status).toBe(403);
    const auditor = await h.call('POST', `${REQ}/${req.id}?_action=approve`, { ...as('tok-aud'), body: {} });
    expect(auditor.status).toBe(403);
    const mgr = await h.call('POST', `${REQ}/${req.id}?_action=approve`, {
      ...as('tok-mgr'),
      body: { justification: 'ok' },
    });
    expect(mgr.status).toBe(200);
    expect(mgr.body.decision).toMatchObject({ status: 'complete', decision: 'approved' });
    expect(mgr.body.decision.comments).toEqual([
      expect.objectContaining({ user: expect.objectContaining({ id: 'managed/user/mgr' }), comment: 'ok' }),
    ]);
  });

  it('lets a role actor comment but not approve, and only the requester cancel', async () => {
    const req = await request('tok-alice');
    expect(
      (await h.call('POST', `${REQ}/${req.id}?_action=comment`, { ...as('tok-aud'), body: { comment: 'seen' } }))
        .status,
    ).toBe(200);
    expect(
      (await h.call('POST', `${REQ}/${req.id}?_action=comment`, { ...as('tok-eve'), body: { comment: 'spam' } }))
        .status,
    ).toBe(403);
    expect(
      (await h.call('POST', `${REQ}/${req.id}?_action=cancel`, { ...as('tok-mgr'), body: { comment: 'no' } })).status,
    ).toBe(403);
    const cancel = await h.call('POST', `${REQ}/${req.id}?_action=cancel`, {
      ...as('tok-alice'),
      body: { comment: 'never mind' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body.decision.status).toBe('cancelled');
  });

  it('keeps the admin token acting on every phase', async () => {
    const req = await request('tok-alice');
    const admin = await h.call('POST', `${REQ}/${req.id}?_action=reject`, { body: {} });
    expect(admin.status).toBe(200);
    expect(admin.body.decision.decision).toBe('rejected');
  });
});
