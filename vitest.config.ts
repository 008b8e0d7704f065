// Test runner settings: one suite, split by folder (unit, workflows, infra, e2e).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The soak runs are `npm run test:soak` (vitest.soak.config.ts), not part of npm test.
    exclude: ['test/soak/**', 'node_modules/**'],
    // CDK synth and sandbox start-ups are slow on 2 cores; keep files in separate processes.
    pool: 'forks',
    // Handlers log errors on purpose in some tests; keep the test output readable.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
