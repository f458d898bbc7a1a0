import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** The suites that run on each HTTP platform (issue 17); the rest is platform-independent. */
const PLATFORM_SUITES = ['test/e2e/**/*.spec.ts', 'test/interop/**/*.spec.ts', 'test/security/**/*.spec.ts'];
/** Platform-independent files under those folders: they run once, in the express project. */
const ONCE = ['test/e2e/integration/package-install.e2e.spec.ts'];

export default defineConfig({
  // The package name resolves to the source, as tsconfig.json's `paths` does for the compiler (test/docs runs
  // the documentation's code blocks, which import 'nestjs-mcp-auth').
  resolve: { alias: { 'nestjs-mcp-auth': fileURLToPath(new URL('./lib/index.ts', import.meta.url)) } },
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // global.gc for heap measurements (test/security/memory-bounds.spec.ts); nothing else changes.
    execArgv: ['--expose-gc'],
    projects: [
      { extends: true, test: { name: 'express', include: ['test/**/*.spec.ts'] } },
      {
        extends: true,
        test: {
          name: 'fastify',
          include: PLATFORM_SUITES,
          exclude: [...configDefaults.exclude, ...ONCE],
          env: { MCP_TEST_HTTP_ADAPTER: 'fastify' },
        },
      },
    ],
  },
});
