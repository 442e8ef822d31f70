import { describe, expect, it } from 'vitest';
import { createKontentClient } from '../src/index.js';
import { recordingFetch } from './helpers.js';

const ENV = '975bf280-fd91-488c-994c-2f04416e5ee3';
const BASE = `https://manage.example/v2/projects/${ENV}`;

function setup(respond?: (r: Request) => Response) {
  const rec = recordingFetch(respond);
  const kontent = createKontentClient({
    apiKey: 'secret-key',
    environmentId: ENV,
    baseUrl: 'https://manage.example/v2',
    fetch: rec.fetch,
  });
  return { kontent, ...rec };
}

const wf = {
  name: 'Review',
  scopes: [],
  steps: [
    { name: 'Draft', codename: 'draft', color: 'red' as const, transitions_to: [{ step: { codename: 'published' } }] },
  ],
  published_step: {},
  archived_step: {},
};

describe('kontent workflows', () => {
  it('lists workflows with the bearer key and the environment id in the path', async () => {
    const { kontent, last } = setup(() => Response.json([]));
    expect(await kontent.workflows.list()).toEqual([]);
    expect(last().method).toBe('GET');
    expect(last().url).toBe(`${BASE}/workflows`);
    expect(last().headers.get('authorization')).toBe('Bearer secret-key');
  });

  it('adds a workflow with the body as JSON', async () => {
    const { kontent, last } = setup(() => Response.json({ id: 'w1' }, { status: 201 }));
    await kontent.workflows.add(wf as never);
    expect(last().method).toBe('POST');
    expect(last().headers.get('content-type')).toBe('application/json');
    expect(last().body).toEqual(wf);
  });

  it('updates by codename when the argument is codename/…, else by id', async () => {
    const { kontent, calls } = setup();
    await kontent.workflows.update('codename/review', wf as never);
    await kontent.workflows.update('a7b1c2d3-0000-4000-8000-000000000001', wf as never);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `PUT ${BASE}/workflows/codename/review`,
      `PUT ${BASE}/workflows/a7b1c2d3-0000-4000-8000-000000000001`,
    ]);
  });

  it('deletes by id or codename and returns undefined on 204', async () => {
    const { kontent, calls } = setup(() => new Response(null, { status: 204 }));
    expect(await kontent.workflows.delete('codename/old')).toBeUndefined();
    await kontent.workflows.delete('w-id');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `DELETE ${BASE}/workflows/codename/old`,
      `DELETE ${BASE}/workflows/w-id`,
    ]);
  });

  it('reads the deprecated step list', async () => {
    const { kontent, last } = setup(() => Response.json([]));
    await kontent.workflows.listSteps();
    expect(last().url).toBe(`${BASE}/workflow`);
  });
});

describe('kontent variants', () => {
  it('changes the workflow of a variant by codenames', async () => {
    const { kontent, last } = setup(() => new Response(null, { status: 204 }));
    const body = { workflow_identifier: { codename: 'review' }, step_identifier: { codename: 'draft' } };
    await kontent.variants.changeWorkflow('codename/on_roasts', 'codename/en', body);
    expect(last().method).toBe('PUT');
    expect(last().url).toBe(`${BASE}/items/codename/on_roasts/variants/codename/en/change-workflow`);
    expect(last().body).toEqual(body);
  });

  it('uses the id path for ids and the external-id path for external ids', async () => {
    const { kontent, calls } = setup(() => new Response(null, { status: 204 }));
    await kontent.variants.publish('item-id', 'lang-id');
    await kontent.variants.publish('external-id/ext 1', 'codename/en', { scheduled_to: '2030-01-01T00:00:00Z' });
    await kontent.variants.createNewVersion('codename/x', 'codename/en');
    await kontent.variants.unpublishAndArchive('item-id', 'lang-id');
    await kontent.variants.cancelScheduledPublish('item-id', 'lang-id');
    await kontent.variants.cancelScheduledUnpublish('item-id', 'lang-id');
    await kontent.variants.changeStep('codename/x', 'codename/en', 'codename/review');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `PUT ${BASE}/items/item-id/variants/lang-id/publish`,
      `PUT ${BASE}/items/external-id/ext%201/variants/codename/en/publish`,
      `PUT ${BASE}/items/codename/x/variants/codename/en/new-version`,
      `PUT ${BASE}/items/item-id/variants/lang-id/unpublish-and-archive`,
      `PUT ${BASE}/items/item-id/variants/lang-id/cancel-scheduled-publish`,
      `PUT ${BASE}/items/item-id/variants/lang-id/cancel-scheduled-unpublish`,
      `PUT ${BASE}/items/codename/x/variants/codename/en/workflow/codename/review`,
    ]);
    expect(calls[1]?.body).toEqual({ scheduled_to: '2030-01-01T00:00:00Z' });
  });

  it('takes every combination of item and language identifiers Kontent accepts', async () => {
    const { kontent, calls } = setup(() => Response.json({ elements: [] }));
    await kontent.variants.get('item-id', 'codename/en');
    await kontent.variants.get('codename/x', 'lang-id');
    await kontent.variants.get('external-id/e', 'lang-id');
    await kontent.variants.delete('codename/x', 'codename/en');
    await kontent.variants.delete('item-id', 'lang-id');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `GET ${BASE}/items/item-id/variants/codename/en`,
      `GET ${BASE}/items/codename/x/variants/lang-id`,
      `GET ${BASE}/items/external-id/e/variants/lang-id`,
      `DELETE ${BASE}/items/codename/x/variants/codename/en`,
      `DELETE ${BASE}/items/item-id/variants/lang-id`,
    ]);
  });

  it('refuses a form no path takes (a language by external id)', () => {
    const { kontent } = setup();
    expect(() => kontent.variants.get('item-id', 'external-id/en')).toThrow(TypeError);
  });

  it('lists variants of an item, a type, a collection and a space', async () => {
    const { kontent, calls } = setup((r) =>
      /\/items\/[^/]+\/variants$/.test(new URL(r.url).pathname)
        ? Response.json([])
        : Response.json({ variants: [], pagination: { continuation_token: null, next_page: null } }),
    );
    await kontent.variants.listOfItem('codename/x');
    expect(await kontent.variants.listOfType('codename/article').toArray()).toEqual([]);
    await kontent.variants.listOfTypeWithComponents('type-id').toArray();
    await kontent.variants.listByCollection('external-id/blog').toArray();
    await kontent.variants.listBySpace('space-id').toArray();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `GET ${BASE}/items/codename/x/variants`,
      `GET ${BASE}/types/codename/article/variants`,
      `GET ${BASE}/types/type-id/components`,
      `GET ${BASE}/collections/external-id/blog/variants`,
      `GET ${BASE}/spaces/space-id/variants`,
    ]);
  });

  it('reads and upserts variants', async () => {
    const { kontent, calls } = setup(() => Response.json({ elements: [] }));
    await kontent.variants.get('codename/x', 'codename/en');
    await kontent.variants.getPublished('item-id', 'lang-id');
    await kontent.variants.upsert('codename/x', 'codename/en', { elements: [] });
    await kontent.variants.schedulePublishAndUnpublish('item-id', 'lang-id', {
      publish_date: '2030-01-01T00:00:00Z',
      unpublish_date: '2030-02-01T00:00:00Z',
    } as never);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `GET ${BASE}/items/codename/x/variants/codename/en`,
      `GET ${BASE}/items/item-id/variants/lang-id/published`,
      `PUT ${BASE}/items/codename/x/variants/codename/en`,
      `PUT ${BASE}/items/item-id/variants/lang-id/schedule-publish-and-unpublish`,
    ]);
  });
});

describe('kontent types, collections, languages, roles, items', () => {
  it('calls each resource on its path', async () => {
    const { kontent, calls } = setup((r) =>
      r.method === 'GET' && /\/(types|languages|items)$/.test(new URL(r.url).pathname)
        ? Response.json({
            types: [],
            languages: [],
            items: [],
            pagination: { continuation_token: null, next_page: null },
          })
        : Response.json({}),
    );
    await kontent.types.get('codename/article');
    await kontent.types.add({ name: 'Article', elements: [] } as never);
    await kontent.collections.list();
    await kontent.collections.modify([{ op: 'addInto', value: { name: 'Blog' } }] as never);
    await kontent.languages.get('codename/es');
    await kontent.languages.add({ name: 'Spanish', codename: 'es' } as never);
    await kontent.roles.get('codename/reviewer');
    await kontent.roles.list();
    await kontent.items.get('external-id/abc');
    await kontent.items.add({ name: 'On roasts', type: { codename: 'article' } } as never);
    await kontent.items.update('item-id', { name: 'On roasts 2' } as never);
    await kontent.items.list().toArray();
    expect(calls.map((c) => `${c.method} ${c.url.replace(BASE, '')}`)).toEqual([
      'GET /types/codename/article',
      'POST /types',
      'GET /collections',
      'PATCH /collections',
      'GET /languages/codename/es',
      'POST /languages',
      'GET /roles/codename/reviewer',
      'GET /roles',
      'GET /items/external-id/abc',
      'POST /items',
      'PUT /items/item-id',
      'GET /items',
    ]);
  });

  it('passes per-call headers, idempotency keys and signals', async () => {
    const { kontent, last } = setup(() => new Response(null, { status: 204 }));
    const controller = new AbortController();
    await kontent.items.delete('item-id', {
      headers: { 'X-Trace': 't1' },
      idempotencyKey: 'k1',
      signal: controller.signal,
    });
    expect(last().headers.get('x-trace')).toBe('t1');
    expect(last().headers.get('idempotency-key')).toBe('k1');
  });

  it('exposes the raw typed client', async () => {
    const { kontent, last } = setup(() => Response.json([]));
    const { data } = await kontent.raw.GET('/projects/{environment_id}/workflows', {
      params: { path: { environment_id: ENV } },
    });
    expect(data).toEqual([]);
    expect(last().url).toBe(`${BASE}/workflows`);
  });
});
