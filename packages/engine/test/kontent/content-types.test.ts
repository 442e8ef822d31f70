import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { CONTRIBUTOR_KEY, expectError, type Kontent, startKontent, variantPath } from './harness.js';

describe.each(testStores())('Kontent content types on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  let typeId: string;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db);
    const t = await k.call('POST', '/types', {
      name: 'Article',
      codename: 'article',
      external_id: 'article-ext',
      elements: [
        { name: 'Title', codename: 'title', type: 'text', is_required: true },
        { name: 'Body', codename: 'body', type: 'rich_text' },
      ],
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    typeId = t.body.id;
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  const codenames = (t: { elements: { codename: string }[] }) => t.elements.map((e) => e.codename);

  it('reads a type by external id and modifies it by every identifier form', async () => {
    expect((await k.call('GET', '/types/external-id/article-ext')).body.id).toBe(typeId);
    const a = await k.call('PATCH', `/types/${typeId}`, [
      { op: 'replace', path: '/name', value: 'Blog article' },
      { op: 'addInto', path: '/elements', value: { name: 'Summary', type: 'text' }, after: { codename: 'title' } },
      { op: 'replace', path: '/elements/codename:title/is_required', value: false },
    ]);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.name).toBe('Blog article');
    expect(codenames(a.body)).toEqual(['title', 'summary', 'body']);
    expect(a.body.elements[0].is_required).toBe(false);
    const b = await k.call('PATCH', '/types/codename/article', [
      { op: 'move', path: '/elements/codename:body', before: { codename: 'title' } },
      { op: 'replace', path: '/codename', value: 'blog_article' },
    ]);
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(codenames(b.body)).toEqual(['body', 'title', 'summary']);
    const summaryId = b.body.elements[2].id;
    const c = await k.call('PATCH', '/types/external-id/article-ext', [
      { op: 'replace', path: `/elements/id:${summaryId}/guidelines`, value: 'One sentence.' },
    ]);
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.elements[2].guidelines).toBe('One sentence.');
    expect((await k.call('GET', '/types/codename/blog_article')).body).toEqual(c.body);
  });

  it('removes an element and its values from the variants of the type', async () => {
    const item = await k.call('POST', '/items', { name: 'Post', type: { id: typeId } });
    const upsert = await k.call('PUT', variantPath(item.body.id), {
      elements: [
        { element: { codename: 'title' }, value: 'Hello' },
        { element: { codename: 'body' }, value: '<p>World</p>' },
      ],
    });
    expect(upsert.status, JSON.stringify(upsert.body)).toBe(201);
    const bodyId = (await k.call('GET', `/types/${typeId}`)).body.elements[1].id;
    const r = await k.call('PATCH', `/types/${typeId}`, [{ op: 'remove', path: '/elements/codename:body' }]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(codenames(r.body)).toEqual(['title']);
    const v = await k.call('GET', variantPath(item.body.id));
    expect(v.body.elements.map((e: { element: { id: string } }) => e.element.id)).not.toContain(bodyId);
    expect(v.body.elements).toHaveLength(1);
  });

  it('refuses invalid operations, storing none of them', async () => {
    const before = (await k.call('GET', `/types/${typeId}`)).body;
    await k.call('POST', '/types', { name: 'Page', codename: 'page', elements: [] });
    expectError(
      await k.call('PATCH', `/types/${typeId}`, [
        { op: 'replace', path: '/name', value: 'Renamed' },
        { op: 'replace', path: '/codename', value: 'page' },
      ]),
      400,
      5,
      '[1].value',
    );
    expectError(
      await k.call('PATCH', `/types/${typeId}`, [{ op: 'remove', path: '/elements/codename:nope' }]),
      400,
      5,
      '[0].path',
    );
    expectError(
      await k.call('PATCH', `/types/${typeId}`, [
        { op: 'addInto', path: '/elements', value: { name: 'Title again', codename: 'title', type: 'text' } },
      ]),
      400,
      5,
      '[0].value.codename',
    );
    expectError(
      await k.call('PATCH', `/types/${typeId}`, [{ op: 'replace', path: '/elements/codename:title/type', value: 'x' }]),
      400,
      5,
      '[0].path',
    );
    expectError(await k.call('PATCH', `/types/${typeId}`, [{ op: 'copy', path: '/name' }]), 400, 5);
    expect((await k.call('GET', `/types/${typeId}`)).body).toEqual(before);
    expectError(
      await k.call('PATCH', '/types/codename/nope', [{ op: 'replace', path: '/name', value: 'x' }]),
      404,
      105,
    );
    expectError(
      await k.call('PATCH', `/types/${typeId}`, [{ op: 'replace', path: '/name', value: 'x' }], {
        key: CONTRIBUTOR_KEY,
      }),
      403,
      16,
    );
  });

  it('deletes a type no item uses, by every identifier form; refuses one in use', async () => {
    const page = await k.call('POST', '/types', {
      name: 'Page',
      codename: 'page',
      external_id: 'page-ext',
      elements: [],
    });
    await k.call('POST', '/items', { name: 'Post', type: { id: typeId } });
    expectError(await k.call('DELETE', `/types/${typeId}`), 400, 5);
    expect((await k.call('GET', `/types/${typeId}`)).status).toBe(200);
    expect((await k.call('DELETE', '/types/external-id/page-ext')).status).toBe(204);
    expectError(await k.call('GET', `/types/${page.body.id}`), 404, 105);
    await k.call('POST', '/types', { name: 'Other', codename: 'other', elements: [] });
    expect((await k.call('DELETE', '/types/codename/other')).status).toBe(204);
    expectError(await k.call('DELETE', '/types/codename/other'), 404, 105);
  });
});
