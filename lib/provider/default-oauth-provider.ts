import { Logger } from '@nestjs/common';
import { InvalidGrantError, InvalidScopeError } from '../errors/index.js';
import type { McpAuthSettings } from '../interfaces/mcp-auth-settings.interface.js';
import type {
  AccessToken,
  AuthorizationParams,
  OAuthClientInformation,
  OAuthToken,
  SubjectTokenRequest,
  TokenBinding,
} from '../interfaces/oauth-models.js';
import type {
  ClientRegistrationContext,
  OAuthAuthorizationServerProvider,
} from '../interfaces/oauth-provider.interface.js';
import { buildAuthorizationResponseUrl } from '../rules/authorization-response.js';
import { pathWithoutTrailingSlash } from '../rules/url-rules.js';
import type { Clock } from '../rules/clock.js';
import { MemoryOAuthStore } from '../stores/memory-oauth-store.js';
import type {
  GrantRecord,
  InteractionRecord,
  OAuthStore,
  RefreshTokenLookup,
  RefreshTokenRecord,
  StoredClient,
} from '../stores/oauth-store.interface.js';
import { AccessTokenSigner, type AccessTokenClaims } from './access-token-signer.js';
import { hashClientSecret, isClientSecretHash, verifyClientSecretHash } from './client-secret-hash.js';
import type {
  DefaultAccessToken,
  DefaultAuthorizationCode,
  DefaultRefreshToken,
} from './default-oauth-provider.models.js';
import {
  type DefaultOAuthProviderOptions,
  type ResolvedLifetimes,
  resolveLifetimes,
  resolveRotationGraceMs,
  resolveStepUpWindowMs,
} from './default-oauth-provider.options.js';
import type { ProviderSettings } from './provider-settings.js';
import { sealRefreshSuccessor, unsealRefreshSuccessor } from './refresh-successor-seal.js';
import type { AuthenticateHook, PasswordCheck } from './user-authentication.js';
import { InteractionPages } from '../interaction/interaction-pages.js';
import { redirectsOnlyToLoopback } from '../interaction/consent-page.js';
import { passwordCheckFrom } from '../interaction/password-check.js';
import { hashValue } from '../rules/secure-values.js';
import { providerRandom } from './random-pool.js';
import { generateEphemeralSigningKey, loadSigningKeys } from './signing-keys.js';
import { isMetadataDocumentClient } from '../cimd/metadata-document-client.js';
import type { UpstreamLogin } from '../upstream/upstream-login.js';
import { emitMcpAuthEvent } from '../events/emit-mcp-auth-event.js';
import type { McpAuthEventInput, McpAuthEventListener } from '../events/mcp-auth-events.js';

/**
 * The built-in OAuth 2.1 authorization server behind {@link McpAuthModule}:
 * clients with hashed secrets, a login and consent page, single-use codes
 * bound to their grant, RFC 9068 JWT access tokens (ES256 by default, JWKS,
 * key rotation), rotating refresh tokens with reuse detection, and
 * revocation — all persisted through an {@link OAuthStore}.
 *
 * Named "default" because it is the implementation of
 * {@link OAuthAuthorizationServerProvider} the module ships; replace it with
 * your own (for example one that delegates to an upstream IdP) when needed.
 */
export class DefaultOAuthProvider implements OAuthAuthorizationServerProvider<
  DefaultAuthorizationCode,
  DefaultRefreshToken,
  DefaultAccessToken
> {
  /** The store (exposed for operations such as listing or purging). */
  readonly store: OAuthStore;
  /** @internal Login and consent pages, served by the module's controllers. */
  readonly pages: InteractionPages;
  /** @internal */
  readonly clock: Clock;
  /** @internal */
  readonly lifetimes: ResolvedLifetimes;
  /** @internal */
  readonly authenticateHook?: AuthenticateHook;
  /** @internal */
  readonly passwordCheck?: PasswordCheck;
  /** @internal */
  readonly rememberConsent: boolean;
  /** @internal Sign-in at upstream identity providers, when configured. */
  readonly upstream?: UpstreamLogin;
  private readonly logger = new Logger('DefaultOAuthProvider');
  private readonly signer: AccessTokenSigner;
  private readonly accessTokens = new WeakMap<AccessTokenClaims, DefaultAccessToken>();
  private readonly issueRefreshTokens: boolean;
  private readonly rotationGraceMs: number;
  private readonly stepUpWindowMs: number;
  /** Refresh tokens loaded inside their rotation grace (S61) → the successor to hand out again. */
  private readonly graceSuccessors = new WeakMap<DefaultRefreshToken, string>();
  /** Refresh tokens loaded by {@link loadRefreshToken} → the hash they were looked up by (hashed once per request). */
  private readonly refreshTokenHashes = new WeakMap<DefaultRefreshToken, string>();
  private resolved?: ProviderSettings;
  private eventListener?: McpAuthEventListener;

  constructor(options: DefaultOAuthProviderOptions = {}) {
    if (!options.authenticate && !options.users && !options.upstream) {
      throw new Error(
        'DefaultOAuthProvider: give `authenticate` (your login), `users` (the built-in password login) or `upstream`',
      );
    }
    this.store = options.store ?? new MemoryOAuthStore({ clock: options.clock });
    this.clock = options.clock ?? Date;
    this.lifetimes = resolveLifetimes(options.lifetimes);
    this.authenticateHook = options.authenticate;
    this.passwordCheck = options.users === undefined ? undefined : passwordCheckFrom(options.users);
    this.rememberConsent = options.rememberConsent ?? false;
    this.upstream = options.upstream;
    this.issueRefreshTokens = options.issueRefreshTokens ?? true;
    this.rotationGraceMs = resolveRotationGraceMs(options.refreshTokenRotationGraceSeconds);
    this.stepUpWindowMs = resolveStepUpWindowMs(options.stepUpRefreshWindowSeconds);
    this.signer = new AccessTokenSigner(this.signingKeys(options), options.verifiedTokenCacheSize);
    this.pages = new InteractionPages(this);
  }

  /** Learns issuer, resource and endpoint URLs from the module configuration. */
  initialize(config: McpAuthSettings): void {
    if (!config.issuer || !config.endpoints)
      throw new Error('DefaultOAuthProvider needs the module in authorization-server mode');
    const issuer = new URL(config.issuer);
    const base = pathWithoutTrailingSlash(issuer.pathname);
    this.resolved = {
      issuer: config.issuer,
      resource: config.resource,
      clockSkewSeconds: config.clockSkewSeconds,
      consentUrl: config.endpoints.consent.url,
      consentPath: config.endpoints.consent.path,
      loginUrl: `${issuer.origin}${base}/login`,
      loginPath: `${base}/login`,
      cookiePath: base || '/',
      secureCookies: issuer.protocol === 'https:',
      scopeHierarchy: config.scopeHierarchy,
      switchAccountPath: `${base}/login/switch-account`,
      pages: config.pages,
    };
    this.eventListener = config.onEvent;
    this.upstream?.attach(this);
  }

  /** @internal The settings from {@link initialize}; throws before it ran. */
  get settings(): ProviderSettings {
    if (!this.resolved) throw new Error('DefaultOAuthProvider used before McpAuthModule initialized it');
    return this.resolved;
  }

  async getClient(clientId: string): Promise<OAuthClientInformation | undefined> {
    const stored = await this.store.getClient(clientId);
    if (!stored) return undefined;
    return {
      ...(stored.metadata as unknown as OAuthClientInformation),
      clientId: stored.clientId,
      clientSecret: stored.clientSecretHash,
      clientIdIssuedAt: stored.clientIdIssuedAt,
      clientSecretExpiresAt: stored.clientSecretExpiresAt,
    };
  }

  /**
   * Stores the client; a plain `clientSecret` is replaced by its SHA-256 hash
   * (S37). A dynamically registered client is kept only `lifetimes.unconfirmedClient`
   * unless it completes an authorization (S57).
   */
  async registerClient(client: OAuthClientInformation, context: ClientRegistrationContext = {}): Promise<void> {
    const { clientId, clientSecret, clientIdIssuedAt, clientSecretExpiresAt, ...metadata } = client;
    const stored: StoredClient = {
      clientId,
      metadata: JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>,
      clientIdIssuedAt,
      clientSecretExpiresAt,
    };
    if (context.dynamic) stored.unconfirmedExpiresAtMs = this.clock.now() + this.lifetimes.unconfirmedClient * 1000;
    if (clientSecret)
      stored.clientSecretHash = isClientSecretHash(clientSecret) ? clientSecret : hashClientSecret(clientSecret);
    await this.store.saveClient(stored);
    this.emit({
      type: 'client.registered',
      clientId,
      clientName: client.clientName,
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    });
  }

  /** One-time identifiers (client assertion `jti`, S65) live in the store, shared by every instance. */
  markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean> {
    return this.store.markUsedOnce(namespace, id, expiresAtMs);
  }

  /** Constant-time check of a presented secret against the stored hash; expired secrets fail (S37). */
  async verifyClientSecret(client: OAuthClientInformation, presentedSecret: string): Promise<boolean> {
    const stored = await this.store.getClient(client.clientId);
    if (!stored?.clientSecretHash || typeof presentedSecret !== 'string') return false;
    const expiresAt = stored.clientSecretExpiresAt ?? 0;
    if (expiresAt > 0 && expiresAt * 1000 <= this.clock.now()) return false;
    return verifyClientSecretHash(stored.clientSecretHash, presentedSecret);
  }

  /** Stores a pending interaction and sends the user agent to the consent page (which asks for login first). */
  async authorize(client: OAuthClientInformation, params: AuthorizationParams): Promise<string> {
    const interactionId = providerRandom.value();
    await this.store.saveInteraction(hashValue(interactionId), {
      clientId: client.clientId,
      clientName: client.clientName,
      clientRedirectsOnlyToLoopback: redirectsOnlyToLoopback(client.redirectUris),
      clientMetadataDocumentHost: isMetadataDocumentClient(client) ? client.metadataDocument.host : undefined,
      state: params.state,
      scopes: [...params.scopes],
      codeChallenge: params.codeChallenge,
      redirectUri: params.redirectUri,
      redirectUriProvidedExplicitly: params.redirectUriProvidedExplicitly,
      resource: params.resource,
      csrfToken: providerRandom.value(),
      expiresAtMs: this.clock.now() + this.lifetimes.interaction * 1000,
    });
    const url = new URL(this.settings.consentUrl);
    url.searchParams.set('interaction', interactionId);
    return url.toString();
  }

  /**
   * @internal After approval: creates the grant and a code bound to it, and
   * returns the authorization response URL (RFC 6749 §4.1.2, RFC 9207 `iss`).
   */
  async approveInteraction(interaction: InteractionRecord, subject: string): Promise<string> {
    const now = this.clock.now();
    const grantId = providerRandom.value();
    const grantExpiresAtMs = now + this.lifetimes.refreshTokenAbsolute * 1000;
    await this.store.createGrant({
      grantId,
      clientId: interaction.clientId,
      subject,
      scopes: interaction.scopes,
      resource: interaction.resource,
      createdAtMs: now,
      expiresAtMs: grantExpiresAtMs,
    });
    await this.upstream?.saveGrantTokens(grantId, interaction, subject, grantExpiresAtMs);
    await this.store.confirmClient(interaction.clientId);
    const code = providerRandom.value();
    await this.store.saveAuthorizationCode(hashValue(code), {
      grantId,
      clientId: interaction.clientId,
      scopes: interaction.scopes,
      codeChallenge: interaction.codeChallenge,
      redirectUri: interaction.redirectUri,
      redirectUriProvidedExplicitly: interaction.redirectUriProvidedExplicitly,
      resource: interaction.resource,
      subject,
      expiresAtMs: now + this.lifetimes.authorizationCode * 1000,
      replayDetectionUntilMs: grantExpiresAtMs,
    });
    this.emit({
      type: 'consent.given',
      clientId: interaction.clientId,
      subject,
      grantId,
      scopes: interaction.scopes,
      resource: interaction.resource,
    });
    return buildAuthorizationResponseUrl(interaction.redirectUri, {
      code,
      state: interaction.state,
      iss: this.settings.issuer,
    });
  }

  /** @internal The `access_denied` response of a denied consent (RFC 6749 §4.1.2.1). */
  denyInteraction(interaction: InteractionRecord): string {
    return buildAuthorizationResponseUrl(interaction.redirectUri, {
      error: 'access_denied',
      errorDescription: 'The resource owner denied the request',
      state: interaction.state,
      iss: this.settings.issuer,
    });
  }

  /** A code issued to `client`; a code that was already redeemed revokes its grant (S11). */
  async loadAuthorizationCode(
    client: OAuthClientInformation,
    authorizationCode: string,
  ): Promise<DefaultAuthorizationCode | undefined> {
    if (typeof authorizationCode !== 'string' || !authorizationCode) return undefined;
    const record = await this.liveRecord(
      await this.store.findAuthorizationCode(hashValue(authorizationCode)),
      client,
      'authorization_code',
    );
    if (!record) return undefined;
    return {
      code: authorizationCode,
      scopes: record.scopes,
      expiresAt: Math.floor(record.expiresAtMs / 1000),
      clientId: record.clientId,
      codeChallenge: record.codeChallenge,
      redirectUri: record.redirectUri,
      redirectUriProvidedExplicitly: record.redirectUriProvidedExplicitly,
      resource: record.resource,
      subject: record.subject,
      grantId: record.grantId,
    };
  }

  /** Consumes the code atomically (one winner, S12) and issues tokens; a replay revokes the grant (S11). */
  async exchangeAuthorizationCode(
    client: OAuthClientInformation,
    authorizationCode: DefaultAuthorizationCode,
    binding: TokenBinding = {},
  ): Promise<OAuthToken> {
    // The grant is read before the code is consumed: a concurrent replay that revokes it after
    // this point must not defeat the one winner of the consume (S12); it still kills its tokens (S11).
    const grantBeforeConsume = await this.activeGrant(authorizationCode.grantId);
    const result = await this.store.consumeAuthorizationCode(hashValue(authorizationCode.code));
    if (result.status === 'reused') {
      await this.revokeForReuse(result.grantId, 'authorization_code', client.clientId);
      throw new InvalidGrantError('The authorization code was already used');
    }
    if (result.status !== 'ok') throw new InvalidGrantError('The authorization code is invalid or expired');
    const record = result.record;
    if (record.clientId !== client.clientId || record.expiresAtMs <= this.clock.now()) {
      throw new InvalidGrantError('The authorization code is invalid or expired');
    }
    const grant = grantBeforeConsume?.grantId === record.grantId ? grantBeforeConsume : undefined;
    if (!grant) throw new InvalidGrantError('The authorization grant was revoked');
    const token = await this.signAccessToken(grant, client.clientId, record.scopes, binding.dpopJkt);
    if (!this.wantsRefreshToken(client)) {
      this.emitTokensIssued('authorization_code', grant, client.clientId, record.scopes, false);
      return token;
    }
    const refreshToken = providerRandom.value();
    await this.store.saveRefreshToken(
      hashValue(refreshToken),
      this.refreshRecord(grant, client.clientId, refreshTokenBinding(client, binding)),
    );
    this.emitTokensIssued('authorization_code', grant, client.clientId, record.scopes, true);
    return { ...token, refreshToken };
  }

  /**
   * A live refresh token of `client`; expired ones are refused (S26). A
   * rotated-out one revokes its grant (S22), unless it is inside its rotation
   * grace (S61): then it stands for its successor, which
   * {@link exchangeRefreshToken} hands out again.
   */
  async loadRefreshToken(
    client: OAuthClientInformation,
    refreshToken: string,
  ): Promise<DefaultRefreshToken | undefined> {
    if (typeof refreshToken !== 'string' || !refreshToken) return undefined;
    const tokenHash = hashValue(refreshToken);
    const lookup = await this.store.findRefreshToken(tokenHash);
    const successor = this.graceSuccessor(lookup, client, refreshToken);
    if (successor !== undefined && lookup.status === 'reused') {
      const grant = await this.activeGrant(lookup.grantId);
      if (!grant) return undefined;
      const loaded: DefaultRefreshToken = {
        token: refreshToken,
        clientId: client.clientId,
        scopes: grant.scopes,
        expiresAt: Math.floor(grant.expiresAtMs / 1000),
        resource: grant.resource,
        subject: grant.subject,
        grantId: grant.grantId,
        dpopJkt: await this.liveRefreshBinding(successor),
      };
      this.graceSuccessors.set(loaded, successor);
      return loaded;
    }
    const record = await this.liveRecord(lookup, client, 'refresh_token');
    if (!record) return undefined;
    const grant = await this.activeGrant(record.grantId);
    if (!grant) return undefined;
    const loaded: DefaultRefreshToken = {
      token: refreshToken,
      clientId: record.clientId,
      scopes: grant.scopes,
      expiresAt: Math.floor(record.expiresAtMs / 1000),
      resource: grant.resource,
      subject: record.subject,
      grantId: record.grantId,
      dpopJkt: record.dpopJkt,
    };
    this.refreshTokenHashes.set(loaded, tokenHash);
    return loaded;
  }

  /**
   * Rotates the refresh token atomically (OAuth 2.1 §4.3.1) and issues an
   * access token with `scopes` (already narrowed by the endpoint; the grant
   * keeps its original scopes so a later refresh may widen back up to them).
   * A narrower scope implied by a granted one is within the grant (S64).
   * Inside the rotation grace (S61) the successor is handed out again instead;
   * a grant marked for step-up (S63) answers `invalid_grant` asking for a new
   * authorization.
   */
  async exchangeRefreshToken(
    client: OAuthClientInformation,
    refreshToken: DefaultRefreshToken,
    scopes: string[],
    _resource?: string,
    binding: TokenBinding = {},
  ): Promise<OAuthToken> {
    const grant = await this.activeGrant(refreshToken.grantId);
    if (!grant || refreshToken.clientId !== client.clientId || grant.clientId !== client.clientId) {
      throw new InvalidGrantError('The refresh token is invalid, expired or revoked');
    }
    if (!this.settings.scopeHierarchy.hasAll(grant.scopes, scopes))
      throw new InvalidScopeError('The requested scope exceeds the grant');
    if (this.stepUpWindowMs > 0 && (grant.stepUpRequiredUntilMs ?? 0) > this.clock.now()) {
      throw new InvalidGrantError(
        'The resource server asked for more scope than this grant has (insufficient_scope): ' +
          'start a new authorization request with the wider scope instead of refreshing',
      );
    }
    const graceSuccessor = this.graceSuccessors.get(refreshToken);
    if (graceSuccessor !== undefined)
      return this.reissue(grant, client.clientId, scopes, graceSuccessor, binding.dpopJkt);
    const newRefreshToken = providerRandom.value();
    const result = await this.store.rotateRefreshToken(
      this.refreshTokenHashes.get(refreshToken) ?? hashValue(refreshToken.token),
      hashValue(newRefreshToken),
      this.refreshRecord(grant, client.clientId, refreshToken.dpopJkt),
      this.rotationGraceMs > 0
        ? { sealedSuccessor: sealRefreshSuccessor(refreshToken.token, newRefreshToken, grant.grantId) }
        : undefined,
    );
    if (result.status === 'reused') {
      const successor = this.graceSuccessor(result, client, refreshToken.token);
      if (successor !== undefined) return this.reissue(grant, client.clientId, scopes, successor, binding.dpopJkt);
      await this.revokeForReuse(result.grantId, 'refresh_token', client.clientId);
      throw new InvalidGrantError('The refresh token was already used');
    }
    if (result.status !== 'ok') throw new InvalidGrantError('The refresh token is invalid, expired or revoked');
    return this.reissue(grant, client.clientId, scopes, newRefreshToken, binding.dpopJkt);
  }

  /**
   * Optional hook of the bearer guard (S63): the resource server answered 403
   * `insufficient_scope` for `accessToken`. Marks its grant so that a refresh
   * within `stepUpRefreshWindowSeconds` asks for a new authorization (RFC 6750
   * §3.1): clients that refresh instead of re-authorizing (MCP SDK v1) then fall
   * through to authorizing with the wider scope. Only for this provider's tokens.
   */
  async onInsufficientScope(accessToken: AccessToken): Promise<void> {
    const grantId = (accessToken as Partial<DefaultAccessToken>).grantId;
    if (this.stepUpWindowMs <= 0 || typeof grantId !== 'string') return;
    if (accessToken.issuer !== undefined && accessToken.issuer !== this.resolved?.issuer) return;
    await this.store.requireStepUp(grantId, this.clock.now() + this.stepUpWindowMs);
  }

  /** Verifies signature, issuer, type and expiry, then revocation of the token and its grant (S2, S3, S5, S9). */
  async loadAccessToken(token: string): Promise<DefaultAccessToken | undefined> {
    const settings = this.settings;
    const claims = await this.signer.verify(token, {
      issuer: settings.issuer,
      nowSeconds: Math.floor(this.clock.now() / 1000),
      clockSkewSeconds: settings.clockSkewSeconds,
    });
    if (!claims) return undefined;
    if (await this.store.isAccessTokenRevoked(claims.jti, claims.grant_id)) return undefined;
    return this.accessTokenFor(token, claims);
  }

  /**
   * The frozen {@link DefaultAccessToken} of verified claims, built once per
   * claims object: a token served from the verified-token cache yields the same
   * object on every request, so nothing is rebuilt on the hot path.
   */
  private accessTokenFor(token: string, claims: AccessTokenClaims): DefaultAccessToken {
    const known = this.accessTokens.get(claims);
    if (known) return known;
    const upstream = this.upstream?.storesTokens ? this.upstream : undefined;
    const accessToken: DefaultAccessToken = Object.freeze({
      ...(upstream && { upstreamToken: (name: string) => upstream.tokenForGrant(claims.grant_id, name) }),
      token,
      clientId: claims.client_id,
      scopes: Object.freeze(
        typeof claims.scope === 'string' && claims.scope ? claims.scope.split(' ') : [],
      ) as string[],
      expiresAt: claims.exp,
      resource: claims.aud,
      subject: claims.sub,
      subjectType: claims.subject_type === 'machine' ? 'machine' : 'user',
      issuer: claims.iss,
      claims: Object.isFrozen(claims) ? claims : Object.freeze({ ...claims }),
      ...(claims.cnf && { cnf: claims.cnf }),
      jti: claims.jti,
      grantId: claims.grant_id,
    });
    this.accessTokens.set(claims, accessToken);
    return accessToken;
  }

  /**
   * Client credentials (S67) and jwt-bearer with an ID-JAG (S68): the endpoint
   * checked everything; this records a grant that lives as long as the access
   * token (so revocation reaches the token like any other, S9) and signs an
   * access token for `request.resource` carrying `subject_type` (`machine` or
   * `user`). Never a refresh token.
   */
  async issueTokenForSubject(client: OAuthClientInformation, request: SubjectTokenRequest): Promise<OAuthToken> {
    const now = this.clock.now();
    const grant: GrantRecord = {
      grantId: providerRandom.value(),
      clientId: client.clientId,
      subject: request.subject,
      scopes: [...request.scopes],
      resource: request.resource,
      createdAtMs: now,
      expiresAtMs: now + (this.lifetimes.accessToken + this.settings.clockSkewSeconds) * 1000,
    };
    await this.store.createGrant(grant);
    const token = await this.signAccessToken(grant, client.clientId, request.scopes, undefined, {
      subject_type: request.subjectType,
    });
    this.emit({
      type: 'tokens.issued',
      grantType: request.grantType,
      clientId: client.clientId,
      subject: request.subject,
      grantId: grant.grantId,
      scopes: [...request.scopes],
      refreshTokenIssued: false,
    });
    return token;
  }

  /** RFC 7009: an access token is revoked by `jti` until it expires; a refresh token revokes its whole grant (S43). */
  async revokeToken(token: DefaultAccessToken | DefaultRefreshToken): Promise<void> {
    if ('jti' in token && typeof token.jti === 'string') {
      const expiresAtMs = ((token.expiresAt ?? 0) + this.settings.clockSkewSeconds + 1) * 1000;
      await this.store.revokeAccessToken(token.jti, Math.max(expiresAtMs, this.clock.now() + 1000));
      return;
    }
    if ('grantId' in token && typeof token.grantId === 'string') {
      await this.revokeOnRequest(token.grantId, token.clientId);
      return;
    }
    await this.revokeByValue((token as { token?: unknown }).token);
  }

  /** The public keys of every configured signing key (RFC 7517), for the JWKS endpoint. */
  async getJsonWebKeySet(): Promise<{ keys: Record<string, unknown>[] }> {
    return this.signer.jwks();
  }

  private async revokeByValue(value: unknown): Promise<void> {
    if (typeof value !== 'string' || !value) return;
    const lookup = await this.store.findRefreshToken(hashValue(value));
    if (lookup.status === 'ok') return this.revokeOnRequest(lookup.record.grantId, lookup.record.clientId);
    if (lookup.status === 'reused') return this.revokeOnRequest(lookup.grantId);
    const access = await this.loadAccessToken(value);
    if (access) await this.revokeToken(access);
  }

  /**
   * The record of a code or refresh-token lookup when it is live and belongs to
   * `client`; presenting a used one revokes its whole grant (S11, S22).
   */
  private async liveRecord<TRecord extends { clientId: string; expiresAtMs: number }>(
    lookup: { status: 'ok'; record: TRecord } | { status: 'reused'; grantId: string } | { status: 'unknown' },
    client: OAuthClientInformation,
    credential: 'authorization_code' | 'refresh_token',
  ): Promise<TRecord | undefined> {
    if (lookup.status === 'reused') {
      await this.revokeForReuse(lookup.grantId, credential, client.clientId);
      return undefined;
    }
    if (lookup.status !== 'ok') return undefined;
    const { record } = lookup;
    return record.clientId === client.clientId && record.expiresAtMs > this.clock.now() ? record : undefined;
  }

  /**
   * Revokes a grant whose code or refresh token was replayed (S11, S22) and,
   * when that replay is what ended the grant, tells the event listener.
   */
  private async revokeForReuse(
    grantId: string,
    credential: 'authorization_code' | 'refresh_token',
    clientId: string,
  ): Promise<void> {
    const grant = this.eventListener ? await this.store.getGrant(grantId) : undefined;
    await this.store.revokeGrant(grantId);
    if (!grant || grant.revoked) return;
    this.emit({ type: 'refresh.reuse_detected', credential, grantId, clientId });
    this.emit({ type: 'grant.revoked', grantId, reason: 'reuse_detected', clientId });
  }

  /** Revokes a grant at the client's request (RFC 7009, S43). */
  private async revokeOnRequest(grantId: string, clientId?: string): Promise<void> {
    await this.store.revokeGrant(grantId);
    this.emit({ type: 'grant.revoked', grantId, reason: 'token_revocation', clientId });
  }

  private emitTokensIssued(
    grantType: 'authorization_code' | 'refresh_token',
    grant: GrantRecord,
    clientId: string,
    scopes: string[],
    refreshTokenIssued: boolean,
  ): void {
    if (!this.eventListener) return;
    this.emit({
      type: 'tokens.issued',
      grantType,
      clientId,
      subject: grant.subject,
      grantId: grant.grantId,
      scopes: [...scopes],
      refreshTokenIssued,
    });
  }

  /** @internal Delivers an event to the module's `onEvent` listener (never throws). */
  emit(event: McpAuthEventInput): void {
    emitMcpAuthEvent(this.eventListener, event, this.clock.now());
  }

  /**
   * The successor a rotated-out refresh token may receive again (S61): the same
   * client presents it within the grace window while the store reports the
   * successor still live, and the sealed successor opens with this token.
   * Anything else is reuse (S22).
   */
  private graceSuccessor(
    lookup: RefreshTokenLookup,
    client: OAuthClientInformation,
    presentedToken: string,
  ): string | undefined {
    if (this.rotationGraceMs <= 0 || lookup.status !== 'reused') return undefined;
    const rotation = lookup.rotation;
    if (!rotation?.successorLive || rotation.sealedSuccessor === undefined) return undefined;
    if (rotation.clientId !== client.clientId) return undefined;
    if (this.clock.now() - rotation.rotatedAtMs > this.rotationGraceMs) return undefined;
    return unsealRefreshSuccessor(presentedToken, rotation.sealedSuccessor, lookup.grantId);
  }

  /** A fresh access token with `scopes` and the given refresh token. */
  private async reissue(
    grant: GrantRecord,
    clientId: string,
    scopes: string[],
    refreshToken: string,
    dpopJkt: string | undefined,
  ): Promise<OAuthToken> {
    const token = await this.signAccessToken(grant, clientId, scopes, dpopJkt);
    this.emitTokensIssued('refresh_token', grant, clientId, scopes, true);
    return { ...token, refreshToken };
  }

  private async activeGrant(grantId: string): Promise<GrantRecord | undefined> {
    const grant = await this.store.getGrant(grantId);
    return grant && !grant.revoked && grant.expiresAtMs > this.clock.now() ? grant : undefined;
  }

  private wantsRefreshToken(client: OAuthClientInformation): boolean {
    return this.issueRefreshTokens && (client.grantTypes?.includes('refresh_token') ?? true);
  }

  private refreshRecord(grant: GrantRecord, clientId: string, dpopJkt: string | undefined): RefreshTokenRecord {
    const now = this.clock.now();
    const record: RefreshTokenRecord = {
      grantId: grant.grantId,
      clientId,
      subject: grant.subject,
      issuedAtMs: now,
      expiresAtMs: Math.min(now + this.lifetimes.refreshTokenIdle * 1000, grant.expiresAtMs),
    };
    if (dpopJkt !== undefined) record.dpopJkt = dpopJkt;
    return record;
  }

  /** The DPoP key the live refresh token `token` is bound to (S61 grace: the successor's binding, S69). */
  private async liveRefreshBinding(token: string): Promise<string | undefined> {
    const lookup = await this.store.findRefreshToken(hashValue(token));
    return lookup.status === 'ok' ? lookup.record.dpopJkt : undefined;
  }

  private async signAccessToken(
    grant: GrantRecord,
    clientId: string,
    scopes: string[],
    dpopJkt?: string,
    extraClaims?: Record<string, unknown>,
  ): Promise<OAuthToken> {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const exp = Math.min(nowSeconds + this.lifetimes.accessToken, Math.floor(grant.expiresAtMs / 1000));
    const scope = scopes.join(' ');
    const claims: AccessTokenClaims = {
      iss: this.settings.issuer,
      sub: grant.subject,
      aud: this.settings.resource,
      client_id: clientId,
      scope,
      jti: providerRandom.value(16),
      iat: nowSeconds,
      exp,
      grant_id: grant.grantId,
      ...extraClaims,
    };
    if (!scope) delete claims.scope;
    if (dpopJkt !== undefined) claims.cnf = { jkt: dpopJkt };
    const accessToken = await this.signer.sign(claims);
    const tokenType = dpopJkt === undefined ? 'Bearer' : 'DPoP';
    return { accessToken, tokenType, expiresIn: exp - nowSeconds, scope: scope || undefined };
  }

  private signingKeys(options: DefaultOAuthProviderOptions) {
    if (options.signingKeys?.length) return loadSigningKeys(options.signingKeys);
    this.logger.warn(
      'No signingKeys configured: generated an ephemeral ES256 key. Access tokens become invalid on restart and are ' +
        'not valid on other instances. Configure `signingKeys` in production.',
    );
    return [generateEphemeralSigningKey()];
  }
}

/**
 * The key a new refresh token is bound to (RFC 9449 §5): a public client's
 * DPoP key; a confidential client's refresh token is already bound to its
 * client authentication and stays unbound.
 */
function refreshTokenBinding(client: OAuthClientInformation, binding: TokenBinding): string | undefined {
  return client.tokenEndpointAuthMethod === 'none' ? binding.dpopJkt : undefined;
}
