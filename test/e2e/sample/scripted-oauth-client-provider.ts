import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { type HtmlUserAgent, formWithField } from '../../support/html-user-agent.js';
import { REDIRECT_URI } from './sample-client.js';

/**
 * An `OAuthClientProvider` for the official SDK client whose "browser" is an
 * {@link HtmlUserAgent}: on `redirectToAuthorization` it signs in as the given
 * user, approves consent and keeps the code for `transport.finishAuth(code)`.
 */
export class ScriptedOAuthClientProvider implements OAuthClientProvider {
  /** The `scope` of every authorization request the SDK made. */
  readonly requestedScopes: string[] = [];
  /** The code of the last authorization, for `finishAuth`. */
  lastCode?: string;
  private information?: OAuthClientInformationMixed;
  private savedTokens?: OAuthTokens;
  private verifier = '';

  constructor(
    private readonly agent: HtmlUserAgent,
    private readonly user: { username: string; password: string },
    private readonly grantTypes: string[],
  ) {}

  get redirectUrl(): string {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK client (test)',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: this.grantTypes,
      response_types: ['code'],
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.savedTokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.savedTokens = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.requestedScopes.push(url.searchParams.get('scope') ?? '');
    const stopAt = (target: string) => target.startsWith(REDIRECT_URI);
    let step = await this.agent.open(url.toString(), { stopAt });
    if (!step.stoppedAt && /name="password"/.test(step.response.body)) {
      const login = formWithField(step.response, 'password');
      step = await this.agent.submit(login, { ...this.user }, undefined, { stopAt });
    }
    if (!step.stoppedAt) {
      const consent = formWithField(step.response, 'decision');
      step = await this.agent.submit(consent, {}, { name: 'decision', value: 'approve' }, { stopAt });
    }
    if (!step.stoppedAt) throw new Error(`Authorization did not reach the redirect URI (${step.response.status})`);
    this.lastCode = new URL(step.stoppedAt).searchParams.get('code') ?? undefined;
  }
}
