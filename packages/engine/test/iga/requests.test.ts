import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { definition, grantsOf, type IgaHarness, igaHarness, seedIdentities } from './helpers.js';

const REQ = '/iga/governance/requests';
const GOV = '/iga/governance/workflow';
const BUILT_IN_APPROVAL = 'approvalTask-74cf85c35437';

/** Two approvals in sequence: a role's, then bob's; REJECT on either ends the request. */
function twoStep(id: string): any {
  const approval = (name: string, next: string | null, actor: string) => ({
    name,
    displayName: name,
    type: 'approvalTask',
    approvalTask: {
      nextStep: [
        { condition: null, outcome: 'APPROVE', step: next },
        { condition: null, outcome: 'REJECT', step: 'scriptTask-000000000009' },
      ],
      approvalMode: 'any',
      actors: [{ id: actor, permissions: { approve: true, reject: true, comment: true, reassign: true } }],
    },
  });
  return definition(id, {
    steps: [
      approval('approvalTask-000000000001', 'approvalTask-000000000002', 'managed/role/approvers'),
      approval('approvalTask-000000000002', 'scriptTask-000000000008', 'managed/user/bob'),
      {
        name: 'scriptTask-000000000008',
        displayName: 'Provision',
        type: 'scriptTask',
        scriptTask: {
          nextStep: [{ condition: 'true', outcome: 'done', step: null }],
          language: 'javascript',
          script:
            "var id = execution.getVariables().get('id');\nopenidm.action('iga/governance/requests/' + id, 'POST', {status: 'complete', decision: 'approved', outcome: 'provisioned'}, {_action: 'update'});",
        },
      },
      {
        name: 'scriptTask-000000000009',
        displayName: 'Reject',
        type: 'scriptTask',
        scriptTask: {
          nextStep: [{ condition: 'true', outcome: 'done', step: null }],
          language: 'javascript',
          script: 'logger.info("rejected");',
        },
      },
    ],
    staticNodes: {
      startNode: { id: 'startNode', x: 70, y: 140, connections: { start: 'approvalTask-000000000001' } },
      endNode: { id: 'endNode', x: 1000, y: 140, connections: null },
      uiConfig: {},
    },
  });
}

/** A wait until the request's start date, then a fulfillment step (FULFILL → end, DENY → end). */
function waitThenFulfil(id: string): any {
  return definition(id, {
    steps: [
      {
        name: 'waitTask-000000000001',
        displayName: 'Wait for the start date',
        type: 'waitTask',
        waitTask: {
          nextStep: [{ condition: 'true', outcome: 'COMPLETE', step: 'fulfillmentTask-000000000002' }],
          resumeDate: { isExpression: true, value: 'requestIndex.request.common.startDate' },
        },
      },
      {
        name: 'fulfillmentTask-000000000002',
        displayName: 'Fulfil',
        type: 'fulfillmentTask',
        fulfillmentTask: {
          nextStep: [
            { condition: null, outcome: 'FULFILL', step: null },
            { condition: null, outcome: 'DENY', step: null },
          ],
          actors: [{ id: 'managed/user/fred', permissions: { fulfill: true, deny: true, comment: true } }],
        },
      },
    ],
    staticNodes: {
      startNode: { id: 'startNode', x: 70, y: 140, connections: { start: 'waitTask-000000000001' } },
      endNode: { id: 'endNode', x: 1000, y: 140, connections: null },
      uiConfig: {},
    },
  });
}

describe.each(testStores())('IGA access requests on $name', (factory) => {
  let h: IgaHarness;
  beforeAll(async () => {
    h = await igaHarness(factory);
    // The built-in workflows validate the user and the catalog item against IDM, and provision onto them.
    await seedIdentities(h, {
      users: ['u-approve', 'u-cancel', 'u-dup', 'u-modify', 'u-reject', 'u-two', 'u-wait', 'u-wait2', 'u-wrong'].concat(
        ['u-m1', 'u-m2', 'u-later', 'u-exp', 'u-rm'],
      ),
      applications: ['app-1', 'app-2', 'app-3', 'app-4', 'app-5', 'app-m', 'app-rm'],
      roles: ['role-l', 'role-w'],
      entitlements: ['ent-1', 'ent-m', 'ent-x'].map((id) => ({ id, application: 'app-1' })),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const createOne = async (
    user: string,
    catalog: { type: string; id: string },
    extra: Record<string, unknown> = {},
  ) => {
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: [user], catalogs: [catalog], accessModifier: 'add', justification: 'needed', ...extra },
    });
    expect(r.status).toBe(201);
    expect(r.body.resultCount).toBe(1);
    return r.body.result[0];
  };
  const count = async () => (await h.call('GET', `${REQ}?_queryFilter=true`)).body.totalCount as number;

  it('creates a request of a built-in type: in progress at the approval phase; approve completes it', async () => {
    const req = await createOne('u-approve', { type: 'application', id: 'app-1' });
    expect(req).toMatchObject({
      requestType: 'applicationGrant',
      request: { common: { priority: 'low', justification: 'needed', isDraft: false } },
      user: { id: 'u-approve' },
      application: { id: 'app-1' },
      workflow: { id: 'BasicApplicationGrant' },
      decision: { status: 'in-progress', decision: null, outcome: null, completionDate: null },
    });
    expect(req.workflow.instanceId).toBeTruthy();
    expect(req.decision.phases).toEqual([
      expect.objectContaining({ name: BUILT_IN_APPROVAL, status: 'in-progress', type: 'request', decision: null }),
    ]);
    const read = await h.call('GET', `${REQ}/${req.id}?expandPaths=request`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(req);

    const a = await h.call('POST', `${REQ}/${req.id}?_action=approve&phaseName=${BUILT_IN_APPROVAL}`, {
      body: { justification: 'ok by me' },
    });
    expect(a.status).toBe(200);
    expect(a.body.decision).toMatchObject({ status: 'complete', decision: 'approved', outcome: 'provisioned' });
    expect(a.body.decision.completionDate).toBeTruthy();
    expect(a.body.decision.phases[0]).toMatchObject({ status: 'complete', decision: 'approved' });
    expect(a.body.decision.comments).toEqual([
      expect.objectContaining({ action: 'approve', comment: 'ok by me', phase: BUILT_IN_APPROVAL }),
    ]);
    expect((await h.call('GET', `${REQ}/${req.id}`)).body).toEqual(a.body);
    // Provisioned for real: the application is on the user's managed object.
    expect(await grantsOf(h, 'u-approve', 'applications')).toContain('app-1');
    // No longer in progress: 409.
    const again = await h.call('POST', `${REQ}/${req.id}?_action=approve`, { body: {} });
    expect(again.status).toBe(409);
  });

  it('rejects: the built-in workflow ends the request rejected / denied', async () => {
    const req = await createOne('u-reject', { type: 'application', id: 'app-1' });
    const r = await h.call('POST', `${REQ}/${req.id}?_action=reject`, { body: { justification: 'no' } });
    expect(r.status).toBe(200);
    expect(r.body.decision).toMatchObject({ status: 'complete', decision: 'rejected', outcome: 'denied' });
    expect(r.body.decision.phases[0]).toMatchObject({ status: 'complete', decision: 'rejected' });
  });

  it('refuses fulfill on an approval phase and an unknown phase (409)', async () => {
    const req = await createOne('u-wrong', { type: 'application', id: 'app-1' });
    expect((await h.call('POST', `${REQ}/${req.id}?_action=fulfill`, { body: {} })).status).toBe(409);
    expect((await h.call('POST', `${REQ}/${req.id}?_action=approve&phaseName=nope`, { body: {} })).status).toBe(409);
    expect((await h.call('GET', `${REQ}/${req.id}`)).body.decision.status).toBe('in-progress');
  });

  it('runs a custom published workflow with two approval steps in sequence', async () => {
    await h.call('POST', `${GOV}?_action=create`, { body: twoStep('twoStep') });
    expect((await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'twoStep' } })).status).toBe(200);
    const bind = await h.call('PATCH', '/iga/governance/requestTypes/entitlementGrant?_useLowLevelApi=true', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'twoStep' }],
    });
    expect(bind.status).toBe(200);

    const req = await createOne('u-two', { type: 'entitlement', id: 'ent-1' });
    expect(req).toMatchObject({ requestType: 'entitlementGrant', workflow: { id: 'twoStep' } });
    expect(req.decision.phases.map((p: any) => [p.name, p.status])).toEqual([
      ['approvalTask-000000000001', 'in-progress'],
    ]);
    expect(req.decision.actors.active).toEqual([
      expect.objectContaining({ id: 'managed/role/approvers', phase: 'approvalTask-000000000001' }),
    ]);

    // The forced delete is refused while the request runs the definition (after unbinding it).
    await h.call('PATCH', '/iga/governance/requestTypes/entitlementGrant', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'BasicEntitlementGrant' }],
    });
    const del = await h.call('DELETE', `${GOV}/twoStep/published?force=true`);
    expect(del.status).toBe(409);
    expect(del.body.message).toContain('1 in-progress requests');
    const q = encodeURIComponent('workflow.id eq "twoStep" and decision.status eq "in-progress"');
    const running = await h.call('GET', `${REQ}?_queryFilter=${q}&_fields=id`);
    expect(running.body).toMatchObject({ result: [{ id: req.id }], totalCount: 1, resultCount: 1 });

    const first = await h.call('POST', `${REQ}/${req.id}?_action=approve`, { body: {} });
    expect(first.status).toBe(200);
    expect(first.body.decision.status).toBe('in-progress');
    expect(first.body.decision.phases.map((p: any) => [p.name, p.status, p.decision])).toEqual([
      ['approvalTask-000000000001', 'complete', 'approved'],
      ['approvalTask-000000000002', 'in-progress', null],
    ]);
    expect(first.body.decision.actors.active).toEqual([
      expect.objectContaining({ id: 'managed/user/bob', phase: 'approvalTask-000000000002' }),
    ]);
    // bob's work list has it.
    const tasks = await h.call('POST', '/iga/governance/user/bob/tasks?_action=search', { body: {} });
    expect(tasks.body.result.map((r: any) => r.id)).toEqual([req.id]);

    const second = await h.call('POST', `${REQ}/${req.id}?_action=approve&phaseName=approvalTask-000000000002`, {
      body: {},
    });
    expect(second.body.decision).toMatchObject({ status: 'complete', decision: 'approved', outcome: 'provisioned' });
    expect((await h.call('POST', '/iga/governance/user/bob/tasks?_action=search', { body: {} })).body.totalCount).toBe(
      0,
    );
    expect((await h.call('DELETE', `${GOV}/twoStep/published?force=true`)).status).toBe(200);
  });

  it('comments and cancels', async () => {
    const req = await createOne('u-cancel', { type: 'application', id: 'app-5' });
    const c = await h.call('POST', `${REQ}/${req.id}?_action=comment`, { body: { comment: 'please hurry' } });
    expect(c.status).toBe(200);
    expect(c.body.decision.comments).toEqual([
      expect.objectContaining({ action: 'comment', comment: 'please hurry', user: expect.objectContaining({}) }),
    ]);
    const x = await h.call('POST', `${REQ}/${req.id}?_action=cancel`, { body: { comment: 'not needed' } });
    expect(x.status).toBe(200);
    expect(x.body.decision).toMatchObject({ status: 'cancelled', outcome: 'cancelled' });
    expect(x.body.decision.phases[0]).toMatchObject({ status: 'complete', decision: 'cancelled' });
    expect(x.body.decision.comments.map((k: any) => k.action)).toEqual(['comment', 'cancel']);
    const instance = await h.app.db().query('SELECT 1 FROM wf_instance WHERE id = $1', [req.workflow.instanceId]);
    expect(instance.rowCount).toBe(0);
    expect((await h.call('POST', `${REQ}/${req.id}?_action=reject`, { body: {} })).status).toBe(409);
  });

  it('reassigns and modifies an in-progress request', async () => {
    const req = await createOne('u-modify', { type: 'application', id: 'app-2' });
    const r = await h.call('POST', `${REQ}/${req.id}?_action=reassign`, {
      body: { updatedActors: [{ id: ['managed/user/carol'], permissions: { approve: true, reject: true } }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.decision.actors.active).toEqual([
      expect.objectContaining({ id: 'managed/user/carol', phase: BUILT_IN_APPROVAL }),
    ]);
    const m = await h.call('POST', `${REQ}/${req.id}?_action=modify`, {
      body: { request: { common: { priority: 'high' } }, comment: 'urgent' },
    });
    expect(m.status).toBe(200);
    expect(m.body.request.common).toMatchObject({ priority: 'high', justification: 'needed' });
    const bad = await h.call('POST', `${REQ}/${req.id}?_action=reassign`, { body: { updatedActors: [] } });
    expect(bad.status).toBe(400);
  });

  it('validates: schema errors as 400 in IGA shape and nothing stored; pending duplicates reported', async () => {
    const before = await count();
    const missing = await h.call('POST', `${REQ}?_action=create`, {
      body: { catalogs: [{ type: 'application', id: 'a' }], accessModifier: 'add' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 400, reason: 'Bad Request' });
    expect(missing.body.errors.length).toBeGreaterThan(0);
    const badType = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: ['x'], catalogs: [{ type: 'group', id: 'a' }], accessModifier: 'add' },
    });
    expect(badType.status).toBe(400);
    expect(await count()).toBe(before);

    const pending = await createOne('u-dup', { type: 'application', id: 'app-3' });
    const v = await h.call('POST', `${REQ}?_action=validate`, {
      body: {
        users: ['u-dup'],
        catalogs: [
          { type: 'application', id: 'app-3' },
          { type: 'application', id: 'app-4' },
        ],
        accessModifier: 'add',
      },
    });
    expect(v.status).toBe(200);
    expect(v.body.errors).toEqual([expect.objectContaining({ userId: 'u-dup', catalogId: 'app-3' })]);
    // All pairs or none: the duplicate refuses the whole create.
    const n = await count();
    const dup = await h.call('POST', `${REQ}?_action=create`, {
      body: {
        users: ['u-dup'],
        catalogs: [
          { type: 'application', id: 'app-4' },
          { type: 'application', id: 'app-3' },
        ],
        accessModifier: 'add',
      },
    });
    expect(dup.status).toBe(409);
    expect(await count()).toBe(n);
    expect(pending.decision.status).toBe('in-progress');
  });

  it('creates one request per user × catalog item and finds them by search', async () => {
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: {
        users: ['u-m1', 'u-m2'],
        catalogs: [
          { type: 'application', id: 'app-m' },
          { type: 'entitlement', id: 'ent-m' },
        ],
        accessModifier: 'add',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.resultCount).toBe(4);
    const s = await h.call('POST', `${REQ}/search?_action=search`, {
      body: {
        targetFilter: {
          operator: 'AND',
          operand: [
            { operator: 'EQUALS', operand: { targetName: 'user.id', targetValue: 'u-m1' } },
            { operator: 'EQUALS', operand: { targetName: 'requestType', targetValue: 'entitlementGrant' } },
          ],
        },
      },
    });
    expect(s.status).toBe(200);
    expect(s.body.totalCount).toBe(1);
    expect(s.body.result[0]).toMatchObject({ user: { id: 'u-m1' }, entitlement: { id: 'ent-m' } });
    const mine = await h.call('POST', '/iga/governance/user/u-m2/requests?_action=search', {
      body: {
        targetFilter: { operator: 'EQUALS', operand: { targetName: 'decision.status', targetValue: 'in-progress' } },
      },
    });
    // Both wait for approval: each built-in validates its own catalog type (migration 092).
    expect(mine.body.result.map((x: any) => x.requestType).sort()).toEqual(['applicationGrant', 'entitlementGrant']);
    const all = await h.call('POST', '/iga/governance/user/u-m2/requests?_action=search', { body: {} });
    expect(all.body.totalCount).toBe(2);
  });

  it('suspends at a wait step until its timer fires, then fulfils or denies at a fulfillment step', async () => {
    await h.call('POST', `${GOV}?_action=create`, { body: waitThenFulfil('waitFulfil') });
    expect((await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'waitFulfil' } })).status).toBe(200);
    await h.call('PATCH', '/iga/governance/requestTypes/roleGrant', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'waitFulfil' }],
    });
    const a = await createOne('u-wait', { type: 'role', id: 'role-w' }, { startDate: '2025-02-01T00:00:00.000Z' });
    const b = await createOne('u-wait2', { type: 'role', id: 'role-w' }, { startDate: '2025-02-01T00:00:00.000Z' });
    expect(a.decision.status).toBe('suspended');
    expect(a.decision.phases).toEqual([
      expect.objectContaining({
        name: 'waitTask-000000000001',
        status: 'in-progress',
        resumeDate: '2025-02-01T00:00:00.000Z',
      }),
    ]);
    await h.app.runDueJobs();
    const r = await h.call('GET', `${REQ}/${a.id}`);
    expect(r.body.decision.status).toBe('in-progress');
    expect(r.body.decision.phases.map((p: any) => [p.name, p.status])).toEqual([
      ['waitTask-000000000001', 'complete'],
      ['fulfillmentTask-000000000002', 'in-progress'],
    ]);
    expect(r.body.decision.actors.active).toEqual([
      expect.objectContaining({ id: 'managed/user/fred', permissions: expect.objectContaining({ fulfill: true }) }),
    ]);
    expect((await h.call('POST', `${REQ}/${a.id}?_action=approve`, { body: {} })).status).toBe(409);
    const f = await h.call('POST', `${REQ}/${a.id}?_action=fulfill`, { body: {} });
    expect(f.status).toBe(200);
    expect(f.body.decision.status).toBe('complete');
    expect(f.body.decision.phases[1]).toMatchObject({ status: 'complete', decision: 'fulfilled' });
    const d = await h.call('POST', `${REQ}/${b.id}?_action=deny`, { body: { comment: 'no stock' } });
    expect(d.status).toBe(200);
    expect(d.body.decision.status).toBe('complete');
    expect(d.body.decision.phases[1]).toMatchObject({ status: 'complete', decision: 'denied' });
    await h.call('PATCH', '/iga/governance/requestTypes/roleGrant', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'BasicRoleGrant' }],
    });
  });

  it('moves the resume date of a wait phase (changeResumeDate)', async () => {
    await h.call('PATCH', '/iga/governance/requestTypes/roleRemove', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'waitFulfil' }],
    });
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: {
        users: ['u-later'],
        catalogs: [{ type: 'role', id: 'role-l' }],
        accessModifier: 'remove',
        startDate: '2025-06-01T00:00:00.000Z',
      },
    });
    const id = r.body.result[0].id;
    expect(r.body.result[0].decision.status).toBe('suspended');
    await h.app.runDueJobs();
    expect((await h.call('GET', `${REQ}/${id}`)).body.decision.status).toBe('suspended');
    expect((await h.call('POST', `${REQ}/${id}?_action=approve`, { body: {} })).status).toBe(409);
    const m = await h.call('POST', `${REQ}/${id}?_action=changeResumeDate`, {
      body: { resumeDate: '2025-02-15T00:00:00.000Z', comment: 'sooner' },
    });
    expect(m.status).toBe(200);
    expect(m.body.decision.phases[0]).toMatchObject({
      name: 'waitTask-000000000001',
      resumeDate: '2025-02-15T00:00:00.000Z',
    });
    expect(m.body.decision.comments).toEqual([
      expect.objectContaining({ action: 'changeResumeDate', comment: 'sooner' }),
    ]);
    await h.app.runDueJobs();
    const after = await h.call('GET', `${REQ}/${id}`);
    expect(after.body.decision.status).toBe('in-progress');
    expect(after.body.decision.phases.map((p: any) => p.name)).toEqual([
      'waitTask-000000000001',
      'fulfillmentTask-000000000002',
    ]);
    expect(
      (
        await h.call('POST', `${REQ}/${id}?_action=changeResumeDate`, {
          body: { resumeDate: '2025-02-16T00:00:00.000Z' },
        })
      ).status,
    ).toBe(409);
    await h.call('PATCH', '/iga/governance/requestTypes/roleRemove', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'BasicRoleRemove' }],
    });
  });

  it('expires an approval phase when its expiration date passes', async () => {
    const def = definition('expiring');
    def.steps[2].approvalTask.events.expiration.date.value = 'requestIndex.request.common.startDate';
    await h.call('POST', `${GOV}?_action=create`, { body: def });
    expect((await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'expiring' } })).status).toBe(200);
    await h.call('PATCH', '/iga/governance/requestTypes/entitlementRemove', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'expiring' }],
    });
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: {
        users: ['u-exp'],
        catalogs: [{ type: 'entitlement', id: 'ent-x' }],
        accessModifier: 'remove',
        startDate: '2025-02-20T00:00:00.000Z',
      },
    });
    const req = r.body.result[0];
    expect(req.decision).toMatchObject({ status: 'in-progress', deadline: '2025-02-20T00:00:00.000Z' });
    expect(req.decision.actors.active).toEqual([expect.objectContaining({ id: 'managed/role/approvers' })]);
    await h.app.runDueJobs();
    const after = await h.call('GET', `${REQ}/${req.id}`);
    expect(after.body.decision).toMatchObject({ status: 'complete', deadline: null });
    expect(after.body.decision.phases).toEqual([
      expect.objectContaining({ name: 'approvalTask-000000000003', status: 'complete', decision: 'expired' }),
    ]);
    await h.call('PATCH', '/iga/governance/requestTypes/entitlementRemove', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'BasicEntitlementRemove' }],
    });
  });

  it('rejects at the first of two approval steps: the second never starts', async () => {
    await h.call('POST', `${GOV}?_action=create`, { body: twoStep('twoStepR') });
    await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'twoStepR' } });
    await h.call('PATCH', '/iga/governance/requestTypes/applicationRemove', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'twoStepR' }],
    });
    const r = await h.call('POST', `${REQ}?_action=create`, {
      body: { users: ['u-rm'], catalogs: [{ type: 'application', id: 'app-rm' }], accessModifier: 'remove' },
    });
    expect(r.body.result[0]).toMatchObject({ requestType: 'applicationRemove', workflow: { id: 'twoStepR' } });
    const x = await h.call('POST', `${REQ}/${r.body.result[0].id}?_action=reject`, { body: {} });
    expect(x.body.decision).toMatchObject({ status: 'complete', decision: 'rejected', outcome: null });
    expect(x.body.decision.phases.map((p: any) => p.name)).toEqual(['approvalTask-000000000001']);
    await h.call('PATCH', '/iga/governance/requestTypes/applicationRemove', {
      body: [{ operation: 'replace', field: '/workflow/id', value: 'BasicApplicationRemove' }],
    });
  });

  it('answers 404 for an unknown request', async () => {
    expect((await h.call('GET', `${REQ}/nope`)).status).toBe(404);
    expect((await h.call('POST', `${REQ}/nope?_action=comment`, { body: { comment: 'x' } })).status).toBe(404);
  });
});
