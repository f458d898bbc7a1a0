import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntrospectionTokenVerifier } from '../../../lib/verifiers/introspection-token-verifier.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ecKeyPem, issueTokens } from '../../support/provider-fixtures.js';
import { AS_ISSUER, type HitCounter, startAuthorizationServer, startResourceServer } from './rs-only-apps.js';

describe('resource-server-only mode with IntrospectionTokenVerifier against the built-in provider', () => {
  const hits: HitCounter = {};
  const clock = new ManualClock(Date.now());
  let as: Awaited<ReturnType<typeof startAuthorizationServer>>;
  let rs: Awaited<ReturnType<typeof startResourceServer>>;
  let uncached: Awaited<ReturnType<typeof startResourceServer>>;
  const introspections = () => hits['/introspect'] ?? 0;
  const verifier = (overrides: Partial<ConstructorParameters<typeof IntrospectionTokenVerifier>[0]> = {}) =>
    new IntrospectionTokenVerifier({
      introspectionEndpoint: `${as.url}/introspect`,
      clientId: 'resource server',
      clientSecret: 'rs secret:&=',
      issuer: AS_ISSUER,
      ...overrides,
    });

  beforeAll(async () => {
    as = await startAuthorizationServer([{ kid: 'k1', privateKey: ecKeyPem().privateKey }], hits);
    await as.provider.registerClient({
      clientId: 'resource server',
      clientSecret: 'rs secret:&=',
      redirectUris: ['https://rs.example/unused'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials'],
      responseTypes: [],
    });
    rs = await startResourceServer(verifier({ cacheTtlMs: 30_000, clock }));
    uncached = await startResourceServer(verifier({ cacheTtlMs: 0 }));
  });
  afterAll(async () => {
    await rs?.app.close();
    await uncached?.app.close();
    await as?.app.close();
  });

  it('accepts an active token (client_secret_basic with form-encoded credentials) and caches it briefly', async () => {
    const { accessToken } = await issueTokens(as.provider);
    const before = introspections();
    expect((await rs.call(accessToken)).status).toBe(200);
    expect((await rs.call(accessToken)).status).toBe(200);
    expect(introspections()).toBe(before + 1);
    clock.advance(30_001);
    expect((await rs.call(accessToken)).status).toBe(200);
    expect(introspections()).toBe(before + 2);
  });

  it('S9 a revoked token is refused from the next request on when the cache is off; inactive results are not cached', async () => {
    const { accessToken } = await issueTokens(as.provider);
    expect((await uncached.call(accessToken)).status).toBe(200);
    const loaded = await as.provider.loadAccessToken(accessToken);
    await as.provider.revokeToken(loaded!);
    const before = introspections();
    expect((await uncached.call(accessToken)).status).toBe(401);
    expect((await uncached.call(accessToken)).status).toBe(401);
    expect(introspections()).toBe(before + 2);
  });

  it('S4 a token for another audience (aud from the introspection response): 401', async () => {
    const other = await startAuthorizationServer(
      [{ kid: 'k9', privateKey: ecKeyPem().privateKey }],
      {},
      0,
      'https://other.example/mcp',
    );
    await other.provider.registerClient({
      clientId: 'resource server',
      clientSecret: 'rs secret:&=',
      redirectUris: ['https://rs.example/unused'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials'],
      responseTypes: [],
    });
    const viaOther = await startResourceServer(verifier({ introspectionEndpoint: `${other.url}/introspect` }));
    const { accessToken } = await issueTokens(other.provider);
    const res = await viaOther.call(accessToken);
    expect(res.status).toBe(401);
    expect(res.body.error_description).toBe('The access token is not intended for this resource');
    await viaOther.app.close();
    await other.app.close();
  });

  it('wrong resource-server credentials or an unreachable endpoint: 503 temporarily_unavailable (fail closed)', async () => {
    const { accessToken } = await issueTokens(as.provider);
    const wrong = await startResourceServer(verifier({ clientSecret: 'nope' }));
    const res = await wrong.call(accessToken);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    await wrong.app.close();
    const down = await startResourceServer(
      verifier({ introspectionEndpoint: 'http://127.0.0.1:9/introspect', timeoutMs: 1000 }),
    );
    expect((await down.call(accessToken)).status).toBe(503);
    await down.app.close();
  });
});
