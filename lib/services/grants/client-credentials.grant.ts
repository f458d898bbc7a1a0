import { Inject, Injectable } from '@nestjs/common';
import { isMetadataDocumentClient } from '../../cimd/metadata-document-client.js';
import { UnauthorizedClientError } from '../../errors/oauth-error.js';
import type { AuthorizationServerConfig } from '../../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation, OAuthToken } from '../../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../../mcp-auth.constants.js';
import { assertConfidentialClient, resolveMachineScopes } from '../../rules/client-credentials-rules.js';
import { CLIENT_CREDENTIALS_GRANT_TYPE } from '../../rules/grant-types.js';
import type { TokenGrantHandler, TokenGrantRequest } from './token-grant-handler.js';

/**
 * The client credentials grant (RFC 6749 §4.4, OAuth 2.1 §4.2, MCP ext-auth
 * "OAuth Client Credentials", S67): a confidential client the application
 * registered for it (a secret or `private_key_jwt`; never a public client, never
 * a Client ID Metadata Document client) gets an access token whose subject is
 * the client itself (`subject_type` `machine`), with scopes within its
 * registered set, for this MCP server's audience, and no refresh token.
 */
@Injectable()
export class ClientCredentialsGrant implements TokenGrantHandler {
  readonly grantType = CLIENT_CREDENTIALS_GRANT_TYPE;

  constructor(@Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig) {}

  async exchange(client: OAuthClientInformation, request: TokenGrantRequest): Promise<OAuthToken> {
    assertConfidentialClient(client, this.grantType);
    if (isMetadataDocumentClient(client)) {
      throw new UnauthorizedClientError('A client identified by a metadata document cannot use client_credentials');
    }
    const scopes = resolveMachineScopes(client, request.scope, this.config);
    const token = await this.config.provider.issueTokenForSubject!(client, {
      grantType: this.grantType,
      subject: client.clientId,
      subjectType: 'machine',
      scopes,
      resource: this.config.resource,
    });
    return withoutRefreshToken(token);
  }
}

/** RFC 6749 §4.4.3: a refresh token SHOULD NOT be included; here it never is (S67, S68). */
export function withoutRefreshToken(token: OAuthToken): OAuthToken {
  if (token.refreshToken === undefined) return token;
  const { refreshToken: _dropped, ...rest } = token;
  return rest;
}
