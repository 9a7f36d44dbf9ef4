import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vitest keeps its results cache under `<cacheDir>/vitest`; .vitest-cache/ is git-ignored.
  cacheDir: '.vitest-cache',
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // e2e files start a moto server (~0.5 s) and spawn the CLI; unit tests finish long before this.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    // Child processes per file (moto, awsrole, shells) are the load, not the worker itself:
    // one worker per core on the 2-core machines this runs on.
    pool: 'forks',
    maxWorkers: 2,
    // Never pick up a developer's AWS settings through the test process itself.
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  },
});
