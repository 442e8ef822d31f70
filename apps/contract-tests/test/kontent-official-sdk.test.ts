/**
 * The official `@kontent-ai/management-sdk` against the reference engine (in-process, over HTTP on port 5301): every
 * workflow- and variant-related method, in every identifier form the SDK offers, succeeds or fails with the error
 * Kontent.ai documents for that case.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ManagementClient, SharedModels } from '@kontent-ai/management-sdk';
import { createApp, parseConfig, type WfkitApp } from '@wfkit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ENV = '0d5e2a1c-7b3f-4c9e-8a6d-1f2e3d4c5b6a';
const KEY = 'official-sdk-management-key';
const DEFAULT_LANG = '00000000-0000-0000-0000-000000000000';
const PORT = 5301;

let app: WfkitApp;
let server: ReturnType<typeof serve>;
let base: string;
let client: ManagementClient;

/** A call of the engine outside the SDK (setting up the content model the SDK calls need). */
async function raw(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/v2/projects/${ENV}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The SDK's error for a failing call: Kontent's error code and the HTTP status. */
async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SharedModels.ContentManagementBaseKontentError);
    const err = e as SharedModels.ContentManagementBaseKontentError & {
      originalError?: { response?: { status?: number } };
    };
    return { code: err.errorCode, status: err.originalError?.response?.status, requestId: err.requestId };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  app = createApp({
    config: parseConfig({ WFKIT_KONTENT_ENVIRONMENT_ID: ENV, WFKIT_KONTENT_API_KEY: KEY }),
    jobs: { start: false },
    docs: false,
  });
  await app.ready;
  server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: PORT, hostname: '127.0.0.1' }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new ManagementClient({
    environmentId: ENV,
    apiKey: KEY,
    baseUrl: `${base}/v2`,
    retryStrategy: { maxAttempts: 0 },
  });
  const type = await raw('POST', '/types', {
    name: 'Article',
    codename: 'article',
    elements: [{ name: 'Title', codename: 'title', type: 'text' }],
  });
  expect(type.status).toBe(201);
  expect((await raw('POST', '/languages', { name: 'Spanish', codename: 'es-ES' })).status).toBe(201);
  expect(
    (
      await raw('PATCH', '/collections', [
        { op: 'addInto', value: { name: 'Blog', codename: 'blog', external_id: 'blog-x' } },
      ])
    ).status,
  ).toBe(200);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
});

const workflowData = (codename: string) => ({
  name: `Flow ${codename}`,
  codename,
  scopes: [],
  steps: [
    {
      name: 'Writing',
      codename: `${codename}_writing`,
      color: 'red' as const,
      transitions_to: [{ step: { codename: `${codename}_review` } }],
      role_ids: [],
    },
    {
      name: 'Review',
      codename: `${codename}_review`,
      color: 'yellow' as const,
      transitions_to: [{ step: { codename: 'published' } }, { step: { codename: 'archived' } }],
      role_ids: [],
    },
  ],
  published_step: { unpublish_role_ids: [], create_new_version_role_ids: [] },
  archived_step: { role_ids: [] },
});

describe('official Kontent management SDK 8.5 against the engine: workflows', () => {
  it('lists, adds, updates (by id and codename) and deletes (by id and codename) workflows', async () => {
    const listed = await client.listWorkflows().toPromise();
    expect(listed.data[0]?.codename).toBe('default');
    const added = await client.addWorkflow().withData(workflowData('sdk_one')).toPromise();
    expect(added.data.codename).toBe('sdk_one');
    expect(added.data.steps.map((s) => s.codename)).toEqual(['sdk_one_writing', 'sdk_one_review']);
    const byId = await client
      .updateWorkflow()
      .byWorkflowId(added.data.id)
      .withData({ ...workflowData('sdk_one'), name: 'Renamed' })
      .toPromise();
    expect(byId.data.name).toBe('Renamed');
    const byCodename = await client
      .updateWorkflow()
      .byWorkflowCodename('sdk_one')
      .withData({ ...workflowData('sdk_one'), name: 'Again' })
      .toPromise();
    expect(byCodename.data.name).toBe('Again');
    const two = await client.addWorkflow().withData(workflowData('sdk_two')).toPromise();
    await client.deleteWorkflow().byWorkflowCodename('sdk_one').toPromise();
    await client.deleteWorkflow().byWorkflowId(two.data.id).toPromise();
    expect((await client.listWorkflows().toPromise()).data.map((w) => w.codename)).toEqual(['default']);
  });

  it('fails as Kontent documents: 235 for the default workflow, 119 for an unknown one, 5 for a bad body', async () => {
    expect(await failure(client.deleteWorkflow().byWorkflowCodename('default').toPromise())).toMatchObject({
      code: 235,
      status: 400,
    });
    expect(
      await failure(client.updateWorkflow().byWorkflowCodename('nope').withData(workflowData('nope')).toPromise()),
    ).toMatchObject({ code: 119, status: 404 });
    expect(await failure(client.deleteWorkflow().byWorkflowId(ENV).toPromise())).toMatchObject({ code: 119 });
    const bad = await failure(
      client
        .addWorkflow()
        .withData({ ...workflowData('bad'), steps: [] })
        .toPromise(),
    );
    expect(bad).toMatchObject({ code: 5, status: 400 });
    expect(bad.requestId).toBeTruthy();
  });
});

type ItemForm = 'id' | 'codename' | 'externalId';
type LangForm = 'id' | 'codename';
interface Target {
  item: { id: string; codename: string; externalId: string };
  lang: { id: string; codename: string };
}

/** Picks the SDK's identifier form for the item and then the language of a variant query. */
function address<
  Q extends { byItemId(x: string): any; byItemCodename(x: string): any; byItemExternalId(x: string): any },
>(q: Q, t: Target, itemForm: ItemForm, langForm: LangForm) {
  const byItem =
    itemForm === 'id'
      ? q.byItemId(t.item.id)
      : itemForm === 'codename'
        ? q.byItemCodename(t.item.codename)
        : q.byItemExternalId(t.item.externalId);
  return langForm === 'id' ? byItem.byLanguageId(t.lang.id) : byItem.byLanguageCodename(t.lang.codename);
}

describe('official Kontent management SDK 8.5 against the engine: variants in every identifier form', () => {
  const combos: [ItemForm, LangForm][] = [
    ['id', 'id'],
    ['id', 'codename'],
    ['codename', 'id'],
    ['codename', 'codename'],
    ['externalId', 'id'],
    ['externalId', 'codename'],
  ];
  let esId: string;
  beforeAll(async () => {
    esId = (await raw('GET', '/languages/codename/es-ES')).body.id;
    // A workflow whose scope takes the article items: their new variants enter its first step.
    await client
      .addWorkflow()
      .withData({
        ...workflowData('sdk_flow'),
        scopes: [{ content_types: [{ codename: 'article' }], collections: [] }],
      })
      .toPromise();
  });

  it.each(combos)(
    'item by %s, language by %s: upsert, view, change workflow, publish, schedule, new version, unpublish, delete',
    async (itemForm, langForm) => {
      const codename = `item_${itemForm}_${langForm}`.toLowerCase();
      const created = await raw('POST', '/items', {
        name: codename,
        codename,
        external_id: `ext-${codename}`,
        type: { codename: 'article' },
        collection: { codename: 'blog' },
      });
      expect(created.status).toBe(201);
      const lang = langForm === 'id' ? { id: esId, codename: 'es-ES' } : { id: DEFAULT_LANG, codename: 'default' };
      const t: Target = { item: { id: created.body.id, codename, externalId: `ext-${codename}` }, lang };

      const upserted = await address(client.upsertLanguageVariant(), t, itemForm, langForm)
        .withData((builder: any) => ({
          elements: [builder.textElement({ element: { codename: 'title' }, value: `Hello ${codename}` })],
        }))
        .toPromise();
      expect(upserted.data.item.id).toBe(t.item.id);
      expect(upserted.data.language.id).toBe(lang.id);
      const viewed = await address(client.viewLanguageVariant(), t, itemForm, langForm).toPromise();
      expect(viewed.data.elements[0]?.value).toBe(`Hello ${codename}`);

      await address(client.changeWorkflowOfLanguageVariant(), t, itemForm, langForm)
        .withData({ workflow_identifier: { codename: 'sdk_flow' }, step_identifier: { codename: 'sdk_flow_review' } })
        .toPromise();
      const inReview = await address(client.viewLanguageVariant(), t, itemForm, langForm).toPromise();
      expect(inReview.data.workflow.workflowIdentifier.id).toBeTruthy();

      // Schedule, cancel, publish now.
      await address(client.publishLanguageVariant(), t, itemForm, langForm)
        .withData({ scheduled_to: '2099-01-01T00:00:00Z', display_timezone: 'Europe/Prague' })
        .toPromise();
      expect(
        (await address(client.viewLanguageVariant(), t, itemForm, langForm).toPromise()).data.schedule.publishTime,
      ).toBe('2099-01-01T00:00:00.000Z');
      await address(client.cancelSheduledPublishingOfLanguageVariant(), t, itemForm, langForm).toPromise();
      expect(
        await failure(address(client.cancelSheduledPublishingOfLanguageVariant(), t, itemForm, langForm).toPromise()),
      ).toMatchObject({ code: 218, status: 400 });
      await address(client.changeWorkflowOfLanguageVariant(), t, itemForm, langForm)
        .withData({ workflow_identifier: { codename: 'sdk_flow' }, step_identifier: { codename: 'sdk_flow_review' } })
        .toPromise();
      await address(client.publishLanguageVariant(), t, itemForm, langForm).withoutData().toPromise();
      // A published variant cannot be deleted.
      expect(await failure(address(client.deleteLanguageVariant(), t, itemForm, langForm).toPromise())).toMatchObject({
        code: 5,
        status: 400,
      });
      // New version, then a scheduled unpublish and its cancellation, then unpublish now.
      await address(client.createNewVersionOfLanguageVariant(), t, itemForm, langForm).toPromise();
      expect(
        await failure(address(client.createNewVersionOfLanguageVariant(), t, itemForm, langForm).toPromise()),
      ).toMatchObject({ code: 214, status: 400 });
      await address(client.unpublishLanguageVariant(), t, itemForm, langForm)
        .withData({ scheduled_to: '2099-01-01T00:00:00Z', display_timezone: 'UTC' })
        .toPromise();
      await address(client.cancelSheduledUnpublishingOfLanguageVariant(), t, itemForm, langForm).toPromise();
      expect(
        await failure(address(client.cancelSheduledUnpublishingOfLanguageVariant(), t, itemForm, langForm).toPromise()),
      ).toMatchObject({ code: 218, status: 400 });
      await address(client.unpublishLanguageVariant(), t, itemForm, langForm).withoutData().toPromise();
      // Not published any more: deletable.
      await address(client.deleteLanguageVariant(), t, itemForm, langForm).toPromise();
      expect(await failure(address(client.viewLanguageVariant(), t, itemForm, langForm).toPromise())).toMatchObject({
        code: 103,
        status: 404,
      });
    },
  );

  it('refuses a display time zone that is not an IANA name (400, 5)', async () => {
    const created = await raw('POST', '/items', { name: 'tz', codename: 'tz_item', type: { codename: 'article' } });
    await raw('PUT', `/items/${created.body.id}/variants/${DEFAULT_LANG}`, { elements: [] });
    const r = await failure(
      client
        .publishLanguageVariant()
        .byItemId(created.body.id)
        .byLanguageId(DEFAULT_LANG)
        .withData({ scheduled_to: '2099-01-01T00:00:00Z', display_timezone: 'Mars/Base' })
        .toPromise(),
    );
    expect(r).toMatchObject({ code: 5, status: 400 });
  });

  it('answers 100 / 111 / 103 for an unknown item, language or variant', async () => {
    expect(
      await failure(client.viewLanguageVariant().byItemCodename('nope').byLanguageCodename('default').toPromise()),
    ).toMatchObject({ code: 100, status: 404 });
    expect(
      await failure(client.viewLanguageVariant().byItemCodename('tz_item').byLanguageCodename('de-DE').toPromise()),
    ).toMatchObject({ code: 111, status: 404 });
    expect(
      await failure(client.viewLanguageVariant().byItemCodename('tz_item').byLanguageId(esId).toPromise()),
    ).toMatchObject({ code: 103, status: 404 });
  });
});

describe('official Kontent management SDK 8.5 against the engine: variant lists', () => {
  let item: { id: string };
  beforeAll(async () => {
    item = (
      await raw('POST', '/items', {
        name: 'listed',
        codename: 'listed',
        external_id: 'listed-x',
        type: { codename: 'article' },
        collection: { codename: 'blog' },
      })
    ).body;
    await raw('PUT', `/items/${item.id}/variants/${DEFAULT_LANG}`, { elements: [] });
    await raw('PUT', `/items/${item.id}/variants/codename/es-ES`, { elements: [] });
  });

  it('lists the variants of an item by id, codename and external id', async () => {
    for (const q of [
      client.listLanguageVariantsOfItem().byItemId(item.id),
      client.listLanguageVariantsOfItem().byItemCodename('listed'),
      client.listLanguageVariantsOfItem().byItemExternalId('listed-x'),
    ]) {
      const r = await q.toPromise();
      expect(r.data.items.map((v) => v.language.id).sort()).toHaveLength(2);
    }
    expect(await failure(client.listLanguageVariantsOfItem().byItemCodename('nope').toPromise())).toMatchObject({
      code: 100,
      status: 404,
    });
  });

  it('lists the variants of a content type (with and without components) and of a collection, every page', async () => {
    const typeId = (await raw('GET', '/types/codename/article')).body.id;
    for (const q of [
      client.listLanguageVariantsOfContentType().byTypeId(typeId),
      client.listLanguageVariantsOfContentType().byTypeCodename('article'),
      client.listLanguageVariantsOfContentTypeWithComponents().byTypeId(typeId),
      client.listLanguageVariantsOfContentTypeWithComponents().byTypeCodename('article'),
    ]) {
      const all = await q.toAllPromise();
      expect(all.data.items.some((v) => v.item.id === item.id)).toBe(true);
    }
    const blogId = (await raw('GET', '/collections')).body.collections.find(
      (c: { codename: string }) => c.codename === 'blog',
    ).id;
    for (const q of [
      client.listLanguageVariantsByCollection().byCollectionId(blogId),
      client.listLanguageVariantsByCollection().byCollectionCodename('blog'),
      client.listLanguageVariantsByCollection().byCollectionExternalId('blog-x'),
    ]) {
      const page = await q.toPromise();
      expect(page.data.items.filter((v) => v.item.id === item.id)).toHaveLength(2);
    }
    expect(await failure(client.listLanguageVariantsOfContentType().byTypeCodename('nope').toPromise())).toMatchObject({
      code: 105,
      status: 404,
    });
  });

  it('manages spaces and lists the variants in one, by id and by codename', async () => {
    const added = await client
      .addSpace()
      .withData({ name: 'SDK site', codename: 'sdk_site', collections: [{ codename: 'blog' }] })
      .toPromise();
    expect(added.data).toMatchObject({ name: 'SDK site', codename: 'sdk_site' });
    const id = added.data.id;
    expect((await client.listSpaces().toPromise()).data.map((sp) => sp.id)).toContain(id);
    expect((await client.viewSpace().bySpaceCodename('sdk_site').toPromise()).data.id).toBe(id);
    const modified = await client
      .modifySpace()
      .bySpaceId(id)
      .withData([{ op: 'replace', property_name: 'name', value: 'SDK website' }])
      .toPromise();
    expect(modified.data.name).toBe('SDK website');
    for (const q of [
      client.listLanguageVariantsBySpace().bySpaceId(id),
      client.listLanguageVariantsBySpace().bySpaceCodename('sdk_site'),
    ]) {
      const all = await q.toAllPromise();
      expect(all.data.items.filter((v) => v.item.id === item.id)).toHaveLength(2);
    }
    await client.deleteSpace().bySpaceCodename('sdk_site').toPromise();
    expect((await failure(client.viewSpace().bySpaceId(id).toPromise())).status).toBe(404);
  });

  it('reads, modifies and deletes a content type in every identifier form', async () => {
    const added = await client
      .addContentType()
      .withData(() => ({
        name: 'SDK type',
        codename: 'sdk_type',
        external_id: 'sdk-type',
        elements: [{ name: 'Heading', codename: 'heading', type: 'text' } as never],
      }))
      .toPromise();
    const id = added.data.id;
    expect((await client.viewContentType().byTypeExternalId('sdk-type').toPromise()).data.id).toBe(id);
    const modified = await client
      .modifyContentType()
      .byTypeCodename('sdk_type')
      .withData([
        { op: 'replace', path: '/name', value: 'SDK type 2' },
        { op: 'addInto', path: '/elements', value: { name: 'Lead', codename: 'lead', type: 'text' } },
      ])
      .toPromise();
    expect(modified.data.name).toBe('SDK type 2');
    expect(modified.data.elements.map((e) => e.codename)).toEqual(['heading', 'lead']);
    await client
      .modifyContentType()
      .byTypeId(id)
      .withData([{ op: 'remove', path: '/elements/codename:lead' }])
      .toPromise();
    await client.deleteContentType().byTypeExternalId('sdk-type').toPromise();
    expect((await failure(client.viewContentType().byTypeId(id).toPromise())).status).toBe(404);
  });

  it('modifies a language by id and by codename', async () => {
    const renamed = await client
      .modifyLanguage()
      .byLanguageCodename('es-ES')
      .withData([{ op: 'replace', property_name: 'name', value: 'Español' }])
      .toPromise();
    expect(renamed.data.name).toBe('Español');
    const back = await client
      .modifyLanguage()
      .byLanguageId(renamed.data.id)
      .withData([{ op: 'replace', property_name: 'name', value: 'Spanish' }])
      .toPromise();
    expect(back.data.name).toBe('Spanish');
  });

  it('answers 404 for a space that does not exist, in every form', async () => {
    for (const q of [
      client.listLanguageVariantsBySpace().bySpaceId(ENV),
      client.listLanguageVariantsBySpace().bySpaceCodename('nope'),
      client.listLanguageVariantsBySpace().bySpaceExternalId('nope'),
    ]) {
      expect((await failure(q.toPromise())).status).toBe(404);
    }
  });

  it('filters items with variants, then bulk-gets them', async () => {
    const filtered = await client
      .filterItemsWithVariants()
      .withData({
        filters: { search_phrase: 'listed', language: { codename: 'default' } },
        order: { by: 'name', direction: 'asc' },
      })
      .toPromise();
    expect(filtered.data.items.map((p: any) => p.item.id)).toEqual([item.id]);
    const all = await client.filterItemsWithVariants().withData({}).toAllPromise();
    expect(all.data.items.length).toBeGreaterThan(1);
    const bulk = await client
      .bulkGetItemsWithVariants()
      .withData({
        variants: [
          { item: { codename: 'listed' }, language: { codename: 'es-ES' } },
          { item: { external_id: 'listed-x' }, language: { id: DEFAULT_LANG } },
        ],
      })
      .toPromise();
    expect(bulk.data.items.map((d: any) => d.item.id)).toEqual([item.id, item.id]);
    expect(bulk.data.items.every((d: any) => d.variant?.item.id === item.id)).toBe(true);
    expect(
      await failure(
        client
          .filterItemsWithVariants()
          .withData({ filters: { content_types: [] } })
          .toPromise(),
      ),
    ).toMatchObject({ code: 5, status: 400 });
  });
});
