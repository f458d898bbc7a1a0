import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidClientError, InvalidRequestError } from '../errors/oauth-error.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation, TokenEndpointAuthMethod } from '../interfaces/oauth-models.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { OAuthClientResolver } from './client-resolver.service.js';
import { OAUTH_CLOCK, type OAuthClock, epochSeconds } from './oauth-clock.js';
import { readParameter } from './request-parameters.js';
import { constantTimeEquals } from './secure-values.js';

/** Client credentials as presented on one request. */
export interface PresentedClientCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  clientSecret?: string;
}

/** The methods the token, revocation and introspection endpoints accept, in metadata order (RFC 8414 §2). */
export const SUPPORTED_CLIENT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
];

/** Decodes one `application/x-www-form-urlencoded` value (RFC 6749 §2.3.1, Appendix B). */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClientError('Malformed HTTP Basic credentials', true);
  }
}

/**
 * Reads the client credentials of a request (RFC 6749 §2.3.1): HTTP Basic
 * with form-url-decoded id and secret, or `client_id`/`client_secret` in the
 * body. Using two methods at once is `invalid_request`.
 */
export function readClientCredentials(req: Request): PresentedClientCredentials {
  const header = req.headers.authorization;
  const bodyId = readParameter(req.body, 'client_id');
  const bodySecret = readParameter(req.body, 'client_secret');
  const basic = typeof header === 'string' ? /^basic +(.*)$/i.exec(header.trim()) : null;
  if (basic) {
    if (bodySecret !== undefined) throw new InvalidRequestError('Use one client authentication method, not two');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (!/^[A-Za-z0-9+/]+=*$/.test(basic[1]!) || colon < 1) {
      throw new InvalidClientError('Malformed HTTP Basic credentials', true);
    }
    const clientId = formDecode(decoded.slice(0, colon));
    if (bodyId !== undefined && bodyId !== clientId) {
      throw new InvalidRequestError('client_id in the body differs from the HTTP Basic credentials');
    }
    return { method: 'client_secret_basic', clientId, clientSecret: formDecode(decoded.slice(colon + 1)) };
  }
  if (bodyId === undefined) throw new InvalidClientError('Client authentication is required');
  if (bodySecret !== undefined) return { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret };
  return { method: 'none', clientId: bodyId };
}

/**
 * Authenticates the client of a token, revocation or introspection request
 * (RFC 6749 §2.3, S37): the method must be the registered one, the secret is
 * compared in constant time (by the provider when it implements
 * `verifyClientSecret`), and an expired secret is refused.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    private readonly clients: OAuthClientResolver,
    @Inject(OAUTH_CLOCK) private readonly clock: OAuthClock,
  ) {}

  /** The authenticated client, or an `InvalidClientError` / `InvalidRequestError`. */
  async authenticate(req: Request): Promise<OAuthClientInformation> {
    const presented = readClientCredentials(req);
    const usedBasic = presented.method === 'client_secret_basic';
    const client = await this.clients.resolve(presented.clientId);
    if (!client) throw new InvalidClientError('Client authentication failed', usedBasic);
    const registered = client.tokenEndpointAuthMethod ?? 'client_secret_basic';
    if (registered !== presented.method) {
      throw new InvalidClientError('Client authentication failed: unexpected authentication method', usedBasic);
    }
    if (presented.method === 'none') return client;
    if (!(await this.secretMatches(client, presented.clientSecret!))) {
      throw new InvalidClientError('Client authentication failed', usedBasic);
    }
    const expiresAt = client.clientSecretExpiresAt ?? 0;
    if (expiresAt !== 0 && expiresAt <= epochSeconds(this.clock)) {
      throw new InvalidClientError('The client secret has expired', usedBasic);
    }
    return client;
  }

  private async secretMatches(client: OAuthClientInformation, presented: string): Promise<boolean> {
    const provider = this.config.provider!;
    if (provider.verifyClientSecret) return (await provider.verifyClientSecret(client, presented)) === true;
    if (typeof client.clientSecret !== 'string') return false;
    return constantTimeEquals(presented, client.clientSecret);
  }
}
