/**
 * BasicViolationProcess: a violation of a user (the grants in conflict) goes before the user's manager in a violation
 * phase; `remediate` removes the grants (REMEDIATE), `allow` / `exception` keep them (ALLOW), and an unanswered phase
 * expires (EXPIRATION) without changing them. The violation runs as a request of a custom type bound to the workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import type { TestClock } from '../../src/runtime/clock.js';
import { testStores } from '../../src/store/test-stores.js';
import { grantsOf, type IgaHarness, igaHarness, seedIdentities } from './helpers.js';

const REQ = '/iga/governance/requests';
const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe.each(testStores())('IGA violation handling on $name', (factory) => {
  let h: IgaHarness;
  beforeAll(async () => {
    h = await igaHarness(factory, parseConfig({ WFKIT_IGA_USERS: 'tok-boss:boss,tok-eve:eve' }));
    await seedIdentities(h, {
      users: ['boss', 'eve', { id: 'emp', manager: 'boss' }],
      applications: ['payroll'],
      roles: ['auditors', 'payers'],
    });
    const type = await h.call('POST', '/iga/governance/requestTypes', {
      body: {
        id: 'sodViolation',
        displayName: 'SoD violation',
        workflow: { id: 'BasicViolationProcess' },
        schemas: {
          common: [
            {
              _meta: { type: 'system', properties: { userId: { isRequired: true }, violation: { isRequired: true } } },
              properties: { userId: { type: 'text' }, violation: { type: 'object' }, justification: { type: 'text' } },
            },
          ],
        },
      },
    });
    expect(type.status, JSON.stringify(type.body)).toBe(201);
  });
  afterAll(() => h.close());

  /** Gives emp both roles (admin-approved grants), then raises the violation. */
  const violation = async () => {
    for (const role of ['auditors', 'payers']) {
      if ((await grantsOf(h, 'emp', 'roles')).includes(role)) continue;
      const g = await h.call('POST', `${REQ}?_action=create`, {
        body: { users: ['emp'], catalogs: [{ type: 'role', id: role }], accessModifier: 'add' },
      });
      await h.call('POST', `${REQ}/${g.body.result[0].id}?_action=approve`, { body: {} });
    }
    expect((await grantsOf(h, 'emp', 'roles')).sort()).toEqual(['auditors', 'payers']);
    const r = await h.call('POST', `${REQ}/sodViolation?_action=publish`, {
      body: {
        common: {
          userId: 'emp',
          violation: { rule: 'auditors-vs-payers', grants: [{ type: 'role', id: 'payers' }] },
        },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  it("is the manager's to decide: remediate removes the grants in conflict", async () => {
    const v = await violation();
    expect(v.workflow.id).toBe('BasicViolationProcess');
    expect(v.decision.phases).toEqual([
      expect.objectContaining({ name: 'violationTask-b1b2c3d40003', status: 'in-progress' }),
    ]);
    expect(v.decision.actors.active).toEqual([
      expect.objectContaining({
        id: 'managed/user/boss',
        permissions: expect.objectContaining({ remediate: true, allow: true, exception: true, approve: false }),
      }),
    ]);
    // Not an approval phase; not an actor.
    expect((await h.call('POST', `${REQ}/${v.id}?_action=approve`, { body: {} })).status).toBe(409);
    const eve = await h.call('POST', `${REQ}/${v.id}?_action=remediate`, { body: {}, ...as('tok-eve') });
    expect(eve.status).toBe(403);
    expect(eve.body.code).toBe(403);
    const done = await h.call('POST', `${REQ}/${v.id}?_action=remediate`, {
      body: { comment: 'one of them must go' },
      ...as('tok-boss'),
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.decision).toMatchObject({ status: 'complete', outcome: 'remediated' });
    expect(done.body.decision.phases[0]).toMatchObject({ status: 'complete', decision: 'remediated' });
    expect(await grantsOf(h, 'emp', 'roles')).toEqual(['auditors']);
  });

  it('allow and exception keep the grants, the exception with its end date', async () => {
    const a = await violation();
    const allowed = await h.call('POST', `${REQ}/${a.id}?_action=allow`, { body: {}, ...as('tok-boss') });
    expect(allowed.body.decision).toMatchObject({ status: 'complete', outcome: 'exception allowed' });
    expect((await grantsOf(h, 'emp', 'roles')).sort()).toEqual(['auditors', 'payers']);

    const e = await violation();
    expect(
      (await h.call('POST', `${REQ}/${e.id}?_action=exception`, { body: { exceptionExpirationDate: 'soon' } })).status,
    ).toBe(400);
    const ex = await h.call('POST', `${REQ}/${e.id}?_action=exception`, {
      body: { exceptionExpirationDate: '2025-09-30T00:00:00.000Z', comment: 'until the audit' },
      ...as('tok-boss'),
    });
    expect(ex.body.decision.outcome).toBe('exception allowed');
    expect(JSON.stringify(ex.body.decision.comments)).toContain('Exception allowed until 2025-09-30T00:00:00.000Z');
    expect((await grantsOf(h, 'emp', 'roles')).sort()).toEqual(['auditors', 'payers']);
  });

  it('expires after 14 days without a decision, grants unchanged', async () => {
    const v = await violation();
    (h.app.clock as TestClock).advance(15 * 864e5);
    await h.app.runDueJobs();
    const r = await h.call('GET', `${REQ}/${v.id}`);
    expect(r.body.decision).toMatchObject({ status: 'complete', decision: 'rejected', outcome: 'expired' });
    expect(r.body.decision.phases[0]).toMatchObject({ status: 'complete', decision: 'expired' });
    expect((await grantsOf(h, 'emp', 'roles')).sort()).toEqual(['auditors', 'payers']);
  });

  it('rejects a violation that names no grants, and one missing its required properties (400)', async () => {
    const r = await h.call('POST', `${REQ}/sodViolation?_action=publish`, {
      body: { common: { userId: 'emp', violation: { grants: [] } } },
    });
    expect(r.body.decision.outcome).toBe('denied');
    expect(JSON.stringify(r.body.decision.comments)).toContain('names no grants');
    const bad = await h.call('POST', `${REQ}/sodViolation?_action=publish`, { body: { common: { userId: 'emp' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: '/common/violation', message: 'is required' })]);
  });
});
