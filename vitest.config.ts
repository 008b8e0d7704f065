// Test runner settings: one suite, split by folder (unit, workflows, infra, e2e).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CDK synth and sandbox start-ups are slow on 2 cores; keep files in separate processes.
    pool: 'forks',
    // Handlers log errors on purpose in some tests; keep the test output readable.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
