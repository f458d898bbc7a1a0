import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { randomBytes } from 'node:crypto';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type AuthorizationOutcome, type UserChoice } from './authorize-as-user.js';

/** Settings of {@link InteractiveOAuthProvider}. */
export interface InteractiveOAuthProviderSettings {
  /** Loopback redirect URI of this client (nothing listens there: the user agent stops at it). */
  redirectUrl: string;
  /** Extra client metadata (e.g. `token_endpoint_auth_method`, `grant_types`). */
  metadata?: Partial<OAuthClientMetadata>;
  /** The user who signs in and approves. */
  user?: UserChoice;
}

/**
 * An `OAuthClientProvider` of the official MCP TypeScript SDK (v1) for tests:
 * keeps everything in memory, and "redirects" by handing the authorization URL
 * to an HTML user agent that signs in, approves, and captures the code from
 * the redirect to the client's callback.
 */
export class InteractiveOAuthProvider implements OAuthClientProvider {
  readonly agent = new HtmlUserAgent();
  /** Every authorization URL the SDK asked the user to open, in order. */
  readonly authorizationUrls: URL[] = [];
  /** Every callback the user agent reached, in order. */
  readonly outcomes: AuthorizationOutcome[] = [];
  private client?: OAuthClientInformationMixed;
  private saved?: OAuthTokens;
  private verifier?: string;
  private lastState?: string;

  constructor(private readonly settings: InteractiveOAuthProviderSettings) {}

  get redirectUrl(): string {
    return this.settings.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Interop test client (SDK v1)',
      redirect_uris: [this.settings.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...this.settings.metadata,
    };
  }

  state(): string {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.client = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('No code verifier saved');
    return this.verifier;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrls.push(url);
    this.outcomes.push(await authorizeAsUser(this.agent, url, this.settings.redirectUrl, this.settings.user));
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
  }

  /** The code of the last callback, after checking its `state` and `iss` (what a real client's callback handler does). */
  takeCode(expectedIssuer: string): string {
    const callback = this.outcomes.at(-1)?.callbackUrl;
    if (!callback) throw new Error('The user agent reached no callback');
    const params = callback.searchParams;
    if (params.get('error')) throw new Error(`Authorization error: ${params.get('error')}`);
    if (params.get('state') !== this.lastState) throw new Error('state mismatch');
    if (params.get('iss') !== expectedIssuer) throw new Error(`iss mismatch: ${params.get('iss')}`);
    const code = params.get('code');
    if (!code) throw new Error('No code in the callback');
    return code;
  }
}
