import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/runtime/clock.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import {
  ARCHIVED,
  DRAFT_STEP,
  expectError,
  type Kontent,
  makeItem,
  PUBLISHED,
  SCHEDULED,
  startKontent,
  variantPath,
} from './harness.js';

const T0 = '2030-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(T0) + hours * HOUR).toISOString();

describe.each(testStores())('Kontent scheduled publishing on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  let itemId: string;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db, { clock: new TestClock(T0) });
    ({ itemId } = await makeItem(k));
    await k.call('PUT', variantPath(itemId), { elements: [{ element: { codename: 'title' }, value: 'Hello' }] });
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  const variant = async () => (await k.call('GET', variantPath(itemId))).body;
  const jobs = () => k.app.jobs().queue.list(k.app.db(), {});

  it('refuses a schedule in the past (path scheduled_to) without changing anything', async () => {
    expectError(
      await k.call('PUT', `${variantPath(itemId)}/publish`, { scheduled_to: at(-1) }),
      400,
      5,
      'scheduled_to',
    );
    expect((await variant()).workflow.step_identifier.id).toBe(DRAFT_STEP);
    expect(await jobs()).toHaveLength(0);
  });

  it('publishes at the scheduled time, once', async () => {
    const r = await k.call('PUT', `${variantPath(itemId)}/publish`, {
      scheduled_to: at(2),
      display_timezone: 'Europe/Prague',
    });
    expect(r.status).toBe(204);
    const scheduled = await variant();
    expect(scheduled.workflow.step_identifier.id).toBe(SCHEDULED);
    expect(scheduled.schedule).toMatchObject({ publish_time: at(2), publish_display_timezone: 'Europe/Prague' });
    expectError(await k.call('PUT', variantPath(itemId), { note: 'x' }), 400, 5);
    k.clock.advance(HOUR);
    expect((await k.app.runDueJobs()).succeeded).toBe(0);
    expect((await variant()).workflow.step_identifier.id).toBe(SCHEDULED);
    k.clock.advance(HOUR);
    expect((await k.app.runDueJobs()).succeeded).toBe(1);
    const published = await variant();
    expect(published.workflow.step_identifier.id).toBe(PUBLISHED);
    expect(published.schedule.publish_time).toBeNull();
    expect((await k.call('GET', `${variantPath(itemId)}/published`)).body.elements[0].value).toBe('Hello');
    k.clock.advance(HOUR);
    expect(await k.app.runDueJobs()).toEqual({ succeeded: 0, retried: 0, deadLettered: 0 });
    expect(await jobs()).toHaveLength(0);
  });

  it('cancels a scheduled publish back to the first step (218 when nothing is scheduled)', async () => {
    expectError(await k.call('PUT', `${variantPath(itemId)}/cancel-scheduled-publish`), 400, 218);
    await k.call('PUT', `${variantPath(itemId)}/publish`, { scheduled_to: at(1) });
    expect((await k.call('PUT', `${variantPath(itemId)}/cancel-scheduled-publish`)).status).toBe(204);
    expect((await variant()).workflow.step_identifier.id).toBe(DRAFT_STEP);
    k.clock.advance(2 * HOUR);
    await k.app.runDueJobs();
    expect((await variant()).workflow.step_identifier.id).toBe(DRAFT_STEP);
  });

  it('schedules publish and unpublish together; both fire in order; the published version goes', async () => {
    expectError(
      await k.call('PUT', `${variantPath(itemId)}/schedule-publish-and-unpublish`, {
        publish_scheduled_to: at(3),
        unpublish_scheduled_to: at(2),
      }),
      400,
      5,
      'unpublish_scheduled_to',
    );
    const r = await k.call('PUT', `${variantPath(itemId)}/schedule-publish-and-unpublish`, {
      publish_scheduled_to: at(1),
      publish_display_timezone: 'UTC',
      unpublish_scheduled_to: at(3),
    });
    expect(r.status).toBe(204);
    expect((await variant()).schedule).toMatchObject({ publish_time: at(1), unpublish_time: at(3) });
    k.clock.advance(HOUR);
    await k.app.runDueJobs();
    expect((await variant()).workflow.step_identifier.id).toBe(PUBLISHED);
    k.clock.advance(2 * HOUR);
    await k.app.runDueJobs();
    expect((await variant()).workflow.step_identifier.id).toBe(ARCHIVED);
    expectError(await k.call('GET', `${variantPath(itemId)}/published`), 404, 122);
  });

  it('refuses an unpublish date for a variant that is neither published nor scheduled', async () => {
    expectError(
      await k.call('PUT', `${variantPath(itemId)}/schedule-publish-and-unpublish`, { unpublish_scheduled_to: at(1) }),
      400,
      5,
      'unpublish_scheduled_to',
    );
    expectError(await k.call('PUT', `${variantPath(itemId)}/unpublish-and-archive`, { scheduled_to: at(1) }), 400, 213);
  });

  it('cancels a scheduled unpublish (218 when none); the variant stays published', async () => {
    await k.call('PUT', `${variantPath(itemId)}/publish`);
    expectError(await k.call('PUT', `${variantPath(itemId)}/cancel-scheduled-unpublish`), 400, 218);
    expect((await k.call('PUT', `${variantPath(itemId)}/unpublish-and-archive`, { scheduled_to: at(1) })).status).toBe(
      204,
    );
    expect((await variant()).schedule.unpublish_time).toBe(at(1));
    expect((await k.call('PUT', `${variantPath(itemId)}/cancel-scheduled-unpublish`)).status).toBe(204);
    k.clock.advance(2 * HOUR);
    await k.app.runDueJobs();
    expect((await variant()).workflow.step_identifier.id).toBe(PUBLISHED);
  });

  it('keeps a schedule across a restart of the store and fires it once', async () => {
    await k.call('PUT', `${variantPath(itemId)}/publish`, { scheduled_to: at(1) });
    await k.app.close();
    const db = await store.restart();
    const clock = new TestClock(at(2));
    k = await startKontent(db, { clock });
    expect((await k.app.runDueJobs()).succeeded).toBe(1);
    expect((await variant()).workflow.step_identifier.id).toBe(PUBLISHED);
    expect((await k.app.runDueJobs()).succeeded).toBe(0);
  });

  it('deleting an item removes its variants and their scheduled jobs', async () => {
    await k.call('PUT', `${variantPath(itemId)}/publish`, { scheduled_to: at(1) });
    expect(await jobs()).toHaveLength(1);
    expect((await k.call('DELETE', `/items/${itemId}`)).status).toBe(204);
    expect(await jobs()).toHaveLength(0);
    expectError(await k.call('GET', variantPath(itemId)), 404, 100);
  });
});

describe('Kontent scheduled publishing in a PGlite data folder', () => {
  it('survives closing and reopening the store on the same folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfkit-kontent-'));
    try {
      let k = await startKontent({ dataDir: join(dir, 'data') }, { clock: new TestClock(T0) });
      const { itemId } = await makeItem(k);
      await k.call('PUT', variantPath(itemId), {});
      expect((await k.call('PUT', `${variantPath(itemId)}/publish`, { scheduled_to: at(1) })).status).toBe(204);
      await k.app.close();
      k = await startKontent({ dataDir: join(dir, 'data') }, { clock: new TestClock(at(1)) });
      expect((await k.call('GET', variantPath(itemId))).body.workflow.step_identifier.id).toBe(SCHEDULED);
      expect((await k.app.runDueJobs()).succeeded).toBe(1);
      expect((await k.call('GET', variantPath(itemId))).body.workflow.step_identifier.id).toBe(PUBLISHED);
      expect((await k.app.runDueJobs()).succeeded).toBe(0);
      await k.app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
