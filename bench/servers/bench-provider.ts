import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  DefaultOAuthProvider,
  MemoryOAuthStore,
  type McpAuthModuleOptions,
  type OAuthStore,
  type OAuthClientInformation,
} from '../../lib/index.js';
import { BENCH_CLIENT_ID, BENCH_ISSUER, BENCH_RESOURCE, BENCH_SCOPE, BENCH_SUBJECT } from './mcp-request.js';

/** The PKCE verifier every benchmark code is bound to (RFC 7636 §4.1: 43–128 unreserved characters). */
export const BENCH_CODE_VERIFIER = 'bench-code-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
export const BENCH_REDIRECT_URI = 'http://127.0.0.1/callback';
const CODE_CHALLENGE = createHash('sha256').update(BENCH_CODE_VERIFIER).digest('base64url');

/** The benchmark's public client, as an MCP client registers itself (RFC 7591, `token_endpoint_auth_method: none`). */
export const BENCH_CLIENT: OAuthClientInformation = {
  clientId: BENCH_CLIENT_ID,
  redirectUris: [BENCH_REDIRECT_URI],
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  clientIdIssuedAt: Math.floor(Date.now() / 1000),
};

/** Module options of authorization-server mode with the built-in provider on the memory store, rate limits off. */
export function jwtModuleOptions(providerOptions: { verifiedTokenCacheSize?: number; store?: OAuthStore } = {}): {
  provider: DefaultOAuthProvider;
  options: McpAuthModuleOptions;
} {
  const provider = new DefaultOAuthProvider({
    ...providerOptions,
    store: providerOptions.store ?? new MemoryOAuthStore(),
    signingKeys: [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }],
    users: { bench: { password: 'bench-password', subject: BENCH_SUBJECT } },
    lifetimes: { authorizationCode: 600, accessToken: 3600 },
  });
  return {
    provider,
    options: {
      issuerUrl: BENCH_ISSUER,
      resourceServerUrl: BENCH_RESOURCE,
      provider,
      scopesSupported: [BENCH_SCOPE],
      rateLimits: false,
    },
  };
}

/**
 * Mints `count` authorization codes as a completed consent would (a grant and
 * a code per call), through the provider's own approval path.
 */
export async function mintBenchCodes(provider: DefaultOAuthProvider, count: number): Promise<string[]> {
  if (!(await provider.getClient(BENCH_CLIENT_ID))) await provider.registerClient({ ...BENCH_CLIENT });
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const location = await provider.approveInteraction(
      {
        clientId: BENCH_CLIENT_ID,
        clientRedirectUris: [BENCH_REDIRECT_URI],
        scopes: [BENCH_SCOPE],
        codeChallenge: CODE_CHALLENGE,
        redirectUri: BENCH_REDIRECT_URI,
        redirectUriProvidedExplicitly: true,
        resource: BENCH_RESOURCE,
        csrfToken: 'bench',
        expiresAtMs: Date.now() + 600_000,
      },
      BENCH_SUBJECT,
    );
    codes.push(new URL(location).searchParams.get('code')!);
  }
  return codes;
}

/** Redeems `count` fresh codes through the provider; returns the token responses (JWT access token + refresh token). */
export async function exchangeBenchCodes(provider: DefaultOAuthProvider, count: number) {
  const client = (await provider.getClient(BENCH_CLIENT_ID)) ?? BENCH_CLIENT;
  const tokens = [];
  for (const code of await mintBenchCodes(provider, count)) {
    const loaded = await provider.loadAuthorizationCode(client, code);
    if (!loaded) throw new Error('bench: freshly minted code did not load');
    tokens.push(await provider.exchangeAuthorizationCode(client, loaded));
  }
  return tokens;
}

/** `count` valid ES256 JWT access tokens for the benchmark resource. */
export async function issueBenchAccessTokens(provider: DefaultOAuthProvider, count: number): Promise<string[]> {
  return (await exchangeBenchCodes(provider, count)).map((t) => t.accessToken);
}
