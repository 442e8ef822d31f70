import { defineConfig } from 'vitest/config';

// One vitest project per workspace package; `pnpm test` runs them through turbo, this file serves `vitest` at the root.
export default defineConfig({
  test: {
    projects: ['specs', 'packages/*', 'apps/*'],
  },
});
