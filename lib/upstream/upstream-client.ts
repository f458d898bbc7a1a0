import * as client from 'openid-client';
import type { UpstreamProfile, UpstreamProviderConfig, UpstreamTokenSet } from './upstream-provider.config.js';
import { isLoopbackHost } from '../rules/url-rules.js';

/** Checks of one authorization response (RFC 6749 §10.12, RFC 7636, OIDC Core §3.1.3.7). */
export interface UpstreamCallbackChecks {
  state: string;
  codeVerifier: string;
  nonce?: string;
}

/**
 * One configured upstream, spoken to through `openid-client`: discovery
 * (cached after success, retried after failure), the authorization URL with
 * PKCE S256, `state` and `nonce`, the code exchange with every check, the
 * profile, and refresh. Every request is bounded by `timeoutSeconds`.
 */
export class UpstreamClient {
  private configuration?: Promise<client.Configuration>;

  constructor(
    readonly name: string,
    readonly config: UpstreamProviderConfig,
    readonly redirectUri: string,
    private readonly timeoutSeconds: number,
  ) {
    for (const url of endpointUrls(config)) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
        throw new Error(`UpstreamLogin: upstream "${name}" URL ${parsed.origin} must be https (http only on loopback)`);
      }
    }
  }

  /** True for OpenID Connect upstreams (an ID token with `nonce` is expected). */
  get isOidc(): boolean {
    return this.config.type === 'oidc';
  }

  /** The authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3). */
  async authorizationUrl(checks: UpstreamCallbackChecks): Promise<string> {
    const configuration = await this.resolve();
    const params: Record<string, string> = {
      ...this.config.authorizationParams,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: this.config.scopes.join(' '),
      state: checks.state,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (checks.nonce) params.nonce = checks.nonce;
    return client.buildAuthorizationUrl(configuration, params).href;
  }

  /** Exchanges the code of the callback URL, verifying state, PKCE, `iss` when advertised, ID token and nonce. */
  async exchangeCode(
    callbackUrl: URL,
    checks: UpstreamCallbackChecks,
    nowMs: number,
  ): Promise<{ tokens: UpstreamTokenSet; profile: UpstreamProfile }> {
    const configuration = await this.resolve();
    const response = await client.authorizationCodeGrant(configuration, callbackUrl, {
      expectedState: checks.state,
      pkceCodeVerifier: checks.codeVerifier,
      expectedNonce: checks.nonce,
      idTokenExpected: this.isOidc,
    });
    const tokens = tokenSetOf(response, nowMs);
    return { tokens, profile: await this.profileOf(configuration, response, tokens) };
  }

  /** A new token set from a refresh token (RFC 6749 §6); keeps the old refresh token when none is returned. */
  async refresh(refreshToken: string, nowMs: number): Promise<UpstreamTokenSet> {
    const configuration = await this.resolve();
    const tokens = tokenSetOf(await client.refreshTokenGrant(configuration, refreshToken), nowMs);
    return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
  }

  private async profileOf(
    configuration: client.Configuration,
    response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
    tokens: UpstreamTokenSet,
  ): Promise<UpstreamProfile> {
    if (this.config.type === 'oauth2') {
      const fetchJson = async (url: string) => {
        const res = await client.fetchProtectedResource(
          configuration,
          tokens.accessToken,
          new URL(url),
          'GET',
          undefined,
          new Headers({ accept: 'application/json' }),
        );
        if (!res.ok) throw new Error(`profile request answered ${res.status}`);
        return res.json() as Promise<unknown>;
      };
      const profile = await this.config.profile({ accessToken: tokens.accessToken, fetchJson });
      if (!profile || typeof profile.sub !== 'string' || !profile.sub) throw new Error('profile without sub');
      return profile;
    }
    const idToken = response.claims();
    if (!idToken) throw new Error('no ID token');
    let claims: Record<string, unknown> = { ...idToken };
    if (this.config.fetchUserInfo)
      claims = { ...claims, ...(await client.fetchUserInfo(configuration, tokens.accessToken, idToken.sub)) };
    return {
      sub: idToken.sub,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      email: typeof claims.email === 'string' ? claims.email : undefined,
      claims,
    };
  }

  private resolve(): Promise<client.Configuration> {
    this.configuration ??= this.load().catch((error: unknown) => {
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  private async load(): Promise<client.Configuration> {
    const config = this.config;
    const auth = clientAuth(config);
    const insecure = endpointUrls(config).some((url) => new URL(url).protocol === 'http:');
    const execute = insecure ? [client.allowInsecureRequests] : [];
    if (config.type === 'oidc') {
      return client.discovery(new URL(config.issuer), config.clientId, undefined, auth, {
        execute,
        timeout: this.timeoutSeconds,
      });
    }
    const configuration = new client.Configuration(
      {
        issuer: config.issuer ?? new URL(config.authorizationEndpoint).origin,
        authorization_endpoint: config.authorizationEndpoint,
        token_endpoint: config.tokenEndpoint,
      },
      config.clientId,
      undefined,
      auth,
    );
    configuration.timeout = this.timeoutSeconds;
    for (const apply of execute) apply(configuration);
    return configuration;
  }
}

function clientAuth(config: UpstreamProviderConfig): client.ClientAuth {
  const method = config.tokenEndpointAuthMethod ?? (config.clientSecret ? 'client_secret_post' : 'none');
  if (method === 'none') return client.None();
  if (!config.clientSecret) throw new Error(`UpstreamLogin: ${method} needs a clientSecret`);
  return method === 'client_secret_basic'
    ? client.ClientSecretBasic(config.clientSecret)
    : client.ClientSecretPost(config.clientSecret);
}

function tokenSetOf(
  response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  nowMs: number,
): UpstreamTokenSet {
  const expiresIn = response.expiresIn();
  return {
    accessToken: response.access_token,
    tokenType: response.token_type,
    refreshToken: response.refresh_token,
    expiresAtMs: expiresIn === undefined ? undefined : nowMs + expiresIn * 1000,
    scope: response.scope,
  };
}

function endpointUrls(config: UpstreamProviderConfig): string[] {
  return config.type === 'oidc' ? [config.issuer] : [config.authorizationEndpoint, config.tokenEndpoint];
}
