import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/runtime/clock.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import {
  CONTRIBUTOR_KEY,
  DEFAULT_ID,
  ENV,
  expectError,
  type Kontent,
  makeItem,
  startKontent,
  variantPath,
} from './harness.js';

const OTHER_ENV = '0b7e5d1c-3a2f-4e6d-8c9b-1a2b3c4d5e6f';
const OTHER_KEY = 'other-environment-key';

describe.each(testStores())('Kontent spaces on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db, {
      clock: new TestClock('2030-01-01T00:00:00.000Z'),
      extra: { pageSize: 2, environments: [{ id: OTHER_ENV, apiKey: OTHER_KEY }] },
    });
    const added = await k.call('PATCH', '/collections', [
      { op: 'addInto', value: { name: 'Blog', codename: 'blog' } },
      { op: 'addInto', value: { name: 'Shop', codename: 'shop' } },
    ]);
    expect(added.status, JSON.stringify(added.body)).toBe(200);
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  it('adds, lists, reads by id and codename, modifies and deletes a space', async () => {
    expect((await k.call('GET', '/spaces')).body).toEqual([]);
    const { itemId } = await makeItem(k, { itemCodename: 'home' });
    const add = await k.call('POST', '/spaces', {
      name: 'Main site',
      collections: [{ codename: 'blog' }],
      web_spotlight_root_item: { codename: 'home' },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    const blogId = (await k.call('GET', '/collections')).body.collections.find(
      (c: { codename: string }) => c.codename === 'blog',
    ).id;
    expect(add.body).toEqual({
      id: expect.any(String),
      name: 'Main site',
      codename: 'main_site',
      web_spotlight_root_item: { id: itemId },
      collections: [{ id: blogId }],
    });
    const id = add.body.id;
    expect((await k.call('GET', `/spaces/${id}`)).body).toEqual(add.body);
    expect((await k.call('GET', '/spaces/codename/main_site')).body).toEqual(add.body);
    expect((await k.call('GET', '/spaces')).body).toEqual([add.body]);

    const mod = await k.call('PATCH', '/spaces/codename/main_site', [
      { op: 'replace', property_name: 'name', value: 'Website' },
      { op: 'replace', property_name: 'codename', value: 'website' },
      { op: 'replace', property_name: 'web_spotlight_root_item', value: null },
      { op: 'replace', property_name: 'collections', value: [{ codename: 'shop' }, { id: DEFAULT_ID }] },
    ]);
    expect(mod.status, JSON.stringify(mod.body)).toBe(200);
    expect(mod.body).toMatchObject({ id, name: 'Website', codename: 'website', web_spotlight_root_item: null });
    expect(mod.body.collections).toHaveLength(2);
    expectError(await k.call('GET', '/spaces/codename/main_site'), 404, 0);

    expect((await k.call('DELETE', `/spaces/${id}`)).status).toBe(204);
    expectError(await k.call('GET', `/spaces/${id}`), 404, 0);
    expectError(await k.call('DELETE', '/spaces/codename/website'), 404, 0);
    expect((await k.call('GET', '/spaces')).body).toEqual([]);
  });

  it('refuses a taken codename, unknown collections and items, and bad operations, storing nothing', async () => {
    const first = await k.call('POST', '/spaces', { name: 'Site', codename: 'site' });
    expect(first.status).toBe(201);
    expectError(await k.call('POST', '/spaces', { name: 'Again', codename: 'site' }), 400, 5, 'codename');
    expectError(
      await k.call('POST', '/spaces', { name: 'X', collections: [{ codename: 'nope' }] }),
      400,
      5,
      'collections[0]',
    );
    expectError(
      await k.call('POST', '/spaces', { name: 'X', web_spotlight_root_item: { codename: 'nope' } }),
      400,
      5,
      'web_spotlight_root_item',
    );
    expectError(await k.call('POST', '/spaces', { codename: 'no_name' }), 400, 5);
    expect((await k.call('GET', '/spaces')).body).toHaveLength(1);

    const second = await k.call('POST', '/spaces', { name: 'Site' });
    expect(second.body.codename).not.toBe('site');
    // All operations or none: the rename is not stored when the codename is taken.
    expectError(
      await k.call('PATCH', `/spaces/${second.body.id}`, [
        { op: 'replace', property_name: 'name', value: 'Renamed' },
        { op: 'replace', property_name: 'codename', value: 'site' },
      ]),
      400,
      5,
      '[1].value',
    );
    expect((await k.call('GET', `/spaces/${second.body.id}`)).body.name).toBe('Site');
    expectError(
      await k.call('PATCH', `/spaces/${second.body.id}`, [{ op: 'addInto', property_name: 'name', value: 'x' }]),
      400,
      5,
    );
    expectError(await k.call('PATCH', `/spaces/${second.body.id}`, []), 400, 5);
  });

  it('lets only the Management API key and Project managers change spaces; any key reads them', async () => {
    const site = await k.call('POST', '/spaces', { name: 'Site' });
    expectError(await k.call('POST', '/spaces', { name: 'Mine' }, { key: CONTRIBUTOR_KEY }), 403, 16);
    expectError(
      await k.call('PATCH', `/spaces/${site.body.id}`, [{ op: 'replace', property_name: 'name', value: 'x' }], {
        key: CONTRIBUTOR_KEY,
      }),
      403,
      16,
    );
    expectError(await k.call('DELETE', `/spaces/${site.body.id}`, undefined, { key: CONTRIBUTOR_KEY }), 403, 16);
    expect((await k.call('GET', '/spaces', undefined, { key: CONTRIBUTOR_KEY })).body).toHaveLength(1);
  });

  it('lists the variants of a space: items that name it and items in its collections, paged', async () => {
    const space = (await k.call('POST', '/spaces', { name: 'Shop site', collections: [{ codename: 'shop' }] })).body;
    const inShop = await makeItem(k, { itemCodename: 'in_shop', collection: 'shop' });
    const inShop2 = await makeItem(k, { itemCodename: 'in_shop_2', collection: 'shop' });
    const inBlog = await makeItem(k, { itemCodename: 'in_blog', collection: 'blog' });
    const named = await makeItem(k, { itemCodename: 'named' });
    await k.call('PUT', `/items/${named.itemId}`, { name: 'named', codename: 'named', spaces: [{ id: space.id }] });
    for (const id of [inShop.itemId, inShop2.itemId, inBlog.itemId, named.itemId])
      await k.call('PUT', variantPath(id), { elements: [{ element: { codename: 'title' }, value: 't' }] });

    const first = await k.call('GET', `/spaces/${space.id}/variants`);
    expect(first.body.variants).toHaveLength(2);
    const token = first.body.pagination.continuation_token;
    const second = await k.call('GET', `/spaces/${space.id}/variants`, undefined, {
      headers: { 'x-continuation': token },
    });
    expect(second.status, JSON.stringify([token, second.body])).toBe(200);
    expect((await k.call('GET', '/spaces/codename/shop_site/variants')).body.variants).toHaveLength(2);
    expect(second.body.pagination.continuation_token).toBeNull();
    const ids = [...first.body.variants, ...second.body.variants].map((v: { item: { id: string } }) => v.item.id);
    expect(ids.sort()).toEqual([inShop.itemId, inShop2.itemId, named.itemId].sort());

    // The filter's spaces narrow the same way.
    const filtered = await k.call('POST', '/items-with-variant/filter', { filters: { spaces: [{ id: space.id }] } });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(200);

    // Deleting the space takes it out of the items that named it.
    expect((await k.call('DELETE', `/spaces/${space.id}`)).status).toBe(204);
    expect((await k.call('GET', `/items/${named.itemId}`)).body.spaces).toEqual([]);
    expectError(await k.call('GET', `/spaces/${space.id}/variants`), 404, 0);
  });

  it('keeps spaces per environment: the same codename in two, neither sees the other', async () => {
    expect((await k.call('POST', '/spaces', { name: 'Site', codename: 'site' })).status).toBe(201);
    const other = await k.call(
      'POST',
      '/spaces',
      { name: 'Site', codename: 'site' },
      { env: OTHER_ENV, key: OTHER_KEY },
    );
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    expect(
      (await k.call('GET', '/spaces', undefined, { env: OTHER_ENV, key: OTHER_KEY })).body.map(
        (s: { id: string }) => s.id,
      ),
    ).toEqual([other.body.id]);
    expectError(await k.call('GET', `/spaces/${other.body.id}`), 404, 0);
    expect(ENV).not.toBe(OTHER_ENV);
  });
});
