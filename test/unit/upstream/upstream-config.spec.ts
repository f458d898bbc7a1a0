import { describe, expect, it } from 'vitest';
import { TokenSealer } from '../../../lib/upstream/token-sealer.js';
import { classifyUpstreamError, describeUpstreamError } from '../../../lib/upstream/upstream-errors.js';
import { UpstreamLogin } from '../../../lib/upstream/upstream-login.js';
import {
  entraUpstream,
  githubProfile,
  githubUpstream,
  googleUpstream,
} from '../../../lib/upstream/upstream-presets.js';
import { makeProvider } from '../../support/provider-fixtures.js';

const credentials = { clientId: 'id', clientSecret: 'secret' };

describe('upstream presets (configuration shape only, no external calls)', () => {
  it('GitHub is plain OAuth 2.0 with read:user and the /user profile', async () => {
    const github = githubUpstream(credentials);
    expect(github).toMatchObject({
      type: 'oauth2',
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      scopes: ['read:user'],
      clientId: 'id',
      clientSecret: 'secret',
      tokenEndpointAuthMethod: 'client_secret_post',
    });
    const requested: string[] = [];
    const profile = await github.profile({
      accessToken: 'gho_x',
      fetchJson: async (url) => {
        requested.push(url);
        return { id: 42, login: 'octocat', name: null, email: 'o@example.com' };
      },
    });
    expect(requested).toEqual(['https://api.github.com/user']);
    expect(profile).toMatchObject({ sub: '42', name: 'octocat', email: 'o@example.com' });
    expect(() => githubProfile({ login: 'no-id' })).toThrow();
  });

  it('Google and Entra use OpenID Connect discovery', () => {
    expect(googleUpstream(credentials)).toMatchObject({
      type: 'oidc',
      issuer: 'https://accounts.google.com',
      scopes: ['openid', 'email', 'profile'],
    });
    expect(entraUpstream({ ...credentials, tenant: 'contoso.onmicrosoft.com' })).toMatchObject({
      type: 'oidc',
      issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
    });
    expect(() => entraUpstream({ ...credentials, tenant: 'common' })).toThrow(/tenant/);
    expect(() => entraUpstream({ ...credentials, tenant: 'a/b' })).toThrow(/tenant/);
  });
});

describe('UpstreamLogin configuration', () => {
  it('refuses no upstream, bad names, non-https non-loopback URLs and bad timeouts', () => {
    expect(() => new UpstreamLogin({ upstreams: {} })).toThrow(/at least one/);
    expect(() => new UpstreamLogin({ upstreams: { 'a/b': googleUpstream(credentials) } })).toThrow(/name/);
    expect(() => new UpstreamLogin({ upstreams: { g: googleUpstream(credentials) }, timeoutSeconds: 0 })).toThrow(
      /timeoutSeconds/,
    );
    const insecure = new UpstreamLogin({
      upstreams: { x: { ...googleUpstream(credentials), issuer: 'http://idp.example.com' } },
    });
    expect(() => makeProvider({ upstream: insecure })).toThrow(/https/);
  });

  it('derives one callback URL per upstream under the issuer path', () => {
    const upstream = new UpstreamLogin({
      upstreams: { google: googleUpstream(credentials), gh: githubUpstream(credentials) },
    });
    makeProvider({ upstream }, 'http://127.0.0.1:1234/tenant');
    expect(upstream.callbackUrl('google')).toBe('http://127.0.0.1:1234/tenant/upstream/google/callback');
    expect(upstream.callbackUrl('gh')).toBe('http://127.0.0.1:1234/tenant/upstream/gh/callback');
    expect(upstream.upstreamNames).toEqual(['google', 'gh']);
    expect(upstream.displayName('gh')).toBe('GitHub');
  });
});

describe('TokenSealer', () => {
  it('S46 seals with AES-256-GCM: round trip, no plaintext, context and key bound', () => {
    const sealer = new TokenSealer('key-1');
    const sealed = sealer.seal('upstream-access-token', 'github');
    expect(sealed).not.toContain('upstream-access-token');
    expect(sealer.unseal(sealed, 'github')).toBe('upstream-access-token');
    expect(sealer.unseal(sealed, 'google')).toBeUndefined();
    expect(new TokenSealer('key-2').unseal(sealed, 'github')).toBeUndefined();
    expect(sealer.unseal(`${sealed.slice(0, -2)}AA`, 'github')).toBeUndefined();
    expect(sealer.unseal('garbage', 'github')).toBeUndefined();
    expect(sealer.seal('x')).not.toBe(sealer.seal('x'));
  });
});

describe('upstream error classification', () => {
  it('timeouts, refused connections and 5xx are temporarily_unavailable; the rest access_denied', () => {
    expect(classifyUpstreamError(Object.assign(new Error('operation timed out'), { code: 'OAUTH_TIMEOUT' }))).toBe(
      'temporarily_unavailable',
    );
    expect(
      classifyUpstreamError(
        new TypeError('fetch failed', { cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }) }),
      ),
    ).toBe('temporarily_unavailable');
    expect(classifyUpstreamError(Object.assign(new Error('x'), { status: 503 }))).toBe('temporarily_unavailable');
    expect(classifyUpstreamError(Object.assign(new Error('x'), { error: 'invalid_grant', status: 400 }))).toBe(
      'access_denied',
    );
    expect(classifyUpstreamError(new Error('unexpected ID Token "nonce" claim value'))).toBe('access_denied');
  });

  it('S46 describes errors by class and code only, never by message', () => {
    const error = Object.assign(new Error('token gho_secret leaked'), { code: 'OAUTH_RESPONSE_BODY_ERROR' });
    expect(describeUpstreamError(error)).toBe('Error OAUTH_RESPONSE_BODY_ERROR');
  });
});
