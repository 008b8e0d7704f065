// npm run test:soak: the long runs kept out of npm test (a larger load, several SIGKILLs of the sandbox).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    pool: 'forks',
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
