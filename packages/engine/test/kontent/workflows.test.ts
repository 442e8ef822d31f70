import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import {
  ARCHIVED,
  CONTRIBUTOR_KEY,
  DEFAULT_ID,
  DRAFT_STEP,
  expectError,
  type Kontent,
  makeItem,
  PUBLISHED,
  SCHEDULED,
  startKontent,
  variantPath,
  workflowBody,
} from './harness.js';

describe.each(testStores())('Kontent workflows on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db);
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  describe('auth', () => {
    it('answers 401 with error code 0 and a request id without a key or with a wrong one', async () => {
      expectError(await k.call('GET', '/workflows', undefined, { key: null }), 401, 0);
      expectError(await k.call('GET', '/workflows', undefined, { key: 'nope' }), 401, 0);
    });
    it('accepts the bearer scheme in any case (the JS SDK sends "bearer")', async () => {
      const r = await k.call('GET', '/workflows', undefined, {
        key: null,
        headers: { authorization: 'bearer test-management-key' },
      });
      expect(r.status).toBe(200);
    });
    it('answers 403 with error code 4 for a valid key used with another environment', async () => {
      expectError(
        await k.call('GET', '/workflows', undefined, { env: '0d6c4e1a-0000-4000-8000-000000000001' }),
        403,
        4,
      );
    });
    it('answers unknown routes with 404 in the Kontent envelope', async () => {
      expectError(await k.call('GET', '/nothing-here', undefined, { check: false }), 404, 0);
    });
  });

  describe('the default workflow', () => {
    it('exists from the start, first in the list, with Draft and the predefined steps', async () => {
      const r = await k.call('GET', '/workflows');
      expect(r.status).toBe(200);
      expect(r.body).toHaveLength(1);
      expect(r.body[0]).toMatchObject({
        id: DEFAULT_ID,
        codename: 'default',
        scopes: [],
        steps: [
          {
            id: DRAFT_STEP,
            codename: 'draft',
            transitions_to: [{ step: { id: PUBLISHED } }, { step: { id: ARCHIVED } }],
          },
        ],
        published_step: { id: PUBLISHED, codename: 'published' },
        scheduled_step: { id: SCHEDULED },
        archived_step: { id: ARCHIVED },
      });
    });
    it("can't be deleted (235), by ID or codename", async () => {
      expectError(await k.call('DELETE', `/workflows/${DEFAULT_ID}`), 400, 235);
      expectError(await k.call('DELETE', '/workflows/codename/default'), 400, 235);
      expect((await k.call('GET', '/workflows')).body).toHaveLength(1);
    });
    it('can be updated (its steps replaced while no variant is in them)', async () => {
      const r = await k.call('PUT', `/workflows/${DEFAULT_ID}`, workflowBody({ name: 'Default', codename: 'default' }));
      expect(r.status).toBe(200);
      expect(r.body.steps.map((s: { codename: string }) => s.codename)).toEqual(['writing', 'review']);
    });
    it('lists its steps in the deprecated format', async () => {
      const r = await k.call('GET', '/workflow');
      expect(r.status).toBe(200);
      expect(r.body.map((s: { codename: string }) => s.codename)).toEqual([
        'draft',
        'scheduled',
        'published',
        'archived',
      ]);
      expect(r.body[0].transitions_to).toEqual([PUBLISHED, ARCHIVED]);
      expect(r.body[1].transitions_to).toEqual([]);
    });
  });

  describe('add', () => {
    it('creates a workflow with steps referencing each other by codename', async () => {
      const r = await k.call('POST', '/workflows', workflowBody());
      expect(r.status).toBe(201);
      const [writing, review] = r.body.steps;
      expect(writing.transitions_to).toEqual([{ step: { id: review.id } }]);
      expect(review.transitions_to).toEqual([
        { step: { id: writing.id } },
        { step: { id: PUBLISHED } },
        { step: { id: ARCHIVED } },
      ]);
      expect((await k.call('GET', '/workflows')).body.map((w: { codename: string }) => w.codename)).toEqual([
        'default',
        'editorial',
      ]);
    });
    it('generates a codename from the name when omitted', async () => {
      const { codename: _c, ...body } = workflowBody({ name: 'My Big Workflow' });
      const r = await k.call('POST', '/workflows', body);
      expect(r.body.codename).toBe('my_big_workflow');
    });
    it('refuses schema violations with paths: name length, codename pattern, colours, missing scopes', async () => {
      const bad = workflowBody({ name: 'x'.repeat(201), codename: 'Bad-Codename' }) as any;
      bad.steps[0].color = 'purple';
      delete bad.scopes;
      const r = await k.call('POST', '/workflows', bad);
      expectError(r, 400, 5);
      const paths = r.body.validation_errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['name', 'codename', 'steps[0].color', 'scopes']));
      expect((await k.call('GET', '/workflows')).body).toHaveLength(1);
    });
    it('refuses a duplicate workflow codename', async () => {
      await k.call('POST', '/workflows', workflowBody());
      const r = await k.call('POST', '/workflows', workflowBody({ name: 'Other' }));
      expectError(r, 400, 5, 'codename');
    });
    it('refuses step codenames used in another workflow or reserved, and duplicates in the request', async () => {
      const body = workflowBody({ codename: 'w2' }) as any;
      body.steps[0].codename = 'draft';
      body.steps[0].transitions_to = [{ step: { codename: 'published' } }];
      body.steps[1].codename = 'published';
      const r = await k.call('POST', '/workflows', body);
      expectError(r, 400, 5, 'steps[0].codename');
      expect(r.body.validation_errors.map((e: { path: string }) => e.path)).toContain('steps[1].codename');
      const dup = workflowBody() as any;
      dup.steps[1].codename = 'writing';
      expectError(await k.call('POST', '/workflows', dup), 400, 5, 'steps[1].codename');
    });
    it('refuses transitions to unknown steps, to Scheduled, and duplicates', async () => {
      const body = workflowBody() as any;
      body.steps[0].transitions_to = [{ step: { codename: 'nowhere' } }, { step: { codename: 'review' } }];
      body.steps[1].transitions_to = [
        { step: { codename: 'scheduled' } },
        { step: { id: PUBLISHED } },
        { step: { codename: 'published' } },
      ];
      const r = await k.call('POST', '/workflows', body);
      expectError(r, 400, 5, 'steps[0].transitions_to[0].step.codename');
      const paths = r.body.validation_errors.map((e: { path: string }) => e.path);
      expect(paths).toContain('steps[1].transitions_to[0].step.codename');
      expect(paths).toContain('steps[1].transitions_to[2]');
    });
    it('refuses a step that never reaches Published', async () => {
      const body = workflowBody() as any;
      body.steps[1].transitions_to = [{ step: { codename: 'writing' } }, { step: { codename: 'archived' } }];
      const r = await k.call('POST', '/workflows', body);
      expectError(r, 400, 5, 'steps[0].transitions_to');
      expect(r.body.validation_errors.map((e: { path: string }) => e.path)).toContain('steps[1].transitions_to');
    });
    it('refuses unknown roles', async () => {
      const body = workflowBody({
        published_step: { unpublish_role_ids: ['0b7a2c1d-0000-4000-8000-000000000000'] },
      }) as any;
      body.steps[0].role_ids = ['0b7a2c1d-0000-4000-8000-000000000001'];
      const r = await k.call('POST', '/workflows', body);
      expectError(r, 400, 5, 'steps[0].role_ids[0]');
      expect(r.body.validation_errors.map((e: { path: string }) => e.path)).toContain(
        'published_step.unpublish_role_ids[0]',
      );
    });
    it('refuses scopes with missing types or collections, and scopes overlapping another workflow', async () => {
      const { typeId } = await makeItem(k);
      const missing = await k.call(
        'POST',
        '/workflows',
        workflowBody({ scopes: [{ content_types: [{ codename: 'nope' }], collections: [{ codename: 'nope' }] }] }),
      );
      expectError(missing, 400, 5, 'scopes[0].content_types[0]');
      expect(missing.body.validation_errors.map((e: { path: string }) => e.path)).toContain('scopes[0].collections[0]');
      expect(
        (await k.call('POST', '/workflows', workflowBody({ scopes: [{ content_types: [{ id: typeId }] }] }))).status,
      ).toBe(201);
      const overlap = workflowBody({
        codename: 'other',
        scopes: [{ content_types: [{ codename: 'article' }], collections: [] }],
      }) as any;
      overlap.steps = overlap.steps.map((s: any) => ({
        ...s,
        codename: `o_${s.codename}`,
        transitions_to: s.transitions_to.map((t: any) =>
          ['published', 'archived'].includes(t.step.codename) ? t : { step: { codename: `o_${t.step.codename}` } },
        ),
      }));
      expectError(await k.call('POST', '/workflows', overlap), 400, 5, 'scopes[0]');
      // A scope limited to a collection as well doesn't overlap a type-only scope.
      overlap.scopes = [{ content_types: [{ codename: 'article' }], collections: [{ codename: 'default' }] }];
      expect((await k.call('POST', '/workflows', overlap)).status).toBe(201);
    });
    it('refuses scopes on the default workflow', async () => {
      const r = await k.call('PUT', '/workflows/codename/default', {
        name: 'Default',
        scopes: [{ content_types: [], collections: [] }],
        steps: [
          {
            name: 'Draft',
            codename: 'draft',
            color: 'gray',
            transitions_to: [{ step: { codename: 'published' } }],
            role_ids: [],
          },
        ],
        published_step: {},
        archived_step: {},
      });
      expectError(r, 400, 5, 'scopes');
    });
  });

  describe('update and delete', () => {
    it('updates by codename, keeping a step identity by id while renaming its codename', async () => {
      const created = (await k.call('POST', '/workflows', workflowBody())).body;
      const body = workflowBody({ name: 'Renamed' }) as any;
      body.steps[0] = { ...body.steps[0], id: created.steps[0].id, codename: 'drafting' };
      body.steps[1].transitions_to[0] = { step: { codename: 'drafting' } };
      const r = await k.call('PUT', '/workflows/codename/editorial', body);
      expect(r.status).toBe(200);
      expect(r.body.name).toBe('Renamed');
      expect(r.body.steps[0]).toMatchObject({ id: created.steps[0].id, codename: 'drafting' });
      expect(r.body.steps[1].id).toBe(created.steps[1].id); // matched by codename
    });
    it('answers 404 (119) for an unknown workflow', async () => {
      expectError(await k.call('PUT', '/workflows/2c1a3b4d-0000-4000-8000-000000000000', workflowBody()), 404, 119);
      expectError(await k.call('DELETE', '/workflows/codename/nope'), 404, 119);
    });
    it('refuses to remove a step a variant is in, and the bad request changes nothing', async () => {
      const { itemId } = await makeItem(k);
      const wf = (
        await k.call('POST', '/workflows', workflowBody({ scopes: [{ content_types: [{ codename: 'article' }] }] }))
      ).body;
      expect((await k.call('PUT', variantPath(itemId), {})).body.workflow.step_identifier.id).toBe(wf.steps[0].id);
      const body = workflowBody({ name: 'Changed' }) as any;
      body.steps = [{ ...body.steps[1], transitions_to: [{ step: { codename: 'published' } }] }];
      expectError(await k.call('PUT', `/workflows/${wf.id}`, body), 400, 5, 'steps');
      const after = (await k.call('GET', '/workflows')).body.find((w: { id: string }) => w.id === wf.id);
      expect(after).toEqual(wf);
    });
    it('refuses to delete a workflow in use; deletes an unused one', async () => {
      const { itemId } = await makeItem(k);
      const wf = (
        await k.call('POST', '/workflows', workflowBody({ scopes: [{ content_types: [{ codename: 'article' }] }] }))
      ).body;
      await k.call('PUT', variantPath(itemId), {});
      expectError(await k.call('DELETE', `/workflows/${wf.id}`), 400, 5);
      await k.call('PUT', `${variantPath(itemId)}/change-workflow`, {
        workflow_identifier: { codename: 'default' },
        step_identifier: { codename: 'draft' },
      });
      expect((await k.call('DELETE', '/workflows/codename/editorial')).status).toBe(204);
      expectError(await k.call('DELETE', `/workflows/${wf.id}`), 404, 119);
    });
    it('lets a personal key without rights read but not change variants in a restricted step (403, 16)', async () => {
      const { itemId } = await makeItem(k);
      const body = workflowBody({ scopes: [{ content_types: [{ codename: 'article' }] }] }) as any;
      body.steps[0].role_ids = ['6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b']; // Reviewer only
      expect((await k.call('POST', '/workflows', body)).status).toBe(201);
      expect((await k.call('PUT', variantPath(itemId), {})).status).toBe(201);
      expect((await k.call('GET', variantPath(itemId), undefined, { key: CONTRIBUTOR_KEY })).status).toBe(200);
      expectError(
        await k.call(
          'PUT',
          `${variantPath(itemId)}/change-workflow`,
          { workflow_identifier: { codename: 'editorial' }, step_identifier: { codename: 'review' } },
          { key: CONTRIBUTOR_KEY },
        ),
        403,
        16,
      );
      const still = await k.call('GET', variantPath(itemId));
      expect(still.body.workflow.step_identifier.id).not.toBe(undefined);
    });
  });
});
