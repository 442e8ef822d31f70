/**
 * Email steps record their message in the outbox (nothing is sent), readable through GET /iga/governance/outbox; a
 * message that can't be sent takes the step's FAILED outcome and records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { type IgaHarness, igaHarness, seedIdentities } from './helpers.js';

const GOV = '/iga/governance/workflow';
const REQ = '/iga/governance/requests';
const OUTBOX = '/iga/governance/outbox';

const decide = (outcome: string, failure = false) =>
  `openidm.action('iga/governance/requests/' + execution.getVariables().get('id'), 'POST', ` +
  `{status: 'complete', decision: 'approved', outcome: '${outcome}'${failure ? ', failure: true' : ''}}, {_action: 'update'});`;

const notify = {
  id: 'notifyRequester',
  name: 'notifyRequester',
  displayName: 'Notify the user',
  description: 'An email step, then the decision',
  childType: false,
  steps: [
    {
      name: 'emailTask-0000000000e1',
      displayName: 'Tell the user',
      type: 'emailTask',
      emailTask: {
        nextStep: [
          { condition: null, outcome: 'SUCCESS', step: 'scriptTask-0000000000e2' },
          { condition: null, outcome: 'FAILED', step: 'scriptTask-0000000000e3' },
        ],
        to: { isExpression: true, value: 'requestIndex.user.mail' },
        cc: 'audit@example.com',
        bcc: '',
        object: { note: 'Your request was received', priority: 1 },
        templateName: 'requestSubmitted',
      },
    },
    {
      name: 'scriptTask-0000000000e2',
      displayName: 'Sent',
      type: 'scriptTask',
      scriptTask: {
        nextStep: [{ condition: 'true', outcome: 'done', step: null }],
        language: 'javascript',
        script: decide('notified'),
      },
    },
    {
      name: 'scriptTask-0000000000e3',
      displayName: 'Not sent',
      type: 'scriptTask',
      scriptTask: {
        nextStep: [{ condition: 'true', outcome: 'done', step: null }],
        language: 'javascript',
        script: decide('not notified', true),
      },
    },
  ],
  staticNodes: {
    startNode: { id: 'startNode', x: 0, y: 0, connections: { start: 'emailTask-0000000000e1' } },
    endNode: { id: 'endNode', x: 600, y: 0, connections: null },
    uiConfig: {},
  },
};

describe.each(testStores())('IGA outbox on $name', (factory) => {
  let h: IgaHarness;
  beforeAll(async () => {
    h = await igaHarness(factory);
    await seedIdentities(h, { users: ['emp'] });
    const created = await h.call('POST', `${GOV}?_action=create`, { body: notify });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'notifyRequester' } })).status).toBe(200);
    const t = await h.call('POST', '/iga/governance/requestTypes', {
      body: {
        id: 'notifyMe',
        displayName: 'Notify me',
        workflow: { id: 'notifyRequester' },
        schemas: { common: [{ properties: { userId: { type: 'text' } } }] },
      },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
  });
  afterAll(() => h.close());

  it("records an email step's message, expressions worked out over the request, and reads it back", async () => {
    expect((await h.call('GET', OUTBOX)).body).toMatchObject({ result: [], resultCount: 0, totalCount: 0 });
    const r = await h.call('POST', `${REQ}/notifyMe?_action=publish`, { body: { common: { userId: 'emp' } } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.decision).toMatchObject({ status: 'complete', outcome: 'notified' });
    const box = await h.call('GET', `${OUTBOX}?_queryFilter=${encodeURIComponent(`requestId eq "${r.body.id}"`)}`);
    expect(box.status).toBe(200);
    expect(box.body.totalCount).toBe(1);
    expect(box.body.result[0]).toMatchObject({
      requestId: r.body.id,
      instanceId: r.body.workflow.instanceId,
      step: 'emailTask-0000000000e1',
      templateName: 'requestSubmitted',
      to: ['emp@example.com'],
      cc: ['audit@example.com'],
      bcc: [],
      object: { note: 'Your request was received', priority: 1 },
      createdDate: '2025-03-01T10:00:00.000Z',
    });
  });

  it('a message with no recipient takes the FAILED outcome and records nothing', async () => {
    const before = (await h.call('GET', OUTBOX)).body.totalCount;
    const r = await h.call('POST', `${REQ}/notifyMe?_action=publish`, { body: { common: {} } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.decision).toMatchObject({ status: 'complete', outcome: 'not notified', failure: true });
    expect((await h.call('GET', OUTBOX)).body.totalCount).toBe(before);
    expect((await h.call('GET', `${OUTBOX}?_queryFilter=${encodeURIComponent('bad filter (')}`)).status).toBe(400);
  });
});
