import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // global.gc for heap measurements (test/security/memory-bounds.spec.ts); nothing else changes.
    execArgv: ['--expose-gc'],
  },
});
