import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'doc-test',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
