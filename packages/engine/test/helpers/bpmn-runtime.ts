import { afterEach } from 'vitest';
import { compileBpmn } from '../../src/dialects/bpmn/index.js';
import { TestClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/commands.js';
import type { TestStore, TestStoreFactory } from '../../src/store/test-stores.js';

/**
 * For a `describe` block: a function that deploys BPMN on a Runtime over a fresh store (closing the previous one) and
 * returns the Runtime and its store; the last store is closed after each test. The clock starts at `start`.
 */
export function bpmnRuntimeOn(factory: TestStoreFactory, start = '2026-01-01T00:00:00Z') {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return async function setup(xml: string) {
    await store?.close();
    store = await factory.create();
    const rt = new Runtime({ db: store.db, clock: new TestClock(new Date(start)) });
    const { graphs } = await compileBpmn(xml);
    await rt.deploy({ graphs, source: xml });
    return { rt, db: store.db };
  };
}
