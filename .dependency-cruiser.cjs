/* global module */
/**
 * Layering of lib/ (README, "Architecture"). Checked by test/architecture/layering.spec.ts, which also runs
 * these rules against test/architecture/fixtures/ to show that a violation is reported.
 *
 * Paths are relative to the directory depcruise runs in: `lib/...` for the library, the same shape under the
 * fixture root. Third-party modules resolve to `node_modules/...` (`../../../node_modules/...` from the fixtures).
 *
 * The rules look at direct imports only, type-only imports included (`tsPreCompilationDeps`). Known transitive
 * reach, accepted for now: lib/rules → lib/errors/oauth-error.ts → @nestjs/common (OAuthError extends Nest's
 * HttpException), and, type-only, lib/rules → lib/interfaces/mcp-auth-config.interface.ts → lib/services option
 * types → lib/http/html-page.ts → express.
 */
const NEST = '(^|/)node_modules/@nestjs/';
const EXPRESS = '(^|/)node_modules/(express|@types/express|@types/express-serve-static-core)/';
const FASTIFY = '(^|/)node_modules/(fastify|@fastify/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'rules-are-pure',
      comment:
        'lib/rules holds pure functions: no Nest, no HTTP framework, no injectables, no endpoints, guards, provider or stores. ' +
        'Types from lib/interfaces and errors from lib/errors are allowed.',
      severity: 'error',
      from: { path: '^lib/rules/' },
      to: {
        path: [NEST, EXPRESS, FASTIFY, '^lib/(services|http|endpoints|guards|provider|stores)/'],
      },
    },
    {
      name: 'stores-know-no-http',
      comment: 'Stores throw storage errors (lib/errors/storage-errors.ts) and know nothing of HTTP.',
      severity: 'error',
      from: { path: '^lib/stores/' },
      to: {
        path: [EXPRESS, FASTIFY, '^lib/(http|endpoints|guards)/', '^lib/errors/oauth-exception\\.filter\\.ts$'],
      },
    },
    {
      name: 'guards-see-only-the-verifier-contract',
      comment:
        'The guard verifies tokens through the TokenVerifier contract (lib/interfaces), never the provider or a store.',
      severity: 'error',
      from: { path: '^lib/guards/' },
      to: { path: '^lib/(provider|stores|endpoints)/' },
    },
    {
      name: 'nothing-imports-the-module-file',
      comment: 'Only the package entry point imports McpAuthModule; everything else is wired by providers.',
      severity: 'error',
      from: { pathNot: '^lib/index\\.ts$' },
      to: { path: '^lib/mcp-auth\\.module\\.ts$' },
    },
    {
      name: 'no-runtime-cycles',
      comment:
        'No import cycle made of runtime imports. Cycles through a type-only import are not counted (tsc erases them): ' +
        'the mutual types of lib/interfaces (config ↔ provider protocol) and provider ↔ upstream ↔ interaction remain.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
