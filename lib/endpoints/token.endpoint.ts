import { Injectable } from '@nestjs/common';
import type { EndpointRequest } from '../http/endpoint-request.js';
import { type EndpointResult, jsonResult } from '../http/endpoint-result.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { ClientAuthenticator } from '../services/client-authentication.service.js';
import { DpopTokenProofs } from '../services/dpop-token-proofs.service.js';
import { claimedClientId } from '../services/rate-limiter.service.js';
import { TokenGrantService, renderTokenResponse } from '../services/token-grant.service.js';
import type { ProtocolEndpoint } from './endpoint.js';
import { authorizationServerPath } from './endpoint-paths.js';
import { FORM_BODY } from './form-body.js';

/**
 * The token endpoint (RFC 6749 §3.2, §5): form POST, client authentication
 * (S37), `no-store` (S31), CORS (S32). Counted per client and address; failed
 * requests count on their own, tighter limit (S62). A `DPoP` proof binds the
 * issued tokens to the client's key (RFC 9449 §5, S69); it is checked before
 * client authentication, so a nonce challenge spends no client assertion.
 */
@Injectable()
export class TokenEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'token';
  readonly methods = ['POST'] as const;
  readonly cors = true;
  readonly noStore = true;
  readonly preflight = true;
  readonly errors = 'json';
  readonly rateLimit = { limit: 'token', clientId: claimedClientId, failures: 'tokenFailures' } as const;
  readonly body = FORM_BODY;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly grants: TokenGrantService,
    private readonly dpop: DpopTokenProofs,
  ) {}

  paths(config: McpAuthConfig): string[] {
    return authorizationServerPath(config, 'token');
  }

  async handle(req: EndpointRequest): Promise<EndpointResult> {
    const binding = await this.dpop.binding(req);
    const client = await this.clients.authenticate(req);
    const token = await this.grants.exchange(client, req.body, binding);
    return jsonResult(200, renderTokenResponse(token), this.dpop.responseHeaders());
  }
}
