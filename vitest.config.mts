import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'test/lint-fixtures/**'],
    // The @azure/functions-core stand-in must be in place before anything imports @azure/functions.
    setupFiles: ['./local/host/setupFunctionsCore.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
