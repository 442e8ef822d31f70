import { defineProject } from 'vitest/config';

// Each file starts its Prism servers once; files run one after the other (2-core CI).
export default defineProject({
  test: {
    name: 'contract-tests',
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
