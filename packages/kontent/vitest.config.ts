import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    // CI runs on 2 shared cores: a bound that fails on load, not on behaviour, would make the suite flaky.
    testTimeout: 30_000,
    name: 'kontent',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
  },
});
