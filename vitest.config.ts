import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: no test may fail because a loaded CI machine ran it slowly (a hang still fails).
    // Speed is shown by bench/, not by timeouts.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
