import { generateKeyPairSync } from 'node:crypto';
import type { OAuthClientInformation } from '../../lib/interfaces/oauth-models.js';
import { DefaultOAuthProvider } from '../../lib/provider/default-oauth-provider.js';
import type { DefaultOAuthProviderOptions } from '../../lib/provider/default-oauth-provider.options.js';
import { hashValue } from '../../lib/rules/secure-values.js';
import { resolveMcpAuthConfig } from '../../lib/services/mcp-auth-config.factory.js';
import { MemoryOAuthStore } from '../../lib/stores/memory-oauth-store.js';
import { ManualClock } from './manual-clock.js';

export const ISSUER = 'http://127.0.0.1:1234';
export const RESOURCE = 'http://127.0.0.1:1234/mcp';

/** A fresh EC P-256 key pair as PEM. */
export function ecKeyPem(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

/** An initialized provider on a manual clock and memory store. */
export function makeProvider(options: DefaultOAuthProviderOptions = {}, issuer = ISSUER) {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const store = options.store ?? new MemoryOAuthStore({ clock, sweepIntervalMs: 0 });
  const provider = new DefaultOAuthProvider({
    users: { alice: { password: 'wonderland', name: 'Alice' } },
    signingKeys: [{ kid: 'key-1', privateKey: ecKeyPem().privateKey }],
    ...options,
    clock,
    store,
  });
  provider.initialize(resolveMcpAuthConfig({ issuerUrl: issuer, resourceServerUrl: RESOURCE, provider }));
  return { provider, clock, store };
}

export const client: OAuthClientInformation = {
  clientId: 'client-1',
  clientName: 'Notes Client',
  redirectUris: ['http://127.0.0.1:9999/callback'],
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
};

export const otherClient: OAuthClientInformation = { ...client, clientId: 'client-2' };

/** Runs authorize + approval and returns the issued code. */
export async function issueCode(
  provider: DefaultOAuthProvider,
  scopes = ['notes:read', 'notes:write'],
  forClient: OAuthClientInformation = client,
): Promise<string> {
  const consentUrl = await provider.authorize(forClient, {
    scopes,
    state: 'st',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    redirectUri: forClient.redirectUris[0],
    redirectUriProvidedExplicitly: true,
    resource: RESOURCE,
  });
  const interactionId = new URL(consentUrl).searchParams.get('interaction')!;
  const interaction = await provider.store.takeInteraction(hashValue(interactionId));
  const redirect = await provider.approveInteraction(interaction!, 'alice');
  return new URL(redirect).searchParams.get('code')!;
}

/** Code → tokens. */
export async function issueTokens(provider: DefaultOAuthProvider, scopes?: string[]) {
  const code = await issueCode(provider, scopes);
  const loaded = await provider.loadAuthorizationCode(client, code);
  return provider.exchangeAuthorizationCode(client, loaded!);
}
