import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores: two test files at a time, each with its own servers.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'herald',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/server/**'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        // Herald on the production Temporal server (TEMPORAL_MODE=server), built with Go on first
        // use: its global setup runs only when one of these files is selected.
        extends: true,
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/support/global-setup-server.ts'],
        },
      },
    ],
  },
});
