import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { documentationFiles } from '../support/doc-blocks.js';

/**
 * The public API is a decision, not an accident: adding or removing an export
 * of a package entry point fails here until the lists below (and docs/public-api.md)
 * are updated.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const INDEX = join(repoRoot, 'lib/index.ts');

/** Runtime exports of `nestjs-mcp-auth` (lib/index.ts), grouped as in docs/public-api.md. */
const RUNTIME_EXPORTS = [
  // Module and configuration
  'McpAuthModule',
  'MCP_AUTH_CONFIG',
  'resolveMcpAuthConfig',
  'McpAuthConfigurationError',
  'AUTHORIZATION_SERVER_METADATA_EXTENSIONS',
  // Guard, decorators, identity
  'BearerAuthGuard',
  'RequireScopes',
  'Public',
  'NotMcpEndpoint',
  'McpToolName',
  'CurrentAuth',
  'AuthContext',
  'getAccessToken',
  'ToolScopeRegistry',
  'filterToolsByScopes',
  'canonicalResourceUri',
  'sameResource',
  // Built-in authorization server and stores
  'DefaultOAuthProvider',
  'StorageUnavailableError',
  'MemoryOAuthStore',
  'RedisOAuthStore',
  'RedisThrottlerStorage',
  'REDIS_FAIL_FAST_OPTIONS',
  'PostgresOAuthStore',
  'PostgresSchemaVersionError',
  'POSTGRES_FAIL_FAST_OPTIONS',
  'migrate',
  'McpAuthOperations',
  // Verifiers
  'JwksTokenVerifier',
  'IntrospectionTokenVerifier',
  // OAuth errors
  'OAuthError',
  'InvalidRequestError',
  'InvalidClientError',
  'InvalidGrantError',
  'UnauthorizedClientError',
  'UnsupportedGrantTypeError',
  'UnsupportedResponseTypeError',
  'UnsupportedTokenTypeError',
  'InvalidScopeError',
  'InvalidTargetError',
  'InvalidTokenError',
  'InsufficientScopeError',
  'InvalidClientMetadataError',
  'InvalidRedirectUriError',
  'AccessDeniedError',
  'TemporarilyUnavailableError',
  'ServerError',
  // Client ID Metadata Documents
  'ClientIdMetadataDocumentResolver',
  'MetadataDocumentFetchError',
  'createHttpsMetadataFetcher',
  'isMetadataDocumentClient',
  // Upstream sign-in
  'UpstreamLogin',
  'githubUpstream',
  'googleUpstream',
  'entraUpstream',
  // Authorization extensions (S67, S68)
  'CLIENT_CREDENTIALS_GRANT_TYPE',
  'JWT_BEARER_GRANT_TYPE',
  'ID_JAG_TYPE',
];

/** Type-only exports of lib/index.ts. */
const TYPE_EXPORTS = [
  // Module options and the resolved configuration
  'McpAuthModuleOptions',
  'McpAuthModuleExtras',
  'RateLimit',
  'RateLimitOptions',
  'ClientRegistrationOptions',
  'InputLimitOptions',
  'IntrospectionOptions',
  'PrivateKeyJwtOptions',
  'ScopeHierarchyDeclaration',
  'PageBrandingOptions',
  'ClientRegistrationPolicy',
  'ClientRegistrationMetadata',
  'ClientRegistrationRequestContext',
  'ClientRegistrationDecision',
  'McpAuthConfig',
  'AuthorizationServerConfig',
  'ResourceServerConfig',
  'AuthorizationServerMetadataExtension',
  // The provider protocol and its models
  'OAuthAuthorizationServerProvider',
  'ClientRegistrationContext',
  'TokenEndpointAuthMethod',
  'ClientJsonWebKeySet',
  'OAuthClientMetadata',
  'OAuthClientInformation',
  'AuthorizationParams',
  'AuthorizationCode',
  'RefreshToken',
  'AccessToken',
  'AccessTokenConfirmation',
  'TokenBinding',
  'ToolScopeLookup',
  'OAuthToken',
  // DefaultOAuthProvider
  'DefaultOAuthProviderOptions',
  'DefaultAuthorizationCode',
  'DefaultRefreshToken',
  'DefaultAccessToken',
  'AuthenticatedUser',
  'AuthenticateHook',
  'PasswordCheck',
  'StaticUsers',
  'ProviderLifetimes',
  'SigningAlgorithm',
  'KeyMaterial',
  'SigningKeyInput',
  'Clock',
  // The store contract and store options
  'OAuthStore',
  'StoredClient',
  'InteractionRecord',
  'UpstreamLoginRecord',
  'UpstreamFlowRecord',
  'UpstreamFlowLookup',
  'UpstreamTokenRecord',
  'AuthorizationCodeRecord',
  'AuthorizationCodeLookup',
  'GrantRecord',
  'RefreshTokenRecord',
  'RefreshTokenLookup',
  'RotatedRefreshToken',
  'ConsentRecord',
  'SessionRecord',
  'MemoryOAuthStoreOptions',
  'RedisOAuthStoreOptions',
  'RedisThrottlerStorageOptions',
  'PostgresOAuthStoreOptions',
  'PostgresOAuthStoreOpenOptions',
  'MigrationResult',
  // Events
  'McpAuthEvent',
  'McpAuthEventBase',
  'McpAuthEventInput',
  'McpAuthEventListener',
  'ClientRegisteredEvent',
  'ConsentGivenEvent',
  'TokensIssuedEvent',
  'RefreshReuseDetectedEvent',
  'GrantRevokedEvent',
  'LoginFailedEvent',
  'StepUpChallengedEvent',
  // Verifiers
  'TokenVerifier',
  'JwksTokenVerifierOptions',
  'IntrospectionTokenVerifierOptions',
  // Errors
  'OAuthErrorCode',
  'OAuthErrorBody',
  // Client ID Metadata Documents
  'ClientIdMetadataDocumentOptions',
  'MetadataDocumentAuthMethod',
  'MetadataDocumentFetcher',
  'MetadataDocumentFetchRequest',
  'MetadataDocumentFetchResponse',
  'HttpsMetadataFetcherOptions',
  'HostResolver',
  'MetadataDocumentClient',
  'MetadataDocumentSource',
  // Upstream sign-in
  'UpstreamLoginOptions',
  'UpstreamIdentity',
  'UpstreamUserMapper',
  'UpstreamProviderConfig',
  'OidcUpstreamConfig',
  'OAuth2UpstreamConfig',
  'UpstreamProfile',
  'UpstreamProfileLoader',
  'UpstreamTokenSet',
  'UpstreamPresetOptions',
  'EntraUpstreamOptions',
  // Authorization extensions (S67, S68)
  'ClientCredentialsOptions',
  'EnterpriseManagedAuthorizationOptions',
  'TrustedIdentityProvider',
  'IdentityAssertionSubject',
  'IdentityAssertionSubjectMapper',
  'SubjectType',
  'SubjectTokenRequest',
  // DPoP (S69)
  'DpopOptions',
  'DpopNonceOptions',
];

/** The package's entry points (`exports` of package.json) and the file behind each JavaScript one. */
const ENTRY_POINTS = { '.': './dist/lib/index.js', './package.json': './package.json' };

const sorted = (names: Iterable<string>) => [...names].sort();

/** Every name lib/index.ts exports to the type system, split into those with a runtime value and type-only ones. */
function compilerView(): { values: string[]; types: string[] } {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    experimentalDecorators: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  const values: string[] = [];
  const types: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const typeOnly = !(target.flags & ts.SymbolFlags.Value) || isTypeOnlyExport(exported);
    (typeOnly ? types : values).push(exported.getName());
  }
  return { values: sorted(values), types: sorted(types) };
}

/** `export type { X }` / `export { type X }` / `export type * from` re-export values as types only. */
function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some(
    (declaration) =>
      (ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly)) ||
      (ts.isExportDeclaration(declaration) && declaration.isTypeOnly),
  );
}

describe('public API', () => {
  it('the package has exactly the listed entry points', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      exports: Record<string, string | { import: string; types: string }>;
    };
    const targets = Object.fromEntries(
      Object.entries(pkg.exports).map(([entry, target]) => [
        entry,
        typeof target === 'string' ? target : target.import,
      ]),
    );
    expect(targets).toEqual(ENTRY_POINTS);
    expect(pkg.main).toBe(ENTRY_POINTS['.']);
    expect(pkg.types).toBe('./dist/lib/index.d.ts');
  });

  it('lib/index.ts exports exactly the listed runtime names', async () => {
    const runtime = await import('../../lib/index.js');
    expect(sorted(Object.keys(runtime))).toEqual(sorted(RUNTIME_EXPORTS));
  });

  it('lib/index.ts exports exactly the listed type-only names, and the compiler agrees on the runtime ones', () => {
    const { values, types } = compilerView();
    expect(values).toEqual(sorted(RUNTIME_EXPORTS));
    expect(types).toEqual(sorted(TYPE_EXPORTS));
  }, 120_000);

  it('every name the README and docs/ import from the package, and every name docs/public-api.md lists, is exported', () => {
    const docs = documentationFiles(repoRoot).map((file) => readFileSync(join(repoRoot, file), 'utf8'));
    const exported = new Set([...RUNTIME_EXPORTS, ...TYPE_EXPORTS]);
    const imported = docs.flatMap((text) =>
      [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'nestjs-mcp-auth'/g)].flatMap((match) =>
        match[1]!
          .split(',')
          .map((name) => name.trim().replace(/^type\s+/, ''))
          .filter(Boolean),
      ),
    );
    expect(imported.length).toBeGreaterThan(10);
    const publicApi = readFileSync(join(repoRoot, 'docs/public-api.md'), 'utf8');
    const section = /^# Public API\n([\s\S]*)$/.exec(publicApi)?.[1];
    expect(section, 'docs/public-api.md starts with "# Public API"').toBeDefined();
    const listed = [...section!.matchAll(/`@?([A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`/g)].map((match) => match[1]!);
    expect(imported.filter((name) => !exported.has(name))).toEqual([]);
    expect(listed.filter((name) => !exported.has(name))).toEqual([]);
    expect(sorted(RUNTIME_EXPORTS.filter((name) => !listed.includes(name)))).toEqual([]);
  });
});

/** lib/ compiled to declarations with tsconfig.build.json, in memory: path → text. */
function emitDeclarations(): { options: ts.CompilerOptions; files: Map<string, string> } {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const outDir = join(repoRoot, '.public-api-declarations');
  const options = { ...parsed.options, outDir, emitDeclarationOnly: true, sourceMap: false, declarationMap: false };
  const files = new Map<string, string>();
  const program = ts.createProgram(parsed.fileNames, options);
  const result = program.emit(undefined, (path, text) => files.set(path, text));
  expect(result.diagnostics.map((diagnostic) => diagnostic.messageText)).toEqual([]);
  return { options, files };
}

describe('declarations (stripInternal)', () => {
  it('@internal members leave the .d.ts, and what remains type-checks on its own', () => {
    const { options, files } = emitDeclarations();
    expect(options.stripInternal).toBe(true);
    const outDir = options.outDir!;
    const provider = files.get(join(outDir, 'lib/provider/default-oauth-provider.d.ts'));
    expect(provider).toContain('readonly store: OAuthStore;');
    expect(provider).not.toMatch(/readonly (pages|lifetimes|upstream)\b/);
    expect(provider).not.toMatch(/\bget settings\(\)/);

    const host = ts.createCompilerHost({ ...options, noEmit: true });
    const isVirtualDirectory = (directory: string) =>
      [...files.keys()].some((path) => path.startsWith(directory.endsWith('/') ? directory : `${directory}/`));
    const { fileExists, readFile, directoryExists } = host;
    host.fileExists = (path) => files.has(path) || fileExists.call(host, path);
    host.readFile = (path) => files.get(path) ?? readFile.call(host, path);
    host.directoryExists = (directory) =>
      isVirtualDirectory(directory) || (directoryExists?.call(host, directory) ?? false);
    const program = ts.createProgram(
      [...files.keys()],
      { ...options, noEmit: true, emitDeclarationOnly: false, declaration: false, skipLibCheck: false },
      host,
    );
    const problems = [...files.keys()].flatMap((path) => {
      const source = program.getSourceFile(path)!;
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
        (diagnostic) =>
          `${path.slice(outDir.length + 1)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
      );
    });
    expect(problems).toEqual([]);
  }, 300_000);
});
