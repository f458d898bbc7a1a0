import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { OAuthClientInformation } from '../../../lib/interfaces/oauth-models.js';
import { assertConfidentialClient, resolveMachineScopes } from '../../../lib/rules/client-credentials-rules.js';
import {
  ID_JAG_REPLAY_NAMESPACE,
  resolveAssertionScopes,
  verifyIdentityAssertionGrant,
  type IdentityAssertionCheck,
} from '../../../lib/rules/identity-assertion-grant.js';
import { ScopeHierarchy } from '../../../lib/rules/scope-rules.js';
import { resolveMcpAuthConfig } from '../../../lib/services/mcp-auth-config.factory.js';
import { clientSigningKey, type ClientSigningKey } from '../../support/client-assertion.js';
import { TestOAuthProvider } from '../../support/test-oauth-provider.js';

/** `<error>: <description>` of what `fn` throws (an OAuthError), or `no error`. */
function described(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    const oauth = error as { error?: string; description?: string };
    return `${oauth.error}: ${oauth.description}`;
  }
  return 'no error';
}

const hierarchy = ScopeHierarchy.build({ notes: ['notes:read', 'notes:write'] }, [
  'notes',
  'notes:read',
  'notes:write',
]);
const policy = { scopesSupported: ['notes', 'notes:read', 'notes:write'], scopeHierarchy: hierarchy as ScopeHierarchy };
const machine = (overrides: Partial<OAuthClientInformation> = {}): OAuthClientInformation => ({
  clientId: 'bot',
  redirectUris: [],
  tokenEndpointAuthMethod: 'client_secret_basic',
  grantTypes: ['client_credentials'],
  responseTypes: [],
  scope: 'notes:read',
  ...overrides,
});

describe('client credentials rules (S67)', () => {
  it('S67 public client refused, confidential methods accepted', () => {
    expect(
      described(() => assertConfidentialClient(machine({ tokenEndpointAuthMethod: 'none' }), 'client_credentials')),
    ).toMatch(/unauthorized_client: .*public client/);
    for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const) {
      expect(() =>
        assertConfidentialClient(machine({ tokenEndpointAuthMethod: method }), 'client_credentials'),
      ).not.toThrow();
    }
  });

  it('S67 scopes: absent = the registered set, within = granted, outside or unknown = invalid_scope', () => {
    expect(resolveMachineScopes(machine(), undefined, policy)).toEqual(['notes:read']);
    expect(resolveMachineScopes(machine(), 'notes:read', policy)).toEqual(['notes:read']);
    expect(described(() => resolveMachineScopes(machine(), 'notes:write', policy))).toMatch(/not allowed/);
    expect(described(() => resolveMachineScopes(machine(), 'admin', policy))).toMatch(/Unknown scope/);
    expect(described(() => resolveMachineScopes(machine({ scope: undefined }), undefined, policy))).toMatch(
      /no registered scope/,
    );
    expect(resolveMachineScopes(machine({ scope: 'notes' }), 'notes:write', policy)).toEqual(['notes:write']);
  });
});

describe('ID-JAG verification (S68)', () => {
  const ISSUER = 'https://as.example';
  const RESOURCE = 'https://mcp.example/mcp';
  const IDP = 'https://idp.example';

  async function setup() {
    const key = await clientSigningKey('ES256', 'idp-1');
    const used = new Set<string>();
    const check = (overrides: Partial<IdentityAssertionCheck> = {}): IdentityAssertionCheck => ({
      identityProvider: (issuer) =>
        issuer === IDP
          ? { issuer: IDP, keySet: async () => ({ keys: [key.publicJwk as Record<string, unknown>] }) }
          : undefined,
      audience: ISSUER,
      resource: RESOURCE,
      clientId: 'agent',
      algorithms: ['ES256', 'RS256'],
      maxLifetimeSeconds: 300,
      clockSkewSeconds: 5,
      nowSeconds: Math.floor(Date.now() / 1000),
      markUsedOnce: async (namespace, id) => {
        const entry = `${namespace}:${id}`;
        if (used.has(entry)) return false;
        used.add(entry);
        return true;
      },
      ...overrides,
    });
    const sign = (
      claims: Record<string, unknown> = {},
      typ: string | undefined = 'oauth-id-jag+jwt',
      signer: ClientSigningKey = key,
    ) => {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: IDP,
        sub: 'alice',
        aud: ISSUER,
        client_id: 'agent',
        resource: RESOURCE,
        jti: randomUUID(),
        iat: now,
        exp: now + 60,
        scope: 'notes:read',
        ...claims,
      };
      for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, ...(typ && { typ }) })
        .sign(signer.privateKey);
    };
    return { check, sign, used, key };
  }

  it('S68 a valid ID-JAG verifies; its jti goes to the id_jag namespace of the one-time store', async () => {
    const { check, sign, used } = await setup();
    const verified = await verifyIdentityAssertionGrant(await sign(), check());
    expect(verified).toMatchObject({ issuer: IDP, subject: 'alice', clientId: 'agent', scopes: ['notes:read'] });
    expect([...used][0]).toMatch(new RegExp(`^${ID_JAG_REPLAY_NAMESPACE}:`));
  });

  it('S68 replay, wrong typ, wrong audience, expired, unknown IdP, wrong client, wrong resource: invalid_grant', async () => {
    const { check, sign, key } = await setup();
    const once = await sign();
    await verifyIdentityAssertionGrant(once, check());
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, Promise<string>, RegExp, Partial<IdentityAssertionCheck>?]> = [
      ['replay', Promise.resolve(once), /already used/],
      ['typ JWT', sign({}, 'JWT'), /typ/],
      ['no typ', sign({}, ''), /typ/],
      ['audience', sign({ aud: 'https://elsewhere.example' }), /aud/],
      ['expired', sign({ iat: now - 400, exp: now - 100 }), /expired/],
      ['unknown IdP', sign({ iss: 'https://evil.example' }), /does not trust/],
      ['wrong client', sign({ client_id: 'other' }), /another client/],
      ['wrong resource', sign({ resource: 'https://mcp.example/other' }), /another resource/],
      ['too long', sign({ exp: now + 3600 }), /longer than/],
      ['future iat', sign({ iat: now + 120, exp: now + 180 }), /future|iat/],
      [
        'not allowed client',
        sign(),
        /may not serve/,
        {
          identityProvider: (issuer: string) =>
            issuer === IDP
              ? {
                  issuer: IDP,
                  allowedClients: ['x'],
                  keySet: async () => ({ keys: [key.publicJwk as Record<string, unknown>] }),
                }
              : undefined,
        },
      ],
    ];
    for (const [name, assertion, reason, overrides] of cases) {
      const error = await verifyIdentityAssertionGrant(await assertion, check(overrides)).catch((e: unknown) => e);
      expect(error, name).toMatchObject({ error: 'invalid_grant' });
      expect((error as { description?: string }).description, name).toMatch(reason);
    }
  });

  it('S68 the jti is not burnt by an assertion that fails another check', async () => {
    const { check, sign } = await setup();
    const jti = randomUUID();
    await expect(verifyIdentityAssertionGrant(await sign({ jti, client_id: 'other' }), check())).rejects.toThrow();
    await expect(verifyIdentityAssertionGrant(await sign({ jti }), check())).resolves.toMatchObject({
      subject: 'alice',
    });
  });

  it('S68 an unknown kid refetches the IdP key set once, then verifies', async () => {
    const { sign } = await setup();
    const rotated = await clientSigningKey('ES256', 'idp-2');
    const refreshes: boolean[] = [];
    const base = await setup();
    const check = base.check({
      identityProvider: () => ({
        issuer: IDP,
        keySet: async (refresh) => {
          refreshes.push(refresh);
          return {
            keys: [(refresh ? rotated : await clientSigningKey('ES256', 'old')).publicJwk as Record<string, unknown>],
          };
        },
      }),
    });
    void sign;
    const assertion = await base.sign({}, 'oauth-id-jag+jwt', rotated);
    await expect(verifyIdentityAssertionGrant(assertion, check)).resolves.toMatchObject({ subject: 'alice' });
    expect(refreshes).toEqual([false, true]);
  });

  it('S68 scopes: the assertion scope is the ceiling; defaults when it names none', () => {
    const scopePolicy = { ...policy, defaultScopes: ['notes:read'] };
    expect(resolveAssertionScopes(['notes'], 'notes:write', scopePolicy)).toEqual(['notes:write']);
    expect(described(() => resolveAssertionScopes(['notes:read'], 'notes:write', scopePolicy))).toMatch(/exceeds/);
    expect(resolveAssertionScopes(['notes:read', 'other:thing'], undefined, scopePolicy)).toEqual(['notes:read']);
    expect(resolveAssertionScopes(undefined, undefined, scopePolicy)).toEqual(['notes:read']);
    expect(described(() => resolveAssertionScopes(undefined, 'admin', scopePolicy))).toMatch(/Unknown scope/);
    expect(resolveAssertionScopes(['notes'], undefined, { ...scopePolicy, registeredScopes: ['notes:read'] })).toEqual(
      [],
    );
  });
});

describe('configuration of the subject grants (S67, S68)', () => {
  const base = { issuerUrl: 'https://as.example', resourceServerUrl: 'https://as.example/mcp' };

  it('S67 S68 a provider without issueTokenForSubject cannot switch them on', () => {
    const provider = new TestOAuthProvider();
    expect(() => resolveMcpAuthConfig({ ...base, provider, clientCredentials: { enabled: true } })).toThrow(
      /issueTokenForSubject/,
    );
  });

  it('S68 identity providers are validated at startup', () => {
    const provider = Object.assign(new TestOAuthProvider(), {
      issueTokenForSubject: async () => ({ accessToken: 'x', tokenType: 'Bearer' as const }),
      markUsedOnce: async () => true,
    });
    const emp = (identityProviders: unknown[]) =>
      resolveMcpAuthConfig({ ...base, provider, enterpriseManagedAuthorization: { identityProviders } as never });
    expect(() => emp([])).toThrow(/at least one/);
    expect(() => emp([{ issuer: 'not a url', jwksUrl: 'https://idp.example/jwks' }])).toThrow(/issuer/);
    expect(() => emp([{ issuer: 'https://idp.example', jwksUrl: 'http://idp.example/jwks' }])).toThrow(/jwksUrl/);
    const ok = emp([{ issuer: 'http://127.0.0.1:9', jwksUrl: 'http://127.0.0.1:9/jwks' }]);
    expect(ok.mode === 'authorization-server' && ok.enterpriseManagedAuthorization?.identityProviders.size).toBe(1);
  });
});
