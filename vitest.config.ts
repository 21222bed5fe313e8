import { configDefaults, defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/sequencer.js';

export default defineConfig({
  test: {
    pool: 'forks',
    // Three files at a time on two cores: the slow files mostly wait in real time (timeouts, holds,
    // processes starting), and the servers they share are started once by the global setup. Four
    // starved the files that start Herald processes when the machine was busy.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
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
