import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { randomBytes } from 'node:crypto';
import { HtmlUserAgent } from '../../support/html-user-agent.js';
import { authorizeAsUser, type AuthorizationOutcome, type UserChoice } from './authorize-as-user.js';

/** Settings of {@link InteractiveOAuthProviderV2}. */
export interface InteractiveOAuthProviderV2Settings {
  /** Loopback redirect URI of this client (the user agent stops at it). */
  redirectUrl: string;
  /** Extra client metadata. */
  metadata?: Partial<OAuthClientMetadata>;
  /** A Client ID Metadata Document URL (the SDK uses it as `client_id` when the AS supports CIMD). */
  clientMetadataUrl?: string;
  user?: UserChoice;
}

/**
 * An `OAuthClientProvider` of the MCP TypeScript SDK v2 (`@modelcontextprotocol/client`)
 * for tests: in memory, "redirects" through an HTML user agent that signs in
 * and approves; the callback's parameters go to `transport.finishAuth(params)`,
 * which checks `iss` per RFC 9207.
 */
export class InteractiveOAuthProviderV2 implements OAuthClientProvider {
  readonly agent = new HtmlUserAgent();
  readonly authorizationUrls: URL[] = [];
  readonly outcomes: AuthorizationOutcome[] = [];
  readonly clientMetadataUrl?: string;
  private client?: StoredOAuthClientInformation;
  private saved?: StoredOAuthTokens;
  private verifier?: string;
  private lastState?: string;

  constructor(private readonly settings: InteractiveOAuthProviderV2Settings) {
    this.clientMetadataUrl = settings.clientMetadataUrl;
  }

  get redirectUrl(): string {
    return this.settings.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Interop test client (SDK v2)',
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

  clientInformation(): StoredOAuthClientInformation | undefined {
    return this.client;
  }

  saveClientInformation(info: StoredOAuthClientInformation): void {
    this.client = info;
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
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

  /** The last callback's query, after the app's own `state` check (the SDK checks `iss`). */
  takeCallbackParams(): URLSearchParams {
    const callback = this.outcomes.at(-1)?.callbackUrl;
    if (!callback) throw new Error('The user agent reached no callback');
    if (callback.searchParams.get('state') !== this.lastState) throw new Error('state mismatch');
    return new URLSearchParams(callback.searchParams);
  }
}
