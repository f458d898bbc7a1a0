import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidGrantError } from '../../lib/errors/oauth-error.js';
import type { McpAuthConfig } from '../../lib/interfaces/mcp-auth-config.interface.js';
import type {
  AccessToken,
  AuthorizationCode,
  AuthorizationParams,
  OAuthClientInformation,
  OAuthToken,
  RefreshToken,
} from '../../lib/interfaces/oauth-models.js';
import type { OAuthAuthorizationServerProvider } from '../../lib/interfaces/oauth-provider.interface.js';
import { buildAuthorizationResponseUrl } from '../../lib/rules/authorization-response.js';

type Grant = { id: string };
type StoredCode = AuthorizationCode & Grant;
type StoredRefresh = RefreshToken & Grant;
type StoredAccess = AccessToken & Grant;

const hash = (value: string): string => createHash('sha256').update(value).digest('hex');
const random = (): string => randomBytes(32).toString('base64url');

/**
 * An in-memory provider for the endpoint tests. Honest where the protocol
 * demands it (atomic single-use codes, refresh rotation with reuse detection,
 * grant-wide revocation, hashed secrets), but deliberately returns codes and
 * refresh tokens of any client and past their expiry from the `load*`
 * methods, so the tests exercise the endpoints' own binding and expiry checks.
 */
export class TestOAuthProvider implements OAuthAuthorizationServerProvider<StoredCode, StoredRefresh, StoredAccess> {
  /** Milliseconds since the epoch; tests move it. */
  nowMs = Date.now();
  readonly clients = new Map<string, OAuthClientInformation>();
  readonly codes = new Map<string, StoredCode>();
  readonly refreshTokens = new Map<string, StoredRefresh>();
  readonly accessTokens = new Map<string, StoredAccess>();
  readonly usedCodes = new Map<string, string>();
  readonly rotatedRefreshTokens = new Map<string, string>();
  readonly revokedGrants = new Set<string>();
  /** What `/authorize` handed over last. */
  lastAuthorization?: AuthorizationParams;
  /** When set, `authorize` throws it. */
  authorizeFailure?: unknown;
  /** When set, `exchangeAuthorizationCode` throws it. */
  exchangeFailure?: unknown;
  codeLifetimeSeconds = 60;
  private issuer = '';
  private resource = '';

  initialize(config: McpAuthConfig): void {
    this.issuer = config.issuer!;
    this.resource = config.resource;
  }

  /** Registers a client directly; returns it with the plain secret. */
  async addClient(
    client: Partial<OAuthClientInformation> & { redirectUris: string[] },
  ): Promise<OAuthClientInformation> {
    const method = client.tokenEndpointAuthMethod ?? 'none';
    const full: OAuthClientInformation = {
      clientId: random(),
      tokenEndpointAuthMethod: method,
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      clientSecret: method === 'none' ? undefined : random(),
      ...client,
    };
    await this.registerClient(full);
    return full;
  }

  async getClient(clientId: string): Promise<OAuthClientInformation | undefined> {
    return this.clients.get(clientId);
  }

  async registerClient(client: OAuthClientInformation): Promise<void> {
    const stored = {
      ...client,
      clientSecret: client.clientSecret === undefined ? undefined : hash(client.clientSecret),
    };
    this.clients.set(client.clientId, stored);
  }

  async verifyClientSecret(client: OAuthClientInformation, presented: string): Promise<boolean> {
    const stored = this.clients.get(client.clientId)?.clientSecret;
    if (!stored) return false;
    return timingSafeEqual(Buffer.from(hash(presented), 'hex'), Buffer.from(stored, 'hex'));
  }

  async authorize(client: OAuthClientInformation, params: AuthorizationParams): Promise<string> {
    this.lastAuthorization = params;
    if (this.authorizeFailure) throw this.authorizeFailure;
    const code = random();
    this.codes.set(code, {
      id: random(),
      code,
      clientId: client.clientId,
      scopes: params.scopes,
      expiresAt: this.nowSeconds() + this.codeLifetimeSeconds,
      codeChallenge: params.codeChallenge,
      redirectUri: params.redirectUri,
      redirectUriProvidedExplicitly: params.redirectUriProvidedExplicitly,
      resource: params.resource,
      subject: 'user-1',
    });
    return buildAuthorizationResponseUrl(params.redirectUri, { code, state: params.state, iss: this.issuer });
  }

  async loadAuthorizationCode(_client: OAuthClientInformation, code: string): Promise<StoredCode | undefined> {
    const replayedGrant = this.usedCodes.get(code);
    if (replayedGrant) this.revokeGrant(replayedGrant);
    return this.codes.get(code);
  }

  async exchangeAuthorizationCode(client: OAuthClientInformation, code: StoredCode): Promise<OAuthToken> {
    if (this.exchangeFailure) throw this.exchangeFailure;
    if (!this.codes.delete(code.code)) {
      const grant = this.usedCodes.get(code.code);
      if (grant) this.revokeGrant(grant);
      throw new InvalidGrantError('The authorization code was already used');
    }
    this.usedCodes.set(code.code, code.id);
    return this.issue(client, code.id, code.scopes, code.scopes, code.resource, code.subject);
  }

  async loadRefreshToken(_client: OAuthClientInformation, token: string): Promise<StoredRefresh | undefined> {
    const rotatedGrant = this.rotatedRefreshTokens.get(token);
    if (rotatedGrant) this.revokeGrant(rotatedGrant);
    return this.refreshTokens.get(token);
  }

  async exchangeRefreshToken(
    client: OAuthClientInformation,
    token: StoredRefresh,
    scopes: string[],
    resource?: string,
  ): Promise<OAuthToken> {
    if (!this.refreshTokens.delete(token.token)) throw new InvalidGrantError('The refresh token is invalid');
    this.rotatedRefreshTokens.set(token.token, token.id);
    return this.issue(client, token.id, token.scopes, scopes, resource ?? token.resource, token.subject);
  }

  async loadAccessToken(token: string): Promise<StoredAccess | undefined> {
    return this.accessTokens.get(token);
  }

  async revokeToken(token: StoredAccess | StoredRefresh): Promise<void> {
    if (this.refreshTokens.has(token.token)) this.revokeGrant(token.id);
    else this.accessTokens.delete(token.token);
  }

  private issue(
    client: OAuthClientInformation,
    grantId: string,
    grantedScopes: string[],
    scopes: string[],
    resource: string | undefined,
    subject: string | undefined,
  ): OAuthToken {
    const accessToken = random();
    const refreshToken = random();
    const now = this.nowSeconds();
    this.accessTokens.set(accessToken, {
      id: grantId,
      token: accessToken,
      clientId: client.clientId,
      scopes,
      expiresAt: now + 3600,
      resource: resource ?? this.resource,
      subject,
      issuer: this.issuer,
      claims: { iat: now },
    });
    this.refreshTokens.set(refreshToken, {
      id: grantId,
      token: refreshToken,
      clientId: client.clientId,
      scopes: grantedScopes,
      resource,
      subject,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: 3600, scope: scopes.join(' '), refreshToken };
  }

  private revokeGrant(grantId: string): void {
    this.revokedGrants.add(grantId);
    for (const [key, value] of this.accessTokens) if (value.id === grantId) this.accessTokens.delete(key);
    for (const [key, value] of this.refreshTokens) if (value.id === grantId) this.refreshTokens.delete(key);
  }

  private nowSeconds(): number {
    return Math.floor(this.nowMs / 1000);
  }
}
