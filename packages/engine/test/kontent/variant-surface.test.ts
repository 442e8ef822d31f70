import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/runtime/clock.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { DEFAULT_ID, DRAFT_STEP, expectError, type Kontent, makeItem, startKontent, variantPath } from './harness.js';

const T0 = '2030-01-01T00:00:00.000Z';

describe.each(testStores())('Kontent variant surface on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  let itemId: string;
  let esId: string;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db, { clock: new TestClock(T0), extra: { pageSize: 2 } });
    ({ itemId } = await makeItem(k, { itemCodename: 'home' }));
    await k.call('PUT', `/items/${itemId}`, { name: 'Home', codename: 'home' });
    const lang = await k.call('POST', '/languages', { name: 'Spanish', codename: 'es-ES' });
    esId = lang.body.id;
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  it('addresses a variant by every identifier combination Kontent accepts', async () => {
    const item = (await k.call('GET', `/items/${itemId}`)).body;
    const ext = await k.call('POST', '/items', {
      name: 'Imported',
      external_id: 'imp-1',
      type: { codename: 'article' },
    });
    expect(ext.status).toBe(201);
    // Create through mixed forms: item id + language codename, external id + language id.
    const a = await k.call('PUT', `/items/${itemId}/variants/codename/es-ES`, {
      elements: [{ element: { codename: 'title' }, value: 'Hola' }],
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.language.id).toBe(esId);
    const b = await k.call('PUT', `/items/external-id/imp-1/variants/${DEFAULT_ID}`, {
      elements: [{ element: { codename: 'title' }, value: 'Imported' }],
    });
    expect(b.status).toBe(201);
    expect(b.body.item.id).toBe(ext.body.id);
    const paths = [
      `/items/${itemId}/variants/${esId}`,
      `/items/codename/${item.codename}/variants/codename/es-ES`,
      `/items/${itemId}/variants/codename/es-ES`,
      `/items/codename/${item.codename}/variants/${esId}`,
    ];
    for (const p of paths) {
      const r = await k.call('GET', p);
      expect(r.status, p).toBe(200);
      expect(r.body.elements[0].value).toBe('Hola');
    }
    for (const p of [
      `/items/external-id/imp-1/variants/${DEFAULT_ID}`,
      '/items/external-id/imp-1/variants/codename/default',
    ]) {
      expect((await k.call('GET', p)).body.elements[0].value, p).toBe('Imported');
    }
    // Commands too: change-workflow by item codename + language id, publish by item id + language codename.
    const moved = await k.call('PUT', `/items/codename/home/variants/${esId}/change-workflow`, {
      workflow_identifier: { codename: 'default' },
      step_identifier: { codename: 'draft' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(204);
    expect((await k.call('PUT', `/items/${itemId}/variants/codename/es-ES/publish`)).status).toBe(204);
    expect((await k.call('GET', `/items/external-id/imp-1/variants/${DEFAULT_ID}/published`)).status).toBe(404);
    expect((await k.call('GET', `/items/codename/home/variants/${esId}/published`)).body.elements[0].value).toBe(
      'Hola',
    );
    // Unknown parts: 100 for the item, 111 for the language, 103 for a missing variant.
    expectError(await k.call('GET', `/items/codename/nope/variants/${esId}`), 404, 100);
    expectError(await k.call('GET', `/items/${itemId}/variants/codename/de-DE`), 404, 111);
    expectError(await k.call('GET', `/items/external-id/imp-1/variants/${esId}`), 404, 103);
  });

  it('deletes a variant, but not while it is published or scheduled', async () => {
    await k.call('PUT', variantPath(itemId), { elements: [{ element: { codename: 'title' }, value: 'x' }] });
    await k.call('PUT', `${variantPath(itemId)}/publish`);
    expectError(await k.call('DELETE', variantPath(itemId)), 400, 5);
    await k.call('PUT', `${variantPath(itemId)}/new-version`);
    expectError(await k.call('DELETE', '/items/codename/home/variants/codename/default'), 400, 5);
    await k.call('PUT', `${variantPath(itemId)}/unpublish-and-archive`);
    await k.call('PUT', `${variantPath(itemId)}/change-workflow`, {
      workflow_identifier: { id: DEFAULT_ID },
      step_identifier: { id: DRAFT_STEP },
    });
    await k.call('PUT', `${variantPath(itemId)}/publish`, { scheduled_to: '2030-02-01T00:00:00Z' });
    expectError(await k.call('DELETE', variantPath(itemId)), 400, 5);
    await k.call('PUT', `${variantPath(itemId)}/cancel-scheduled-publish`);
    expect((await k.call('DELETE', `/items/codename/home/variants/${DEFAULT_ID}`)).status).toBe(204);
    expectError(await k.call('GET', variantPath(itemId)), 404, 103);
    expectError(await k.call('DELETE', variantPath(itemId)), 404, 103);
    // The item stays.
    expect((await k.call('GET', `/items/${itemId}`)).status).toBe(200);
  });

  it('lists variants of an item, of a type, in a collection, paging with x-continuation', async () => {
    await k.call('PATCH', '/collections', [
      { op: 'addInto', value: { name: 'Blog', codename: 'blog', external_id: 'blog-ext' } },
    ]);
    const ids = [itemId];
    for (const n of [1, 2]) {
      ids.push((await makeItem(k, { itemCodename: `post_${n}`, collection: 'blog' })).itemId);
    }
    for (const id of ids) await k.call('PUT', variantPath(id), { elements: [] });
    await k.call('PUT', variantPath(itemId, esId), { elements: [] });
    for (const p of [`/items/${itemId}/variants`, '/items/codename/home/variants']) {
      const r = await k.call('GET', p);
      expect(r.status).toBe(200);
      expect(r.body.map((v: { language: { id: string } }) => v.language.id)).toEqual([DEFAULT_ID, esId]);
    }
    expectError(await k.call('GET', '/items/external-id/none/variants'), 404, 100);
    // By type: 4 variants, pages of 2.
    const first = await k.call('GET', '/types/codename/article/variants');
    expect(first.body.variants).toHaveLength(2);
    const token = first.body.pagination.continuation_token;
    expect(token).toEqual(expect.any(String));
    const second = await k.call('GET', '/types/codename/article/variants', undefined, {
      headers: { 'x-continuation': token },
    });
    expect(second.body.variants).toHaveLength(2);
    expect(second.body.pagination.continuation_token).toBeNull();
    const all = [...first.body.variants, ...second.body.variants].map((v) => `${v.item.id}/${v.language.id}`);
    expect(new Set(all).size).toBe(4);
    // A token of another list is refused.
    expectError(
      await k.call('GET', '/collections/codename/blog/variants', undefined, { headers: { 'x-continuation': token } }),
      400,
      1007,
    );
    const blog = await k.call('GET', '/collections/external-id/blog-ext/variants');
    expect(blog.body.variants.map((v: { item: { id: string } }) => v.item.id)).toEqual(ids.slice(1));
    expect((await k.call('GET', `/collections/${DEFAULT_ID}/variants`)).body.variants).toHaveLength(2);
    const typeId = (await k.call('GET', '/types/codename/article')).body.id;
    expect((await k.call('GET', `/types/${typeId}/components`)).body.variants).toHaveLength(2);
    expectError(await k.call('GET', '/types/codename/nope/variants'), 404, 105);
    expectError(await k.call('GET', '/collections/codename/nope/variants'), 404, 0);
    expectError(await k.call('GET', '/spaces/codename/nope/variants'), 404, 0);
  });

  it('refuses a display time zone that is not an IANA name, storing nothing', async () => {
    await k.call('PUT', variantPath(itemId), { elements: [{ element: { codename: 'title' }, value: 'x' }] });
    expectError(
      await k.call('PUT', `${variantPath(itemId)}/publish`, {
        scheduled_to: '2030-02-01T00:00:00Z',
        display_timezone: 'Mars/Base',
      }),
      400,
      5,
      'display_timezone',
    );
    expectError(
      await k.call('PUT', `${variantPath(itemId)}/schedule-publish-and-unpublish`, {
        publish_scheduled_to: '2030-02-01T00:00:00Z',
        publish_display_timezone: '+01:00',
      }),
      400,
      5,
      'publish_display_timezone',
    );
    expectError(
      await k.call('PUT', `${variantPath(itemId)}/unpublish-and-archive`, {
        scheduled_to: '2030-02-01T00:00:00Z',
        display_timezone: 'Nowhere/Atlantis',
      }),
      400,
      5,
      'display_timezone',
    );
    const v = (await k.call('GET', variantPath(itemId))).body;
    expect(v.workflow.step_identifier.id).toBe(DRAFT_STEP);
    expect(v.schedule.publish_time).toBeNull();
    expect(await k.app.jobs().queue.list(k.app.db(), {})).toHaveLength(0);
    const ok = await k.call('PUT', `${variantPath(itemId)}/publish`, {
      scheduled_to: '2030-02-01T00:00:00Z',
      display_timezone: 'America/Argentina/Salta',
    });
    expect(ok.status).toBe(204);
  });

  it('filters items with variants and bulk-gets them', async () => {
    const { itemId: other } = await makeItem(k, { itemCodename: 'roasts' });
    await k.call('PUT', `/items/${other}`, { name: 'On Roasts', codename: 'roasts' });
    await k.call('PUT', variantPath(itemId), {
      elements: [{ element: { codename: 'title' }, value: 'Coffee beans' }],
      contributors: [{ email: 'ann@example.com' }],
    });
    await k.call('PUT', variantPath(other), { elements: [{ element: { codename: 'title' }, value: 'Tea' }] });
    const filter = async (body: unknown) => {
      const r = await k.call('POST', '/items-with-variant/filter', body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.variants.map((v: { item: { id: string } }) => v.item.id);
    };
    expect(await filter({ order: { by: 'name', direction: 'asc' } })).toEqual([itemId, other]);
    expect(await filter({ order: { by: 'name', direction: 'desc' } })).toEqual([other, itemId]);
    expect(await filter({ filters: { search_phrase: 'COFFEE' } })).toEqual([itemId]);
    expect(await filter({ filters: { search_phrase: 'roasts' } })).toEqual([other]);
    expect(await filter({ filters: { contributors: [{ email: 'ann@example.com' }] } })).toEqual([itemId]);
    expect(await filter({ filters: { has_no_contributors: true } })).toEqual([other]);
    expect(
      await filter({
        filters: {
          workflow_steps: [{ workflow_identifier: { codename: 'default' }, step_identifiers: [{ codename: 'draft' }] }],
        },
        order: { by: 'name', direction: 'asc' },
      }),
    ).toEqual([itemId, other]);
    await k.call('PUT', `${variantPath(other)}/publish`);
    expect(await filter({ filters: { publishing_states: ['published'] } })).toEqual([other]);
    expect(await filter({ filters: { completion_statuses: ['all_done'] } })).toEqual([other]);
    // The Spanish variants do not exist: both items are not translated.
    expect(
      (await filter({ filters: { language: { codename: 'es-ES' }, completion_statuses: ['not_translated'] } })).sort(),
    ).toEqual([itemId, other].sort());
    // Paging: pages of 2 (this suite's page size) over 3 items.
    await makeItem(k, { itemCodename: 'third' }).then(({ itemId: t }) =>
      k.call('PUT', variantPath(t), { elements: [] }),
    );
    const first = await k.call('POST', '/items-with-variant/filter', {});
    expect(first.body.variants).toHaveLength(2);
    const next = await k.call(
      'POST',
      '/items-with-variant/filter',
      {},
      {
        headers: { 'x-continuation': first.body.pagination.continuation_token },
      },
    );
    expect(next.body.variants).toHaveLength(1);
    // Bad input: an empty array, contributors with has_no_contributors, an unknown type.
    expectError(await k.call('POST', '/items-with-variant/filter', { filters: { content_types: [] } }), 400, 5);
    expectError(
      await k.call('POST', '/items-with-variant/filter', {
        filters: { has_no_contributors: true, contributors: [{ email: 'a@b.c' }] },
      }),
      400,
      5,
    );
    expectError(
      await k.call('POST', '/items-with-variant/filter', { filters: { content_types: [{ codename: 'nope' }] } }),
      400,
      5,
      'filters.content_types[0]',
    );
    const bulk = await k.call('POST', '/items-with-variant/bulk-get', {
      variants: [
        { item: { codename: 'home' }, language: { codename: 'default' } },
        { item: { id: other }, language: { id: esId } },
        { item: { codename: 'missing' }, language: { codename: 'default' } },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.data).toHaveLength(2);
    expect(bulk.body.data[0].item.id).toBe(itemId);
    expect(bulk.body.data[0].variant.elements[0].value).toBe('Coffee beans');
    expect(bulk.body.data[1].item.id).toBe(other);
    expect(bulk.body.data[1].variant).toBeUndefined();
  });
});
