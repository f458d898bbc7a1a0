import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidRequestError,
  OAuthError,
  UnauthorizedClientError,
  UnsupportedResponseTypeError,
} from '../errors/oauth-error.js';
import { toOAuthError } from '../errors/error-policy.js';
import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { AuthorizationParams, OAuthClientInformation } from '../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import { buildAuthorizationResponseUrl } from '../rules/authorization-response.js';
import { OAuthClientResolver } from './client-resolver.service.js';
import { oversizedAuthorizationParameter } from '../rules/input-limits.js';
import { isValidS256Challenge } from '../rules/pkce.js';
import { resolveRedirectUri } from '../rules/redirect-uri-rules.js';
import { invalidParameters, inspectParameter, readParameters } from '../rules/request-parameters.js';
import { readResourceParameter } from '../rules/resource-indicators.js';
import { resolveAuthorizationScopes } from '../rules/scope-rules.js';

/** Single-valued parameters of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, S35). */
export const AUTHORIZATION_REQUEST_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'response_mode',
  'nonce',
  'prompt',
  'login_hint',
] as const;

/**
 * What `/authorize` answers: an error page (untrusted client or redirect URI,
 * or an error before sign-in for a client whose redirect URIs are not trusted,
 * then with the redirect URI to show as text) or a redirect.
 */
export type AuthorizationOutcome =
  { kind: 'page'; error: OAuthError; redirectUri?: string } | { kind: 'redirect'; location: string };

/**
 * Validates an authorization request (RFC 6749 §4.1.1, OAuth 2.1 §4.1.1) in
 * the order that decides where errors may go: client and redirect URI first
 * (errors shown on a page, never redirected: S17, S18, S21), then everything
 * else. Those later errors happen before anyone signed in, so they are
 * redirected with `state` and `iss` (S15, S20, S29) only for a client whose
 * redirect URIs the operator marked trusted (`trustedRedirectUris`); for
 * dynamically registered and metadata-document clients they are shown on a
 * page (RFC 9700 §4.11.2, S52).
 */
@Injectable()
export class AuthorizationRequestService {
  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    private readonly clients: OAuthClientResolver,
  ) {}

  /** Runs the checks and, when they pass, hands the request to the provider. */
  async handle(params: unknown): Promise<AuthorizationOutcome> {
    const oversized = oversizedAuthorizationParameter(params, this.config.inputLimits);
    const oversizedError =
      oversized &&
      new InvalidRequestError(`The ${oversized.name} parameter is longer than ${oversized.limitBytes} bytes`);
    if (oversizedError && (oversized.name === 'client_id' || oversized.name === 'redirect_uri')) {
      return page(oversizedError);
    }
    const target = await this.trustedTarget(params);
    if ('kind' in target) return target;
    const { client, redirectUri } = target;
    const stateReading = inspectParameter(params, 'state');
    const state = stateReading.invalid || oversized?.name === 'state' ? undefined : stateReading.value;
    try {
      if (oversizedError) throw oversizedError;
      const authorization = this.validate(params, client, redirectUri);
      const location = await this.config.provider.authorize(client, authorization);
      return { kind: 'redirect', location };
    } catch (exception) {
      const error = toOAuthError(exception);
      if (client.trustedRedirectUris !== true) return { kind: 'page', error, redirectUri };
      const location = buildAuthorizationResponseUrl(redirectUri, {
        error: error.error,
        errorDescription: error.description,
        state,
        iss: this.config.issuer,
      });
      return { kind: 'redirect', location };
    }
  }

  private async trustedTarget(
    params: unknown,
  ): Promise<AuthorizationOutcome | { client: OAuthClientInformation; redirectUri: string }> {
    const clientId = inspectParameter(params, 'client_id');
    if (clientId.invalid) return page(new InvalidRequestError('The client_id parameter is repeated or malformed'));
    if (clientId.value === undefined) return page(new InvalidRequestError('The client_id parameter is required'));
    let client: OAuthClientInformation | undefined;
    try {
      client = await this.clients.resolve(clientId.value);
    } catch (exception) {
      return page(toOAuthError(exception));
    }
    if (!client) return page(new OAuthError('invalid_client', 'The client is not known to this server', 400));
    const requested = inspectParameter(params, 'redirect_uri');
    if (requested.invalid) return page(new InvalidRequestError('The redirect_uri parameter is repeated or malformed'));
    const redirectUri = resolveRedirectUri(client.redirectUris ?? [], requested.value);
    if (!redirectUri) {
      return page(
        new InvalidRequestError(
          requested.value === undefined
            ? 'The redirect_uri parameter is required for this client'
            : 'The redirect_uri does not match a URI registered for this client',
        ),
      );
    }
    return { client, redirectUri };
  }

  private validate(params: unknown, client: OAuthClientInformation, redirectUri: string): AuthorizationParams {
    const repeated = invalidParameters(params, AUTHORIZATION_REQUEST_PARAMETERS);
    if (repeated.length) throw new InvalidRequestError(`Repeated or malformed parameter: ${repeated.join(', ')}`);
    const p = readParameters(params, AUTHORIZATION_REQUEST_PARAMETERS);
    if (p.response_type === undefined) throw new InvalidRequestError('The response_type parameter is required');
    if (p.response_type !== 'code') throw new UnsupportedResponseTypeError('Only response_type=code is supported');
    if (p.response_mode !== undefined && p.response_mode !== 'query') {
      throw new InvalidRequestError('Only response_mode=query is supported');
    }
    const responseTypes = client.responseTypes ?? ['code'];
    const grantTypes = client.grantTypes ?? ['authorization_code', 'refresh_token'];
    if (!responseTypes.includes('code') || !grantTypes.includes('authorization_code')) {
      throw new UnauthorizedClientError('The client is not registered for the authorization code flow');
    }
    const codeChallenge = this.requireS256Challenge(p.code_challenge, p.code_challenge_method);
    const scopes = resolveAuthorizationScopes(this.config, client, p.scope);
    const resource = readResourceParameter(params, this.config.resource);
    return {
      state: p.state,
      scopes,
      codeChallenge,
      redirectUri,
      redirectUriProvidedExplicitly: p.redirect_uri !== undefined,
      resource,
    };
  }

  private requireS256Challenge(challenge: string | undefined, method: string | undefined): string {
    if (challenge === undefined) throw new InvalidRequestError('code_challenge is required (PKCE with S256)');
    if (method === undefined) throw new InvalidRequestError('code_challenge_method is required and must be S256');
    if (method !== 'S256') throw new InvalidRequestError('code_challenge_method must be S256');
    if (!isValidS256Challenge(challenge)) throw new InvalidRequestError('code_challenge is malformed');
    return challenge;
  }
}

function page(error: OAuthError): AuthorizationOutcome {
  return { kind: 'page', error };
}
