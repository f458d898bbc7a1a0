import { Injectable } from '@nestjs/common';
import { InvalidClientMetadataError } from '../errors/oauth-error.js';
import type { EndpointRequest } from '../http/endpoint-request.js';
import { type EndpointResult, jsonResult } from '../http/endpoint-result.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { ClientRegistrationService, renderClientInformation } from '../services/client-registration.service.js';
import type { ProtocolEndpoint } from './endpoint.js';
import { authorizationServerPath } from './endpoint-paths.js';

/**
 * Dynamic client registration (RFC 7591 §3): JSON POST, 201 with the client
 * information and the secret shown once; `no-store` (S31), CORS (S32).
 * Served only when `clientRegistration.enabled`.
 */
@Injectable()
export class RegistrationEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'registration';
  readonly methods = ['POST'] as const;
  readonly cors = true;
  readonly noStore = true;
  readonly preflight = true;
  readonly errors = 'json';
  readonly rateLimit = { limit: 'register' } as const;
  readonly body = {
    mediaType: 'application/json',
    wrongMediaType: () => new InvalidClientMetadataError('The request body must be application/json'),
  };

  constructor(private readonly registration: ClientRegistrationService) {}

  paths(config: McpAuthConfig): string[] {
    return authorizationServerPath(config, 'registration', (c) => c.clientRegistration.enabled);
  }

  async handle(req: EndpointRequest): Promise<EndpointResult> {
    const client = await this.registration.register(req.body, { ip: req.ip, headers: req.headers });
    return jsonResult(201, renderClientInformation(client));
  }
}
