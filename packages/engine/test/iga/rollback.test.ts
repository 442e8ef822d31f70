/**
 * A workflow script's openidm calls join its command's transaction: a command that fails after an `openidm.create`
 * (here a script that creates a managed role, then throws) leaves no managed object behind, nor the request, nor an
 * outbox record — whether the failing script runs when the request is submitted or when it is approved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagedObjects } from '../../src/apis/idm/managed/objects.js';
import { managedSchema } from '../../src/apis/idm/managed/schema.js';
import { testStores } from '../../src/store/test-stores.js';
import { type IgaHarness, igaHarness } from './helpers.js';

const GOV = '/iga/governance/workflow';
const REQ = '/iga/governance/requests';

const createThenThrow = (
  roleId: string,
) => `var made = openidm.create('managed/alpha_role', '${roleId}', { name: '${roleId}' });
if (openidm.read('managed/alpha_role/' + made._id) === null) throw new Error('the create did not happen');
openidm.action('external/email', 'send', { to: 'ops@example.com', subject: 'ghost created' }, {});
throw new Error('failed after the create');`;

/** First step a script; with `approvalFirst`, an approval before it (the script then runs in the approve command). */
function failing(id: string, approvalFirst: boolean) {
  const script = {
    name: 'scriptTask-0000000000f1',
    displayName: 'Create, then fail',
    type: 'scriptTask',
    scriptTask: {
      nextStep: [{ condition: 'true', outcome: 'done', step: null }],
      language: 'javascript',
      script: createThenThrow(`ghost-${id}`),
    },
  };
  const approval = {
    name: 'approvalTask-0000000000f0',
    displayName: 'Approve',
    type: 'approvalTask',
    approvalTask: {
      nextStep: [
        { condition: null, outcome: 'APPROVE', step: script.name },
        { condition: null, outcome: 'REJECT', step: null },
      ],
      approvalMode: 'any',
      actors: [{ id: 'managed/user/iga-admin', permissions: { approve: true, reject: true } }],
    },
  };
  return {
    id,
    name: id,
    childType: false,
    steps: approvalFirst ? [approval, script] : [script],
    staticNodes: {
      startNode: { id: 'startNode', x: 0, y: 0, connections: { start: approvalFirst ? approval.name : script.name } },
      endNode: { id: 'endNode', x: 600, y: 0, connections: null },
      uiConfig: {},
    },
  };
}

describe.each(testStores())('IGA rolled-back commands on $name', (factory) => {
  let h: IgaHarness;
  let managed: ManagedObjects;
  beforeAll(async () => {
    h = await igaHarness(factory);
    managed = new ManagedObjects(managedSchema(), h.app.ids, h.app.clock);
    for (const [id, approvalFirst] of [
      ['failAtSubmit', false],
      ['failAtApproval', true],
    ] as const) {
      const created = await h.call('POST', `${GOV}?_action=create`, { body: failing(id, approvalFirst) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect((await h.call('POST', `${GOV}?_action=publish`, { body: { id } })).status).toBe(200);
      const t = await h.call('POST', '/iga/governance/requestTypes', {
        body: { id: `${id}Type`, displayName: id, workflow: { id } },
      });
      expect(t.status).toBe(201);
    }
  });
  afterAll(() => h.close());

  const ghost = (id: string) => managed.read(h.app.db(), 'role', `ghost-${id}`);
  const requests = async () => (await h.call('GET', `${REQ}?_queryFilter=true`)).body.totalCount as number;
  const outbox = async () => (await h.call('GET', '/iga/governance/outbox')).body.totalCount as number;

  it('a failure in the submitting command leaves no managed object, request or outbox record', async () => {
    const before = { requests: await requests(), outbox: await outbox() };
    const r = await h.call('POST', `${REQ}/failAtSubmitType?_action=publish`, { body: { common: {} } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body.code).toBe(r.status);
    // The error names the script's own line (the prelude shares its first line).
    expect(r.body.message).toContain('at line 4: Error: failed after the create');
    expect(await ghost('failAtSubmit')).toBeNull();
    expect({ requests: await requests(), outbox: await outbox() }).toEqual(before);
  });

  it('a failure in the approving command leaves the request as it was and no managed object', async () => {
    const r = await h.call('POST', `${REQ}/failAtApprovalType?_action=publish`, { body: { common: {} } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const before = await outbox();
    const a = await h.call('POST', `${REQ}/${r.body.id}?_action=approve`, { body: {} });
    expect(a.status).toBeGreaterThanOrEqual(400);
    expect(a.body.message).toContain('failed after the create');
    expect(await ghost('failAtApproval')).toBeNull();
    expect(await outbox()).toBe(before);
    const after = await h.call('GET', `${REQ}/${r.body.id}`);
    expect(after.body.decision).toMatchObject({ status: 'in-progress' });
    expect(after.body.decision.phases).toEqual([
      expect.objectContaining({ name: 'approvalTask-0000000000f0', status: 'in-progress' }),
    ]);
  });
});
