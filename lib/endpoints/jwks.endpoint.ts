import { Inject, Injectable } from '@nestjs/common';
import { type EndpointResult, textResult } from '../http/endpoint-result.js';
import type { AuthorizationServerConfig, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import type { ProtocolEndpoint } from './endpoint.js';
import { authorizationServerPath } from './endpoint-paths.js';

/**
 * How long resource servers may cache the key set. Short, so a newly rotated-in
 * key is picked up quickly; verifiers also refetch on an unknown `kid` (S45).
 */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * The provider's public signing keys (RFC 7517 §5) at `<issuer>/jwks`,
 * advertised as `jwks_uri` (RFC 8414 §2); served only when the provider
 * implements `getJsonWebKeySet`. CORS-enabled; GET and HEAD.
 */
@Injectable()
export class JwksEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'jwks';
  readonly methods = ['GET', 'HEAD'] as const;
  readonly cors = true;
  readonly noStore = false;
  readonly preflight = true;
  readonly errors = 'json';

  constructor(@Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig) {}

  paths(config: McpAuthConfig): string[] {
    return authorizationServerPath(config, 'jwks', (c) => typeof c.provider.getJsonWebKeySet === 'function');
  }

  async handle(): Promise<EndpointResult> {
    const keySet = await this.config.provider.getJsonWebKeySet!();
    return textResult(200, 'application/jwk-set+json', JSON.stringify(keySet), {
      'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
    });
  }
}
