import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import {
  ARCHIVED,
  CONTRIBUTOR_KEY,
  DEFAULT_ID,
  DRAFT_STEP,
  ENV,
  expectError,
  type Kontent,
  makeItem,
  PUBLISHED,
  startKontent,
  variantPath,
  workflowBody,
} from './harness.js';

describe.each(testStores())('Kontent variants on $name', (factory) => {
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

  const editorial = async (scopes: unknown[] = [{ content_types: [{ codename: 'article' }] }]) =>
    (await k.call('POST', '/workflows', workflowBody({ scopes }))).body;
  const step = async (itemId: string) =>
    (await k.call('GET', variantPath(itemId))).body.workflow.step_identifier.id as string;
  const change = (itemId: string, workflow: string, stepCodename: string, key?: string) =>
    k.call(
      'PUT',
      `${variantPath(itemId)}/change-workflow`,
      { workflow_identifier: { codename: workflow }, step_identifier: { codename: stepCodename } },
      key ? { key } : {},
    );

  it('puts a new variant in the first step of the workflow whose scope matches its item, else the default workflow', async () => {
    const { itemId } = await makeItem(k);
    const other = await makeItem(k, { typeCodename: 'page' });
    const wf = await editorial();
    const created = await k.call('PUT', variantPath(itemId), {
      elements: [{ element: { codename: 'title' }, value: 'Hello' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.workflow).toEqual({
      workflow_identifier: { id: wf.id },
      step_identifier: { id: wf.steps[0].id },
    });
    expect(created.body.schedule).toEqual({
      publish_time: null,
      publish_display_timezone: null,
      unpublish_time: null,
      unpublish_display_timezone: null,
    });
    const dflt = await k.call('PUT', variantPath(other.itemId), {});
    expect(dflt.body.workflow).toEqual({
      workflow_identifier: { id: DEFAULT_ID },
      step_identifier: { id: DRAFT_STEP },
    });
  });

  it('prefers the most specific matching scope', async () => {
    await k.call('PATCH', '/collections', [{ op: 'addInto', value: { name: 'Marketing', codename: 'marketing' } }]);
    const { itemId } = await makeItem(k, { collection: 'marketing' });
    await editorial([{ content_types: [{ codename: 'article' }] }]);
    const body = workflowBody({
      codename: 'mkt',
      scopes: [{ content_types: [{ codename: 'article' }], collections: [{ codename: 'marketing' }] }],
    }) as any;
    body.steps = body.steps.map((s: any) => ({
      ...s,
      codename: `m_${s.codename}`,
      transitions_to: s.transitions_to.map((t: any) =>
        ['published', 'archived'].includes(t.step.codename) ? t : { step: { codename: `m_${t.step.codename}` } },
      ),
    }));
    const mkt = (await k.call('POST', '/workflows', body)).body;
    expect((await k.call('PUT', variantPath(itemId), {})).body.workflow.workflow_identifier.id).toBe(mkt.id);
  });

  it('updates element values (200) and refuses unknown elements and values of the wrong kind without changing anything', async () => {
    const { itemId } = await makeItem(k);
    await k.call('PUT', variantPath(itemId), { elements: [{ element: { codename: 'title' }, value: 'One' }] });
    const updated = await k.call('PUT', variantPath(itemId), {
      elements: [{ element: { codename: 'title' }, value: 'Two' }],
      note: 'n',
    });
    expect(updated.status).toBe(200);
    const bad = await k.call('PUT', variantPath(itemId), {
      elements: [
        { element: { codename: 'nope' }, value: 'x' },
        { element: { codename: 'title' }, value: 3 },
      ],
    });
    expectError(bad, 400, 5, 'elements[0].element');
    expect(bad.body.validation_errors.map((e: { path: string }) => e.path)).toContain('elements[1].value');
    const now = await k.call('GET', variantPath(itemId));
    expect(now.body.elements[0].value).toBe('Two');
    expect(now.body.note).toBe('n');
  });

  it('answers 404 with the right code for a missing item (100), language (111), variant (103), published version (122)', async () => {
    const { itemId } = await makeItem(k);
    expectError(await k.call('GET', variantPath('1a2b3c4d-0000-4000-8000-000000000000')), 404, 100);
    expectError(await k.call('GET', variantPath(itemId, '1a2b3c4d-0000-4000-8000-000000000000')), 404, 111);
    expectError(await k.call('GET', variantPath(itemId)), 404, 103);
    await k.call('PUT', variantPath(itemId), {});
    expectError(await k.call('GET', `${variantPath(itemId)}/published`), 404, 122);
    expectError(await k.call('GET', '/types/codename/nope'), 404, 105);
    expectError(await k.call('GET', '/roles/codename/nope'), 404, 116);
    expect((await k.call('GET', '/roles/codename/project-manager')).status).toBe(200);
  });

  it('addresses variants by item codename + language codename and by external ID', async () => {
    const type = await makeItem(k);
    const item = await k.call('POST', '/items', {
      name: 'Ext',
      codename: 'ext',
      external_id: 'ext-1',
      type: { id: type.typeId },
    });
    expect((await k.call('PUT', '/items/codename/ext/variants/codename/default', {})).status).toBe(201);
    const byExt = await k.call('GET', '/items/external-id/ext-1/variants/codename/default');
    expect(byExt.body.item.id).toBe(item.body.id);
    expect((await k.call('PUT', '/items/external-id/ext-1/variants/codename/default/publish')).status).toBe(204);
    expect((await k.call('GET', '/items/codename/ext/variants/codename/default/published')).status).toBe(200);
  });

  describe('change-workflow', () => {
    it('moves along a transition only', async () => {
      const { itemId } = await makeItem(k);
      const wf = await editorial();
      await k.call('PUT', variantPath(itemId), {});
      expect((await change(itemId, 'editorial', 'review')).status).toBe(204);
      expect(await step(itemId)).toBe(wf.steps[1].id);
      expect((await change(itemId, 'editorial', 'writing')).status).toBe(204);
      // Writing lists only Review; Writing → Writing is staying put, fine; a workflow without that transition refuses:
      const body = workflowBody({ name: 'Editorial' }) as any;
      body.steps[1].transitions_to = [{ step: { codename: 'published' } }];
      body.steps[0].transitions_to = [{ step: { codename: 'review' } }, { step: { codename: 'published' } }];
      await k.call('PUT', '/workflows/codename/editorial', body);
      await change(itemId, 'editorial', 'review');
      expectError(await change(itemId, 'editorial', 'writing'), 400, 5, 'step_identifier');
      expect(await step(itemId)).toBe(wf.steps[1].id);
    });
    it('refuses Published, Scheduled and Archived as targets (215)', async () => {
      const { itemId } = await makeItem(k);
      await k.call('PUT', variantPath(itemId), {});
      expectError(await change(itemId, 'default', 'published'), 400, 215);
      expectError(await change(itemId, 'default', 'archived'), 400, 215);
      expectError(await change(itemId, 'default', 'scheduled'), 400, 215);
      expect(await step(itemId)).toBe(DRAFT_STEP);
    });
    it('refuses unknown workflows and steps, and workflows whose scope excludes the item', async () => {
      const { itemId } = await makeItem(k, { typeCodename: 'page' });
      await makeItem(k);
      await editorial();
      await k.call('PUT', variantPath(itemId), {});
      expectError(await change(itemId, 'nope', 'draft'), 400, 5, 'workflow_identifier');
      expectError(await change(itemId, 'default', 'writing'), 400, 5, 'step_identifier');
      expectError(await change(itemId, 'editorial', 'writing'), 400, 5, 'workflow_identifier');
    });
    it('refuses a published variant (5) and a key whose role the step does not allow (403, 16)', async () => {
      const { itemId } = await makeItem(k);
      const body = workflowBody({ scopes: [{ content_types: [{ codename: 'article' }] }] }) as any;
      body.steps[1].role_ids = ['6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b'];
      await k.call('POST', '/workflows', body);
      await k.call('PUT', variantPath(itemId), {});
      expect((await change(itemId, 'editorial', 'review', CONTRIBUTOR_KEY)).status).toBe(204);
      expectError(await change(itemId, 'editorial', 'writing', CONTRIBUTOR_KEY), 403, 16);
      expectError(await k.call('PUT', `${variantPath(itemId)}/publish`, undefined, { key: CONTRIBUTOR_KEY }), 403, 16);
      expect((await k.call('PUT', `${variantPath(itemId)}/publish`)).status).toBe(204);
      expectError(await change(itemId, 'editorial', 'writing'), 400, 5);
    });
    it('supports the deprecated step endpoint within the default workflow', async () => {
      const { itemId } = await makeItem(k);
      await k.call('PUT', variantPath(itemId), {});
      expectError(await k.call('PUT', `${variantPath(itemId)}/workflow/${PUBLISHED}`), 400, 215);
      expectError(
        await k.call('PUT', '/items/codename/item/variants/codename/default/workflow/codename/nope'),
        400,
        5,
        'step_codename',
      );
      expect((await k.call('PUT', `${variantPath(itemId)}/workflow/${DRAFT_STEP}`)).status).toBe(204);
    });
  });

  describe('publish, unpublish, new version', () => {
    it('publishes only from a step that lists Published; the published version is readable; it cannot be updated', async () => {
      const { itemId } = await makeItem(k);
      await editorial();
      await k.call('PUT', variantPath(itemId), { elements: [{ element: { codename: 'title' }, value: 'v1' }] });
      expectError(await k.call('PUT', `${variantPath(itemId)}/publish`), 400, 5);
      await change(itemId, 'editorial', 'review');
      expect((await k.call('PUT', `${variantPath(itemId)}/publish`, {})).status).toBe(204);
      expect(await step(itemId)).toBe(PUBLISHED);
      const pub = await k.call('GET', `${variantPath(itemId)}/published`);
      expect(pub.body.elements[0].value).toBe('v1');
      expectError(await k.call('PUT', variantPath(itemId), { note: 'x' }), 400, 5);
    });
    it('refuses to publish a variant whose required element has no value', async () => {
      const { itemId } = await makeItem(k, { required: true });
      await k.call('PUT', variantPath(itemId), {});
      expectError(await k.call('PUT', `${variantPath(itemId)}/publish`), 400, 5, 'elements');
      expect(await step(itemId)).toBe(DRAFT_STEP);
    });
    it('creates a new version only of a published variant (214), keeping the published one', async () => {
      const { itemId } = await makeItem(k);
      await k.call('PUT', variantPath(itemId), { elements: [{ element: { codename: 'title' }, value: 'v1' }] });
      expectError(await k.call('PUT', `${variantPath(itemId)}/new-version`), 400, 214);
      await k.call('PUT', `${variantPath(itemId)}/publish`);
      expect((await k.call('PUT', `${variantPath(itemId)}/new-version`)).status).toBe(204);
      expect(await step(itemId)).toBe(DRAFT_STEP);
      expectError(await k.call('PUT', `${variantPath(itemId)}/new-version`), 400, 214);
      await k.call('PUT', variantPath(itemId), { elements: [{ element: { codename: 'title' }, value: 'v2' }] });
      expect((await k.call('GET', `${variantPath(itemId)}/published`)).body.elements[0].value).toBe('v1');
      await k.call('PUT', `${variantPath(itemId)}/publish`);
      expect((await k.call('GET', `${variantPath(itemId)}/published`)).body.elements[0].value).toBe('v2');
    });
    it('lets only the roles of the Published step unpublish or create new versions (403, 16)', async () => {
      const { itemId } = await makeItem(k);
      const reviewer = '6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b';
      await k.call(
        'POST',
        '/workflows',
        workflowBody({
          scopes: [{ content_types: [{ codename: 'article' }] }],
          published_step: { unpublish_role_ids: [reviewer], create_new_version_role_ids: [reviewer] },
        }),
      );
      await k.call('PUT', variantPath(itemId), {});
      await change(itemId, 'editorial', 'review');
      await k.call('PUT', `${variantPath(itemId)}/publish`);
      expectError(
        await k.call('PUT', `${variantPath(itemId)}/new-version`, undefined, { key: CONTRIBUTOR_KEY }),
        403,
        16,
      );
      expectError(
        await k.call('PUT', `${variantPath(itemId)}/unpublish-and-archive`, undefined, { key: CONTRIBUTOR_KEY }),
        403,
        16,
      );
      expectError(
        await k.call('PUT', `${variantPath(itemId)}/unpublish`, undefined, { key: CONTRIBUTOR_KEY }),
        403,
        16,
      );
      expect(await step(itemId)).toBe(PUBLISHED);
      expect(
        (await k.call('PUT', `${variantPath(itemId)}/new-version`, undefined, { key: 'reviewer-personal-key' })).status,
      ).toBe(204);
    });
    it('unpublishes (deprecated) to the first step, only when published (213)', async () => {
      const { itemId } = await makeItem(k);
      await k.call('PUT', variantPath(itemId), {});
      expectError(await k.call('PUT', `${variantPath(itemId)}/unpublish`), 400, 213);
      await k.call('PUT', `${variantPath(itemId)}/publish`);
      expect((await k.call('PUT', `${variantPath(itemId)}/unpublish`)).status).toBe(204);
      expect(await step(itemId)).toBe(DRAFT_STEP);
      expectError(await k.call('GET', `${variantPath(itemId)}/published`), 404, 122);
    });
    it('unpublishes and archives a published variant, archives a draft whose step lists Archived, else 213', async () => {
      const { itemId } = await makeItem(k);
      const other = await makeItem(k, { typeCodename: 'page' });
      await editorial();
      await k.call('PUT', variantPath(other.itemId), {});
      await k.call('PUT', `${variantPath(other.itemId)}/publish`);
      expect((await k.call('PUT', `${variantPath(other.itemId)}/unpublish-and-archive`)).status).toBe(204);
      expect(await step(other.itemId)).toBe(ARCHIVED);
      expectError(await k.call('GET', `${variantPath(other.itemId)}/published`), 404, 122);
      await k.call('PUT', variantPath(itemId), {});
      expectError(await k.call('PUT', `${variantPath(itemId)}/unpublish-and-archive`), 400, 213); // Writing has no Archived
      await change(itemId, 'editorial', 'review');
      expect((await k.call('PUT', `${variantPath(itemId)}/unpublish-and-archive`)).status).toBe(204);
      expect(await step(itemId)).toBe(ARCHIVED);
      // Restore: an archived variant may go to any custom step of its workflow.
      expect((await change(itemId, 'editorial', 'writing')).status).toBe(204);
    });
  });

  describe('content model', () => {
    it('pages languages with x-continuation and refuses a foreign token (1007)', async () => {
      await k.app.close();
      k = await startKontent(store.db, { extra: { pageSize: 2 } });
      for (const c of ['cs-CZ', 'de-DE', 'fr-FR'])
        expect((await k.call('POST', '/languages', { name: c, codename: c })).status).toBe(201);
      const first = await k.call('GET', '/languages');
      expect(first.body.languages).toHaveLength(2);
      expect(first.body.pagination.next_page).toBe(`http://localhost/v2/projects/${ENV}/languages`);
      const second = await k.call('GET', '/languages', undefined, {
        headers: { 'x-continuation': first.body.pagination.continuation_token },
      });
      expect(second.body.languages.map((l: { codename: string }) => l.codename)).toEqual(['de-DE', 'fr-FR']);
      expect(second.body.pagination).toEqual({ continuation_token: null, next_page: null });
      expectError(
        await k.call('GET', '/items', undefined, {
          headers: { 'x-continuation': first.body.pagination.continuation_token },
        }),
        400,
        1007,
      );
      expectError(
        await k.call('GET', '/languages', undefined, { headers: { 'x-continuation': 'garbage' } }),
        400,
        1007,
      );
    });
    it('adds and removes collections; a collection in use cannot be removed', async () => {
      const r = await k.call('PATCH', '/collections', [{ op: 'addInto', value: { name: 'Blog' } }]);
      expect(r.body.collections.map((c: { codename: string }) => c.codename)).toEqual(['default', 'blog']);
      await makeItem(k, { collection: 'blog' });
      expectError(await k.call('PATCH', '/collections', [{ op: 'remove', reference: { codename: 'blog' } }]), 400, 5);
      expect((await k.call('GET', '/collections')).body.collections).toHaveLength(2);
    });
    it('refuses to create a variant in an inactive language', async () => {
      const { itemId } = await makeItem(k);
      const lang = await k.call('POST', '/languages', { name: 'Old', codename: 'old', is_active: false });
      expectError(await k.call('PUT', variantPath(itemId, lang.body.id), {}), 400, 5);
    });
  });

  it('limits the request rate when configured: 429, Retry-After, error 10000', async () => {
    await k.app.close();
    k = await startKontent(store.db, { extra: { rateLimit: { perSecond: 2 } } });
    expect((await k.call('GET', '/workflows')).status).toBe(200);
    expect((await k.call('GET', '/workflows')).status).toBe(200);
    const limited = await k.call('GET', '/workflows');
    expectError(limited, 429, 10000);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    k.clock.advance(1000);
    expect((await k.call('GET', '/workflows')).status).toBe(200);
  });
});
