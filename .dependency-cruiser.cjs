/* global module */
/**
 * Layering of lib/ (README, "Architecture"). Checked by test/architecture/layering.spec.ts, which also runs
 * these rules against test/architecture/fixtures/ to show that a violation is reported.
 *
 * Paths are relative to the directory depcruise runs in: `lib/...` for the library, the same shape under the
 * fixture root. Third-party modules resolve to `node_modules/...` (`../../../node_modules/...` from the fixtures).
 *
 * Type-only imports count like any other (`tsPreCompilationDeps`): a type is a dependency of the code that names it.
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
      name: 'rules-reach-no-framework',
      comment:
        'Nothing lib/rules imports, directly or through any chain of imports (type-only ones included), reaches Nest, ' +
        'Express or Fastify: errors, contracts and option types a rule uses are framework-free too.',
      severity: 'error',
      from: { path: '^lib/rules/' },
      to: { path: [NEST, EXPRESS, FASTIFY], reachable: true },
    },
    {
      name: 'interfaces-are-contracts',
      comment:
        'lib/interfaces holds contracts and option types: it names no injectable, endpoint, page, provider or store ' +
        '(resolved option types live beside the options, not in the services that resolve them).',
      severity: 'error',
      from: { path: '^lib/interfaces/' },
      to: { path: '^lib/(services|http|endpoints|guards|provider|stores|interaction|upstream)/' },
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
      name: 'no-cycles',
      comment: 'No import cycle, type-only imports included: types shared by two modules live in a leaf both import.',
      severity: 'error',
      from: {},
      to: { circular: true },
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
