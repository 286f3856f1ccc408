import { defineConfig } from 'vitest/config';

/** Fleet tests run three watcher processes against leases of 2 s: they get the machine to themselves. */
const FLEET = 'test/watch/fleet/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real servers on ephemeral ports; two workers match the 2-core machines.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [FLEET],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // After the rest (groupOrder), one file at a time: their timings are about leases, not load.
        test: { name: 'fleet', include: [FLEET], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
