import { Inject, Injectable } from '@nestjs/common';
import { type EndpointResult, jsonResult } from '../http/endpoint-result.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import type { ProtocolEndpoint } from './endpoint.js';

/** Seconds clients and proxies may cache the metadata document. */
export const PROTECTED_RESOURCE_METADATA_MAX_AGE_SECONDS = 300;

/** The OAuth 2.0 Protected Resource Metadata document (RFC 9728 §2), wire names. */
export interface ProtectedResourceMetadataDocument {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: ['header'];
  resource_name?: string;
  resource_documentation?: string;
  /** JWS algorithms accepted in DPoP proofs (RFC 9728 §2, RFC 9449 §7). */
  dpop_signing_alg_values_supported?: string[];
}

/** Builds the RFC 9728 §2 document from the configuration (`offline_access` is not a resource scope). */
export function buildProtectedResourceMetadata(config: McpAuthConfig): ProtectedResourceMetadataDocument {
  const scopes = config.scopesSupported.filter((scope) => scope !== 'offline_access');
  return {
    resource: config.resource,
    authorization_servers: [...config.authorizationServers],
    ...(scopes.length ? { scopes_supported: scopes } : {}),
    bearer_methods_supported: ['header'],
    ...(config.resourceName ? { resource_name: config.resourceName } : {}),
    ...(config.serviceDocumentationUrl ? { resource_documentation: config.serviceDocumentationUrl } : {}),
    ...(config.dpop ? { dpop_signing_alg_values_supported: [...config.dpop.signingAlgorithms] } : {}),
  };
}

/**
 * `GET /.well-known/oauth-protected-resource<resource path>` (RFC 9728 §3.1,
 * path-inserted; S27), in both modes. CORS-enabled; GET and HEAD.
 */
@Injectable()
export class ProtectedResourceMetadataEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'protected-resource-metadata';
  readonly methods = ['GET', 'HEAD'] as const;
  readonly cors = true;
  readonly noStore = false;
  readonly preflight = true;
  readonly errors = 'json';

  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  paths(config: McpAuthConfig): string[] {
    return [config.protectedResourceMetadata.path];
  }

  handle(): EndpointResult {
    return jsonResult(200, buildProtectedResourceMetadata(this.config), {
      'Cache-Control': `public, max-age=${PROTECTED_RESOURCE_METADATA_MAX_AGE_SECONDS}`,
    });
  }
}
