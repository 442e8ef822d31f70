import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'engine',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    // A fresh PGlite store takes about half a second, more on a busy 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
