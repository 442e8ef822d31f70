/**
 * Camunda 7's engine test suite, translated: see harness.ts. Prints `P/N pass` per store at the end.
 * Run `node scripts/fetch-camunda-suite.mjs` first (CI does); without the files the suite is skipped.
 */
import { afterAll, describe, it } from 'vitest';
import { testStores } from '../../../src/store/test-stores.js';
import { areas } from './cases/index.js';
import { FETCH_COMMAND, registerAreas, report, SUITE_DIR, suiteAvailable, type Tally } from './harness.js';

if (!suiteAvailable) {
  console.warn(
    `Camunda conformance suite skipped: no Camunda test resources in ${SUITE_DIR} (run \`${FETCH_COMMAND}\` from the repository root, or set WFKIT_CAMUNDA_SUITE)`,
  );
  describe.skip('Camunda 7 conformance (resources not fetched)', () => {
    it('needs the fetched resources', () => {});
  });
} else {
  describe.each(testStores())('Camunda 7 conformance on $name', (factory) => {
    const tally: Tally = { store: factory.name, passed: [], failed: [] };
    registerAreas(factory, areas, tally);
    afterAll(() => report(tally, areas));
  });
}
