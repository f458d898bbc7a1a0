import { randomBytes } from 'node:crypto';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type AuthorizationOutcome, type UserChoice } from './authorize-as-user.js';

/** Settings shared by the SDK v1 and v2 test OAuth client providers. */
export interface InteractiveOAuthProviderSettings<TMetadata> {
  /** Loopback redirect URI of this client (nothing listens there: the user agent stops at it). */
  redirectUrl: string;
  /** Extra client metadata (e.g. `token_endpoint_auth_method`, `grant_types`). */
  metadata?: Partial<TMetadata>;
  /** The user who signs in and approves. */
  user?: UserChoice;
  /** The `scope` this client asks for, in place of the one the SDK chose (a client asking for a broad scope up front). */
  requestScope?: string;
}

/**
 * The in-memory part of an MCP SDK `OAuthClientProvider` for tests, common to
 * SDK v1 and v2 (whose interfaces differ only in type names): client
 * information, tokens and PKCE verifier kept in memory, and the "redirect"
 * played by an HTML user agent that signs in, approves and stops at the
 * client's callback.
 */
export abstract class InteractiveOAuthProvider<TClientInformation, TTokens, TMetadata extends object> {
  readonly agent = new HtmlUserAgent();
  /** Every authorization URL the SDK asked the user to open, in order. */
  readonly authorizationUrls: URL[] = [];
  /** Every callback the user agent reached, in order. */
  readonly outcomes: AuthorizationOutcome[] = [];
  protected lastState?: string;
  private client?: TClientInformation;
  private saved?: TTokens;
  private verifier?: string;

  constructor(
    protected readonly settings: InteractiveOAuthProviderSettings<TMetadata>,
    private readonly clientName: string,
  ) {}

  get redirectUrl(): string {
    return this.settings.redirectUrl;
  }

  get clientMetadata(): TMetadata {
    return {
      client_name: this.clientName,
      redirect_uris: [this.settings.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...this.settings.metadata,
    } as unknown as TMetadata;
  }

  state(): string {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }

  clientInformation(): TClientInformation | undefined {
    return this.client;
  }

  saveClientInformation(info: TClientInformation): void {
    this.client = info;
  }

  tokens(): TTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: TTokens): void {
    this.saved = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('No code verifier saved');
    return this.verifier;
  }

  async redirectToAuthorization(chosen: URL): Promise<void> {
    const url = new URL(chosen);
    if (this.settings.requestScope !== undefined) url.searchParams.set('scope', this.settings.requestScope);
    this.authorizationUrls.push(url);
    this.outcomes.push(await authorizeAsUser(this.agent, url, this.settings.redirectUrl, this.settings.user));
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
  }

  /** The last callback's query after the app's own `state` check. */
  protected lastCallback(): URLSearchParams {
    const callback = this.outcomes.at(-1)?.callbackUrl;
    if (!callback) throw new Error('The user agent reached no callback');
    if (callback.searchParams.get('state') !== this.lastState) throw new Error('state mismatch');
    return new URLSearchParams(callback.searchParams);
  }
}
