import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { DEFAULT_ID, expectError, type Kontent, startKontent } from './harness.js';

describe.each(testStores())('Kontent languages on $name', (factory) => {
  let store: TestStore;
  let k: Kontent;
  let es: string;
  let fr: string;
  beforeEach(async () => {
    store = await factory.create();
    k = await startKontent(store.db);
    es = (await k.call('POST', '/languages', { name: 'Spanish', codename: 'es-ES' })).body.id;
    fr = (await k.call('POST', '/languages', { name: 'French', codename: 'fr-FR', fallback_language: { id: es } })).body
      .id;
  });
  afterEach(async () => {
    await k.app.close();
    await store.close();
  });

  it('modifies a language by id and by codename', async () => {
    const a = await k.call('PATCH', `/languages/${es}`, [
      { op: 'replace', property_name: 'name', value: 'Spanish (Spain)' },
      { op: 'replace', property_name: 'codename', value: 'es' },
      { op: 'replace', property_name: 'is_active', value: false },
    ]);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({ id: es, name: 'Spanish (Spain)', codename: 'es', is_active: false });
    const b = await k.call('PATCH', '/languages/codename/fr-FR', [
      { op: 'replace', property_name: 'fallback_language', value: { codename: 'default' } },
    ]);
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(b.body.fallback_language).toEqual({ id: DEFAULT_ID });
    expect((await k.call('GET', '/languages/codename/es')).body.is_active).toBe(false);
  });

  it('refuses what Kontent refuses, storing none of the operations', async () => {
    // Spanish falls back to French, which falls back to Spanish: a cycle.
    expectError(
      await k.call('PATCH', `/languages/${es}`, [
        { op: 'replace', property_name: 'name', value: 'Renamed' },
        { op: 'replace', property_name: 'fallback_language', value: { id: fr } },
      ]),
      400,
      5,
      '[1].value',
    );
    expect((await k.call('GET', `/languages/${es}`)).body.name).toBe('Spanish');
    expectError(
      await k.call('PATCH', `/languages/${fr}`, [{ op: 'replace', property_name: 'codename', value: 'es-ES' }]),
      400,
      5,
      '[0].value',
    );
    expectError(
      await k.call('PATCH', `/languages/${DEFAULT_ID}`, [{ op: 'replace', property_name: 'is_active', value: false }]),
      400,
      5,
    );
    expectError(
      await k.call('PATCH', `/languages/${fr}`, [
        { op: 'replace', property_name: 'fallback_language', value: { codename: 'nope' } },
      ]),
      400,
      5,
    );
    expectError(
      await k.call('PATCH', `/languages/${fr}`, [{ op: 'remove', property_name: 'name', value: 'x' }]),
      400,
      5,
    );
    expectError(
      await k.call('PATCH', '/languages/codename/nope', [{ op: 'replace', property_name: 'name', value: 'x' }]),
      404,
      111,
    );
  });
});
