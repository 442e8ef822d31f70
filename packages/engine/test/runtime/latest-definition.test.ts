/**
 * Where this process alone writes the store (PGlite), the runtime keeps the latest definition of a key between
 * deployments. Every Runtime over the same store shares what it keeps, so a deploy through one is seen by another at
 * once; on PostgreSQL nothing is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/dialects/bpmn/index.js';
import { Runtime } from '../../src/runtime/commands.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { bpmn } from '../helpers/bpmn.js';

const version = (name: string) =>
  bpmn(`<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/><userTask id="t" name="${name}"/>`, {
    id: 'shared',
  });

describe.each(testStores())('the latest definition of a key on $name', (factory) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('is the newest deployment, whichever Runtime over the store deployed it', async () => {
    store = await factory.create();
    const one = new Runtime({ db: store.db });
    const other = new Runtime({ db: store.db });
    const deploy = async (rt: Runtime, name: string) =>
      (await rt.deploy({ graphs: (await compileBpmn(version(name))).graphs })).definitions[0]!.id;
    const v1 = await deploy(one, 'first');
    expect((await one.latestDefinition(store.db, 'shared'))?.id).toBe(v1);
    expect((await other.latestDefinition(store.db, 'shared'))?.id).toBe(v1);
    const v2 = await deploy(other, 'second');
    expect((await one.latestDefinition(store.db, 'shared'))?.id).toBe(v2);
    const { deploymentId } = await other.deploy({ graphs: (await compileBpmn(version('third'))).graphs });
    expect((await one.latestDefinition(store.db, 'shared'))?.version).toBe(3);
    await one.deleteDeployment(deploymentId);
    expect((await other.latestDefinition(store.db, 'shared'))?.id).toBe(v2);
  });
});
