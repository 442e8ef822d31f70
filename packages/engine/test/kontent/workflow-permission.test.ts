import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { CONTRIBUTOR_KEY, expectError, type Kontent, PM_ROLE, startKontent, workflowBody } from './harness.js';

const PM_KEY = 'project-manager-personal-key';

describe.each(testStores())('Kontent workflow management permission on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db, {
      extra: {
        keys: [
          { key: CONTRIBUTOR_KEY, roleId: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' },
          { key: PM_KEY, roleId: PM_ROLE },
        ],
      },
    });
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  it('lets only Management API keys and the Project manager role add, update or delete workflows', async () => {
    // A step restricted to the contributor's own role does not let it manage the workflow.
    const restricted = workflowBody({
      steps: workflowBody().steps.map((s) => ({ ...s, role_ids: ['3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'] })),
    });
    expectError(await k.call('POST', '/workflows', restricted, { key: CONTRIBUTOR_KEY }), 403, 16);
    const created = await k.call('POST', '/workflows', restricted);
    expect(created.status).toBe(201);
    const open = workflowBody({ steps: workflowBody().steps.map((s) => ({ ...s, role_ids: [] })) });
    expectError(await k.call('PUT', `/workflows/${created.body.id}`, open, { key: CONTRIBUTOR_KEY }), 403, 16);
    expectError(await k.call('PUT', '/workflows/codename/editorial', open, { key: CONTRIBUTOR_KEY }), 403, 16);
    expectError(await k.call('DELETE', '/workflows/codename/editorial', undefined, { key: CONTRIBUTOR_KEY }), 403, 16);
    // Nothing changed.
    const stored = (await k.call('GET', '/workflows')).body.find((w: { id: string }) => w.id === created.body.id);
    expect(stored.steps[0].role_ids).toEqual(['3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f']);
    // Reading stays allowed; the Project manager may manage.
    expect((await k.call('GET', '/workflows', undefined, { key: CONTRIBUTOR_KEY })).status).toBe(200);
    expect((await k.call('PUT', '/workflows/codename/editorial', open, { key: PM_KEY })).status).toBe(200);
    expect((await k.call('DELETE', '/workflows/codename/editorial', undefined, { key: PM_KEY })).status).toBe(204);
  });

  it('refuses oversized workflow bodies at validation (maxItems), storing nothing', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      name: `S${i}`,
      codename: `s_${i}`,
      color: 'red',
      transitions_to: [{ step: { codename: 'published' } }],
      role_ids: [],
    }));
    const r = await k.call('POST', '/workflows', workflowBody({ steps: many }));
    expectError(r, 400, 5, 'steps');
    expect((await k.call('GET', '/workflows')).body).toHaveLength(1);
  });
});
