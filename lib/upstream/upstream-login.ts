import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { TemporarilyUnavailableError } from '../errors/index.js';
import { sendMessagePage } from '../http/html-page.js';
import type { AuthenticatedUser } from '../provider/user-authentication.js';
import type { InteractionHost } from '../interaction/interaction-host.js';
import { redirect303 } from '../interaction/interaction-pages.js';
import { crossSiteProblem, verifyInteractionFormToken } from '../interaction/interaction-form-guard.js';
import { constantTimeEquals, hashValue, randomValue } from '../rules/secure-values.js';
import { buildAuthorizationResponseUrl } from '../rules/authorization-response.js';
import { pathWithoutTrailingSlash } from '../rules/url-rules.js';
import type { InteractionRecord, UpstreamFlowRecord, UpstreamTokenRecord } from '../stores/oauth-store.interface.js';
import { readBrowserBinding, serializeBrowserBinding } from './upstream-browser-cookie.js';
import { UpstreamClient } from './upstream-client.js';
import { classifyUpstreamError, describeUpstreamError, type UpstreamFailure } from './upstream-errors.js';
import type { UpstreamIdentity, UpstreamLoginOptions, UpstreamUserMapper } from './upstream-login.options.js';
import type { UpstreamTokenSet } from './upstream-provider.config.js';
import { TokenSealer } from './token-sealer.js';

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** The default mapping: `<upstream>:<sub>`, display name from the profile. */
export const defaultUpstreamUserMapper: UpstreamUserMapper = ({ upstream, profile }: UpstreamIdentity) => ({
  subject: `${upstream}:${profile.sub}`,
  name: profile.name ?? profile.email,
});

/**
 * Sign-in of `DefaultOAuthProvider` at upstream identity providers
 * (OpenID Connect or plain OAuth 2.0), given as the provider's `upstream`
 * option. Toward the upstream it is an OAuth client with PKCE S256, a
 * single-use `state` bound to the interaction and to the browser (HttpOnly
 * cookie), and a `nonce` checked in the ID token (RFC 9700 §2.1, §4.7).
 * The callback is `<issuer>/upstream/<name>/callback`. Failures end at the
 * MCP client's redirect URI with `access_denied` or `temporarily_unavailable`
 * (plus `state` and `iss`, RFC 9207); a response with an unknown `state` gets
 * an HTML page. Upstream tokens never reach MCP clients; with `storeTokens`
 * they are kept encrypted per grant and read with `AuthContext.upstreamToken()`.
 */
export class UpstreamLogin {
  /** True when upstream tokens are kept per grant. */
  readonly storesTokens: boolean;
  private readonly logger = new Logger('UpstreamLogin');
  private readonly tokenSealer: TokenSealer;
  private readonly mapUser: UpstreamUserMapper;
  private readonly timeoutSeconds: number;
  private readonly flowLifetimeMs: number;
  private readonly refreshLeewayMs: number;
  private readonly clients = new Map<string, UpstreamClient>();
  private readonly refreshing = new Map<string, Promise<string | undefined>>();
  private attached?: { provider: InteractionHost; basePath: string };

  constructor(private readonly options: UpstreamLoginOptions) {
    const names = Object.keys(options.upstreams ?? {});
    if (names.length === 0) throw new Error('UpstreamLogin: configure at least one upstream');
    const bad = names.find((name) => !NAME_PATTERN.test(name));
    if (bad !== undefined)
      throw new Error(`UpstreamLogin: upstream name "${bad}" must be 1-32 characters of [A-Za-z0-9_-]`);
    this.storesTokens = options.storeTokens ?? false;
    this.mapUser = options.mapUser ?? defaultUpstreamUserMapper;
    this.timeoutSeconds = positive(options.timeoutSeconds ?? 10, 'timeoutSeconds');
    this.flowLifetimeMs = positive(options.flowLifetimeSeconds ?? 600, 'flowLifetimeSeconds') * 1000;
    this.refreshLeewayMs = (options.refreshLeewaySeconds ?? 30) * 1000;
    if (!options.tokenEncryptionKey && this.storesTokens) {
      this.logger.warn(
        'No tokenEncryptionKey configured: stored upstream tokens are unreadable after a restart and on other instances.',
      );
    }
    this.tokenSealer = new TokenSealer(options.tokenEncryptionKey ?? randomBytes(32));
  }

  /** Configured upstream names, in configuration order. */
  get upstreamNames(): string[] {
    return Object.keys(this.options.upstreams);
  }

  /** True when `name` is a configured upstream. */
  has(name: string): boolean {
    return Object.hasOwn(this.options.upstreams, name);
  }

  /** Button label of an upstream. */
  displayName(name: string): string {
    return this.options.upstreams[name]?.displayName ?? name;
  }

  /** @internal Binds to the provider once the module resolved the issuer; builds the upstream clients. */
  attach(provider: InteractionHost): void {
    const issuer = new URL(provider.settings.issuer);
    const basePath = pathWithoutTrailingSlash(issuer.pathname);
    this.attached = { provider, basePath };
    this.clients.clear();
    for (const [name, config] of Object.entries(this.options.upstreams)) {
      const redirectUri = `${issuer.origin}${basePath}/upstream/${name}/callback`;
      this.clients.set(name, new UpstreamClient(name, config, redirectUri, this.timeoutSeconds));
    }
  }

  /** The callback URL to register at upstream `name`. */
  callbackUrl(name: string): string | undefined {
    return this.clients.get(name)?.redirectUri;
  }

  /** @internal Path of the callback route of `name`. */
  callbackPath(name: string): string {
    return `${this.base.basePath}/upstream/${name}/callback`;
  }

  /** @internal Path of the login page's form that starts a sign-in at `name`. */
  startPath(name: string): string {
    return `${this.base.basePath}/upstream/${name}/start`;
  }

  /** @internal The user who signed in upstream for this interaction, when this browser started that sign-in. */
  boundUser(req: Request, interaction: InteractionRecord): AuthenticatedUser | undefined {
    const login = interaction.upstreamLogin;
    if (!login) return undefined;
    const binding = readBrowserBinding(req);
    if (!binding || !constantTimeEquals(hashValue(binding), login.browserHash)) return undefined;
    return { subject: login.subject, name: login.name };
  }

  /** @internal Sends the browser to upstream `name` for this interaction (303). */
  async begin(
    req: Request,
    res: Response,
    interactionId: string,
    interaction: InteractionRecord,
    name: string,
  ): Promise<void> {
    const upstream = this.clients.get(name);
    if (!upstream) return sendMessagePage(res, 404, 'Unknown sign-in method', 'This sign-in method is not configured.');
    const state = randomValue();
    const codeVerifier = randomValue();
    const nonce = upstream.isOidc ? randomValue() : undefined;
    let authorizationUrl: string;
    try {
      authorizationUrl = await upstream.authorizationUrl({ state, codeVerifier, nonce });
    } catch (error) {
      this.logger.warn(`Upstream "${name}" is unavailable (${describeUpstreamError(error)})`);
      return this.failInteraction(
        res,
        hashValue(interactionId),
        interaction,
        'temporarily_unavailable',
        'The identity provider is unavailable',
      );
    }
    const { provider } = this.base;
    const now = provider.clock.now();
    const binding = readBrowserBinding(req) ?? randomValue();
    const interactionIdHash = hashValue(interactionId);
    const flow: UpstreamFlowRecord = {
      upstreamName: name,
      interactionIdHash,
      sealedInteractionId: new TokenSealer(binding).seal(interactionId, interactionIdHash),
      browserHash: hashValue(binding),
      codeVerifier,
      nonce,
      clientRedirectUri: interaction.redirectUri,
      clientState: interaction.state,
      expiresAtMs: Math.min(interaction.expiresAtMs, now + this.flowLifetimeMs),
    };
    await provider.store.saveUpstreamFlow(hashValue(state), flow);
    const settings = provider.settings;
    res.append(
      'Set-Cookie',
      serializeBrowserBinding(binding, {
        path: settings.cookiePath,
        secure: settings.secureCookies,
        maxAgeSeconds: Math.max(1, (flow.expiresAtMs - now) / 1000),
      }),
    );
    redirect303(res, authorizationUrl);
  }

  /** @internal POST from the login page's upstream button: CSRF-checked, then {@link begin}. */
  async handleStart(req: Request, res: Response, name: string): Promise<void> {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const interactionId =
      typeof body.interaction === 'string' && body.interaction.length <= 256 ? body.interaction : undefined;
    const { provider } = this.base;
    const interaction = interactionId ? await provider.store.getInteraction(hashValue(interactionId)) : undefined;
    if (!interactionId || !interaction || interaction.expiresAtMs <= provider.clock.now()) return this.expiredPage(res);
    const csrfToken = typeof body.csrf_token === 'string' ? body.csrf_token : undefined;
    const crossSite = crossSiteProblem(req, new URL(provider.settings.issuer).origin);
    if (crossSite) return sendMessagePage(res, 403, 'Cross-site request refused', crossSite);
    if (!verifyInteractionFormToken(req, interaction, 'login', csrfToken)) {
      return sendMessagePage(
        res,
        403,
        'Invalid form',
        'The form could not be verified. Start again from the application.',
      );
    }
    await this.begin(req, res, interactionId, interaction, name);
  }

  /** @internal The upstream's authorization response (RFC 6749 §4.1.2) at `<issuer>/upstream/<name>/callback`. */
  async handleCallback(req: Request, res: Response, name: string): Promise<void> {
    const state = typeof req.query.state === 'string' && req.query.state.length <= 512 ? req.query.state : undefined;
    const { provider } = this.base;
    const lookup = state ? await provider.store.consumeUpstreamFlow(hashValue(state)) : { status: 'unknown' as const };
    if (lookup.status === 'unknown') {
      return sendMessagePage(
        res,
        400,
        'Sign-in failed',
        'This sign-in response does not belong to a request of this server. Start again from the application.',
      );
    }
    const flow = lookup.record;
    if (lookup.status === 'reused')
      return this.failFlow(res, flow, 'access_denied', 'The sign-in response was already used', false);
    if (flow.expiresAtMs <= provider.clock.now())
      return this.failFlow(res, flow, 'access_denied', 'The sign-in took too long');
    if (flow.upstreamName !== name)
      return this.failFlow(res, flow, 'access_denied', 'The sign-in response came from another identity provider');
    const binding = readBrowserBinding(req);
    const interactionId =
      binding && constantTimeEquals(hashValue(binding), flow.browserHash)
        ? new TokenSealer(binding).unseal(flow.sealedInteractionId, flow.interactionIdHash)
        : undefined;
    if (!interactionId || hashValue(interactionId) !== flow.interactionIdHash) {
      return this.failFlow(res, flow, 'access_denied', 'The sign-in was started in another browser');
    }
    const interaction = await provider.store.getInteraction(flow.interactionIdHash);
    if (!interaction || interaction.expiresAtMs <= provider.clock.now()) {
      return this.failFlow(res, flow, 'access_denied', 'The authorization request expired');
    }
    const upstreamError = typeof req.query.error === 'string' ? req.query.error : undefined;
    if (upstreamError !== undefined) {
      const failure =
        upstreamError === 'temporarily_unavailable' || upstreamError === 'server_error'
          ? 'temporarily_unavailable'
          : 'access_denied';
      return this.failFlow(res, flow, failure, 'The identity provider did not sign the user in');
    }
    const upstream = this.clients.get(name)!;
    let result: Awaited<ReturnType<UpstreamClient['exchangeCode']>>;
    try {
      result = await upstream.exchangeCode(
        this.callbackUrlOf(req, upstream),
        { state: state!, codeVerifier: flow.codeVerifier, nonce: flow.nonce },
        provider.clock.now(),
      );
    } catch (error) {
      this.logger.warn(`Sign-in at upstream "${name}" failed (${describeUpstreamError(error)})`);
      const failure = classifyUpstreamError(error);
      return this.failFlow(
        res,
        flow,
        failure,
        failure === 'access_denied'
          ? 'The identity provider response was refused'
          : 'The identity provider is unavailable',
      );
    }
    const user = await this.mappedUser(name, result.profile);
    if (!user) return this.failFlow(res, flow, 'access_denied', 'This account may not sign in');
    await provider.store.saveInteraction(flow.interactionIdHash, {
      ...interaction,
      upstreamLogin: {
        upstreamName: name,
        subject: user.subject,
        name: user.name,
        browserHash: flow.browserHash,
        sealedTokens: this.storesTokens ? this.tokenSealer.seal(JSON.stringify(result.tokens), name) : undefined,
      },
    });
    const consent = new URL(provider.settings.consentUrl);
    consent.searchParams.set('interaction', interactionId);
    redirect303(res, consent.toString());
  }

  /** @internal After consent: moves the upstream tokens of the interaction to the new grant. */
  async saveGrantTokens(
    grantId: string,
    interaction: InteractionRecord,
    subject: string,
    grantExpiresAtMs: number,
  ): Promise<void> {
    const login = interaction.upstreamLogin;
    if (!this.storesTokens || !login?.sealedTokens || login.subject !== subject) return;
    await this.base.provider.store.saveUpstreamTokens(grantId, {
      upstreamName: login.upstreamName,
      sealedTokens: login.sealedTokens,
      expiresAtMs: grantExpiresAtMs,
    });
  }

  /**
   * The upstream access token of a grant, refreshed first when it expires
   * within the leeway and a refresh token exists. `undefined` when the grant
   * signed in elsewhere, holds no token, or the upstream refused the refresh.
   * Throws {@link TemporarilyUnavailableError} when the upstream is unreachable.
   */
  async tokenForGrant(grantId: string, name: string): Promise<string | undefined> {
    const { provider } = this.base;
    const record = await provider.store.getUpstreamTokens(grantId);
    if (!record || record.upstreamName !== name) return undefined;
    const tokens = this.unsealTokens(record);
    if (!tokens) return undefined;
    if (tokens.expiresAtMs === undefined || tokens.expiresAtMs - this.refreshLeewayMs > provider.clock.now())
      return tokens.accessToken;
    if (!tokens.refreshToken) return undefined;
    const running = this.refreshing.get(grantId);
    if (running) return running;
    const refresh = this.refreshGrant(grantId, record, tokens.refreshToken).finally(() =>
      this.refreshing.delete(grantId),
    );
    this.refreshing.set(grantId, refresh);
    return refresh;
  }

  private async refreshGrant(
    grantId: string,
    record: UpstreamTokenRecord,
    refreshToken: string,
  ): Promise<string | undefined> {
    const { provider } = this.base;
    let fresh: UpstreamTokenSet;
    try {
      fresh = await this.clients.get(record.upstreamName)!.refresh(refreshToken, provider.clock.now());
    } catch (error) {
      this.logger.warn(`Refresh at upstream "${record.upstreamName}" failed (${describeUpstreamError(error)})`);
      if (classifyUpstreamError(error) === 'temporarily_unavailable')
        throw new TemporarilyUnavailableError('The identity provider is unavailable');
      return undefined;
    }
    await provider.store.saveUpstreamTokens(grantId, {
      ...record,
      sealedTokens: this.tokenSealer.seal(JSON.stringify(fresh), record.upstreamName),
    });
    return fresh.accessToken;
  }

  private unsealTokens(record: UpstreamTokenRecord): UpstreamTokenSet | undefined {
    const json = this.tokenSealer.unseal(record.sealedTokens, record.upstreamName);
    if (!json) return undefined;
    const tokens = JSON.parse(json) as UpstreamTokenSet;
    return typeof tokens.accessToken === 'string' ? tokens : undefined;
  }

  private async mappedUser(name: string, profile: UpstreamIdentity['profile']): Promise<AuthenticatedUser | undefined> {
    try {
      const user = await this.mapUser({ upstream: name, profile });
      return user && typeof user.subject === 'string' && user.subject ? user : undefined;
    } catch (error) {
      this.logger.error(`mapUser threw for upstream "${name}" (${describeUpstreamError(error)})`);
      return undefined;
    }
  }

  private callbackUrlOf(req: Request, upstream: UpstreamClient): URL {
    const url = new URL(upstream.redirectUri);
    url.search = new URL(req.originalUrl, url).search;
    return url;
  }

  private async failFlow(
    res: Response,
    flow: UpstreamFlowRecord,
    failure: UpstreamFailure,
    description: string,
    endInteraction = true,
  ): Promise<void> {
    if (endInteraction) await this.base.provider.store.takeInteraction(flow.interactionIdHash);
    this.redirectToClient(res, flow.clientRedirectUri, flow.clientState, failure, description);
  }

  private async failInteraction(
    res: Response,
    interactionIdHash: string,
    interaction: InteractionRecord,
    failure: UpstreamFailure,
    description: string,
  ): Promise<void> {
    await this.base.provider.store.takeInteraction(interactionIdHash);
    this.redirectToClient(res, interaction.redirectUri, interaction.state, failure, description);
  }

  private redirectToClient(
    res: Response,
    redirectUri: string,
    state: string | undefined,
    error: UpstreamFailure,
    description: string,
  ): void {
    const iss = this.base.provider.settings.issuer;
    redirect303(res, buildAuthorizationResponseUrl(redirectUri, { error, errorDescription: description, state, iss }));
  }

  private expiredPage(res: Response): void {
    sendMessagePage(
      res,
      400,
      'Sign-in request expired',
      'This sign-in request has expired. Go back to the app and try again.',
    );
  }

  private get base(): { provider: InteractionHost; basePath: string } {
    if (!this.attached) throw new Error('UpstreamLogin used before DefaultOAuthProvider initialized it');
    return this.attached;
  }
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new Error(`UpstreamLogin: ${name} must be a positive number`);
  return value;
}
