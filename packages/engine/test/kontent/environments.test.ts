import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { bundledMigrations } from '../../src/generated/migrations.js';
import { TestClock } from '../../src/runtime/clock.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import {
  CONTRIBUTOR_KEY,
  CONTRIBUTOR_ROLE,
  DEFAULT_ID,
  ENV,
  expectError,
  KEY,
  type Kontent,
  makeItem,
  PUBLISHED,
  startKontent,
  variantPath,
  workflowBody,
} from './harness.js';

const T0 = '2030-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(T0) + hours * HOUR).toISOString();
const ENV_B = '2b7c9d1e-8f3a-4b6c-9d2e-1f0a3b5c7d9e';
const KEY_B = 'key-of-environment-b';
const UNKNOWN_ENV = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';

/** In one environment: a workflow, a type and an item with the same codenames everywhere, and its variant. */
async function populate(k: Kontent, env: string, key: string, title: string) {
  const wf = await k.call('POST', '/workflows', workflowBody(), { env, key });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  const type = await k.call(
    'POST',
    '/types',
    { name: 'Article', codename: 'article', elements: [{ name: 'Title', codename: 'title', type: 'text' }] },
    { env, key },
  );
  expect(type.status).toBe(201);
  const item = await k.call(
    'POST',
    '/items',
    { name: 'Home', codename: 'home', external_id: 'home-ext', type: { codename: 'article' } },
    { env, key },
  );
  expect(item.status).toBe(201);
  const v = await k.call(
    'PUT',
    '/items/codename/home/variants/codename/default',
    {
      elements: [{ element: { codename: 'title' }, value: title }],
      workflow: { workflow_identifier: { codename: 'editorial' }, step_identifier: { codename: 'review' } },
    },
    { env, key },
  );
  expect(v.status, JSON.stringify(v.body)).toBe(201);
  return { workflowId: wf.body.id as string, itemId: item.body.id as string };
}

describe.each(testStores())('Kontent environments on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db, {
      clock: new TestClock(T0),
      extra: {
        environments: [{ id: ENV_B, apiKey: KEY_B }],
        keys: [{ key: CONTRIBUTOR_KEY, roleId: CONTRIBUTOR_ROLE, environments: [ENV_B] }],
      },
    });
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  it('keeps two environments apart: the same codenames in both, no data crosses', async () => {
    const a = await populate(k, ENV, KEY, 'Hello from A');
    const b = await populate(k, ENV_B, KEY_B, 'Hello from B');
    expect(a.itemId).not.toBe(b.itemId);
    // Each environment lists its own workflows (the default and its editorial), never the other's.
    const listA = (await k.call('GET', '/workflows')).body.map((w: { id: string }) => w.id);
    const listB = (await k.call('GET', '/workflows', undefined, { env: ENV_B, key: KEY_B })).body.map(
      (w: { id: string }) => w.id,
    );
    expect(listA).toEqual([DEFAULT_ID, a.workflowId]);
    expect(listB).toEqual([DEFAULT_ID, b.workflowId]);
    // The other environment's ids are unknown here.
    expectError(await k.call('GET', `/items/${b.itemId}`), 404, 100);
    expectError(await k.call('GET', variantPath(b.itemId)), 404, 100);
    expectError(await k.call('PUT', `/workflows/${b.workflowId}`, workflowBody()), 404, 119);
    expectError(await k.call('DELETE', `/workflows/${b.workflowId}`), 404, 119);
    // Codenames resolve within the environment.
    const va = await k.call('GET', '/items/codename/home/variants/codename/default');
    const vb = await k.call('GET', '/items/codename/home/variants/codename/default', undefined, {
      env: ENV_B,
      key: KEY_B,
    });
    expect(va.body.elements[0].value).toBe('Hello from A');
    expect(vb.body.elements[0].value).toBe('Hello from B');
    expect(va.body.workflow.workflow_identifier.id).toBe(a.workflowId);
    expect(vb.body.workflow.workflow_identifier.id).toBe(b.workflowId);
    // A change in one leaves the other alone.
    expect((await k.call('DELETE', `/items/${a.itemId}`)).status).toBe(204);
    expect((await k.call('GET', `/items/${b.itemId}`, undefined, { env: ENV_B, key: KEY_B })).status).toBe(200);
    expect((await k.call('DELETE', `/workflows/${a.workflowId}`)).status).toBe(204);
    expect((await k.call('GET', '/workflows', undefined, { env: ENV_B, key: KEY_B })).body).toHaveLength(2);
  });

  it('gives each environment its own default workflow and content model', async () => {
    await k.call('PATCH', '/collections', [{ op: 'addInto', value: { name: 'Blog', codename: 'blog' } }]);
    const colsB = await k.call('GET', '/collections', undefined, { env: ENV_B, key: KEY_B });
    expect(colsB.body.collections.map((c: { codename: string }) => c.codename)).toEqual(['default']);
    const rolesB = await k.call('GET', '/roles', undefined, { env: ENV_B, key: KEY_B });
    expect(rolesB.body.roles).toHaveLength(4);
    const updated = await k.call('PUT', '/workflows/codename/default', {
      ...workflowBody({ name: 'Default', codename: 'default' }),
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const defaultB = (await k.call('GET', '/workflows', undefined, { env: ENV_B, key: KEY_B })).body[0];
    expect(defaultB.steps.map((s: { codename: string }) => s.codename)).toEqual(['draft']);
  });

  it('answers a key outside its environments, and an unknown environment, with 403 (4)', async () => {
    expectError(await k.call('GET', '/workflows', undefined, { env: ENV_B }), 403, 4);
    expectError(await k.call('GET', '/workflows', undefined, { key: KEY_B }), 403, 4);
    expectError(await k.call('GET', '/workflows', undefined, { env: UNKNOWN_ENV }), 403, 4);
    // The personal key is limited to environment B.
    expectError(await k.call('GET', '/workflows', undefined, { key: CONTRIBUTOR_KEY }), 403, 4);
    expect((await k.call('GET', '/workflows', undefined, { env: ENV_B, key: CONTRIBUTOR_KEY })).status).toBe(200);
    expectError(await k.call('GET', '/workflows', undefined, { key: 'nope' }), 401, 0);
  });

  it('schedules and publishes in both environments, each job once', async () => {
    const a = await populate(k, ENV, KEY, 'A');
    const b = await populate(k, ENV_B, KEY_B, 'B');
    expect((await k.call('PUT', `${variantPath(a.itemId)}/publish`, { scheduled_to: at(1) })).status).toBe(204);
    const rb = await k.call(
      'PUT',
      `${variantPath(b.itemId)}/publish`,
      { scheduled_to: at(2) },
      { env: ENV_B, key: KEY_B },
    );
    expect(rb.status).toBe(204);
    k.clock.advance(HOUR);
    expect((await k.app.runDueJobs()).succeeded).toBe(1);
    const step = async (env: string, key: string, id: string) =>
      (await k.call('GET', variantPath(id), undefined, { env, key })).body.workflow.step_identifier.id;
    expect(await step(ENV, KEY, a.itemId)).toBe(PUBLISHED);
    expect(await step(ENV_B, KEY_B, b.itemId)).not.toBe(PUBLISHED);
    k.clock.advance(HOUR);
    expect((await k.app.runDueJobs()).succeeded).toBe(1);
    expect(await step(ENV_B, KEY_B, b.itemId)).toBe(PUBLISHED);
    k.clock.advance(HOUR);
    expect((await k.app.runDueJobs()).succeeded).toBe(0);
  });
});

describe.each(testStores())('two Kontent servers on one $name database', (factory) => {
  it('never see each other’s data, and each scheduled publish fires once', async () => {
    const store = await factory.create();
    const clock = new TestClock(T0);
    const one = await startKontent(store.db, { clock });
    const db2 = await store.connectAgain();
    const two = await startKontent(db2, { clock, extra: { environmentId: ENV_B, apiKey: KEY_B } });
    try {
      const a = await populate(one, ENV, KEY, 'A');
      const b = await populate(two, ENV_B, KEY_B, 'B');
      // Server one does not serve environment B at all, and vice versa.
      expectError(await one.call('GET', '/workflows', undefined, { env: ENV_B, key: KEY_B }), 401, 0);
      expectError(await two.call('GET', `/items/${a.itemId}`, undefined, { env: ENV_B, key: KEY_B }), 404, 100);
      expect((await two.call('GET', '/workflows', undefined, { env: ENV_B, key: KEY_B })).body).toHaveLength(2);
      await one.call('PUT', `${variantPath(a.itemId)}/publish`, { scheduled_to: at(1) });
      await two.call('PUT', `${variantPath(b.itemId)}/publish`, { scheduled_to: at(1) }, { env: ENV_B, key: KEY_B });
      clock.advance(2 * HOUR);
      // Both servers run their executors; each job runs on exactly one of them.
      const [r1, r2] = await Promise.all([one.app.runDueJobs(), two.app.runDueJobs()]);
      expect(r1.succeeded + r2.succeeded).toBe(2);
      expect((await one.app.runDueJobs()).succeeded + (await two.app.runDueJobs()).succeeded).toBe(0);
      const pa = await one.call('GET', `${variantPath(a.itemId)}/published`);
      const pb = await two.call('GET', `${variantPath(b.itemId)}/published`, undefined, { env: ENV_B, key: KEY_B });
      expect(pa.body.elements[0].value).toBe('A');
      expect(pb.body.elements[0].value).toBe('B');
    } finally {
      await two.app.close();
      await one.app.close();
      if (db2 !== store.db) await db2.close();
      await store.close();
    }
  });
});

describe('Kontent data of before environments', () => {
  it('is adopted by the primary environment; other environments start fresh', async () => {
    const db = await openPglite();
    try {
      // The schema of the previous release (migrations before 080), with a workflow written by it.
      await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      await migrate(
        db,
        bundledMigrations.filter((m) => m.number < 80),
      );
      await db.query(
        `INSERT INTO kontent_workflows (id, name, codename, scopes, steps) VALUES
         ('11111111-2222-4333-8444-555555555555', 'Old', 'old', '[]'::jsonb,
          '[{"id":"21111111-2222-4333-8444-555555555555","name":"Old step","codename":"old_step","color":"red","transitions_to":["c199950d-99f0-4983-b711-6c4c91624b22"],"role_ids":[]}]'::jsonb)`,
      );
      const k = await startKontent(db, { extra: { environments: [{ id: ENV_B }] } });
      const primary = (await k.call('GET', '/workflows')).body.map((w: { codename: string }) => w.codename);
      expect(primary).toEqual(['default', 'old']);
      const other = (await k.call('GET', '/workflows', undefined, { env: ENV_B })).body.map(
        (w: { codename: string }) => w.codename,
      );
      expect(other).toEqual(['default']);
      await k.app.close();
    } finally {
      await db.close();
    }
  });
});

describe('Kontent environment configuration', () => {
  it('reads WFKIT_KONTENT_ENVIRONMENTS and keys limited to environments', () => {
    const c = parseConfig({
      WFKIT_KONTENT_ENVIRONMENT_ID: ENV,
      WFKIT_KONTENT_ENVIRONMENTS: `${ENV_B}=${KEY_B}, ${UNKNOWN_ENV}`,
      WFKIT_KONTENT_KEYS: `p1:${CONTRIBUTOR_ROLE}@${ENV_B}|${UNKNOWN_ENV},p2:${CONTRIBUTOR_ROLE}`,
    });
    expect(c.kontent.environments).toEqual([{ id: ENV_B, apiKey: KEY_B }, { id: UNKNOWN_ENV }]);
    expect(c.kontent.keys).toEqual([
      { key: 'p1', roleId: CONTRIBUTOR_ROLE, environments: [ENV_B, UNKNOWN_ENV] },
      { key: 'p2', roleId: CONTRIBUTOR_ROLE },
    ]);
    expect(() => parseConfig({ WFKIT_KONTENT_ENVIRONMENTS: 'prod' })).toThrow(/WFKIT_KONTENT_ENVIRONMENTS/);
    expect(() => parseConfig({ WFKIT_KONTENT_ENVIRONMENT_ID: ENV, WFKIT_KONTENT_ENVIRONMENTS: ENV })).toThrow(
      /listed twice/,
    );
  });
});
