import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedObjects } from '../../src/apis/idm/managed/objects.js';
import { managedSchema } from '../../src/apis/idm/managed/schema.js';
import { parseConfig } from '../../src/config.js';
import { testStores } from '../../src/store/test-stores.js';
import { definition, type IgaHarness, igaHarness } from './helpers.js';

const REQ = '/iga/governance/requests';
const GOV = '/iga/governance/workflow';
const PERMS = { approve: true, reject: true, comment: true };

/** Approvals by the user's manager and by the application's first owner, both read from `requestIndex`. */
const indexed = (id: string): any =>
  definition(id, {
    steps: [
      {
        name: 'approvalTask-000000000001',
        displayName: 'Manager and owner approval',
        type: 'approvalTask',
        approvalTask: {
          nextStep: [
            { condition: null, outcome: 'APPROVE', step: null },
            { condition: null, outcome: 'REJECT', step: null },
          ],
          approvalMode: 'any',
          actors: [
            { id: { isExpression: true, value: '"managed/user/" + requestIndex.manager.id' }, permissions: PERMS },
            {
              id: { isExpression: true, value: '"managed/user/" + requestIndex.applicationOwner[0].id' },
              permissions: PERMS,
            },
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

describe.each(testStores())('IGA requests read their people from IDM on $name', (factory) => {
  let h: IgaHarness;

  beforeAll(async () => {
    h = await igaHarness(factory, parseConfig({ WFKIT_IGA_USERS: 'tok-boss:boss,tok-owner:owner' }));
    const managed = new ManagedObjects(managedSchema(), h.app.ids, h.app.clock);
    const db = h.app.db();
    for (const u of ['boss', 'owner'])
      await managed.create(db, 'user', { userName: u, givenName: u, sn: 'Test', mail: `${u}@example.com` }, u);
    await managed.create(
      db,
      'user',
      {
        userName: 'emp',
        givenName: 'Emma',
        sn: 'Ployee',
        mail: 'emp@example.com',
        manager: { _ref: 'managed/user/boss' },
      },
      'emp',
    );
    await managed.create(db, 'application', { name: 'Payroll', owners: [{ _ref: 'managed/user/owner' }] }, 'payroll');
    await h.call('POST', `${GOV}?_action=create`, { body: indexed('indexedApproval') });
    await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'indexedApproval' } });
    await h.call('PATCH', '/iga/governance/requestTypes/applicationGrant', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'indexedApproval' }],
    });
  });
  afterAll(() => h.close());

  it('names the manager and the application owner as actors, and shows the user and application as IDM holds them', async () => {
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: ['emp'], catalogs: [{ type: 'application', id: 'payroll' }], accessModifier: 'add' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const req = r.body.result[0];
    expect(req.user).toMatchObject({ id: 'emp', userName: 'emp', givenName: 'Emma', mail: 'emp@example.com' });
    expect(req.manager).toEqual({ id: 'boss' });
    expect(req.applicationOwner).toEqual([{ id: 'owner' }]);
    expect(req.application).toEqual({ id: 'payroll', name: 'Payroll' });
    expect(req.decision.actors.active.map((a: { id: string }) => a.id).sort()).toEqual([
      'managed/user/boss',
      'managed/user/owner',
    ]);
    // The manager approves with her own token.
    const ok = await h.call('POST', `${REQ}/${req.id}?_action=approve`, {
      headers: { authorization: 'Bearer tok-boss' },
      body: { comment: 'fine' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it('keeps ids IDM does not hold bare', async () => {
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: ['nobody'], catalogs: [{ type: 'application', id: 'unknown-app' }], accessModifier: 'add' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const req = r.body.result[0];
    expect(req.user).toEqual({ id: 'nobody' });
    expect(req.application).toEqual({ id: 'unknown-app' });
    expect(req.manager).toBeUndefined();
  });
});
