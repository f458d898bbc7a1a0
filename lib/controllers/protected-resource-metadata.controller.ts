import { All, Controller, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../decorators/public.decorator.js';
import { applyCorsHeaders } from '../http/cors.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG, WELL_KNOWN } from '../mcp-auth.constants.js';

const ALLOWED_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

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
  };
}

/**
 * `GET /.well-known/oauth-protected-resource<resource path>` (RFC 9728 §3.1,
 * path-inserted; S27). The route is registered with a wildcard because the
 * resource path is known only once the (possibly async) options resolved;
 * other paths under the prefix answer 404. CORS-enabled; HEAD and OPTIONS
 * work; other methods get 405 with `Allow`.
 */
@Public()
@Controller()
export class ProtectedResourceMetadataController {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  @All([WELL_KNOWN.protectedResource, `${WELL_KNOWN.protectedResource}/*rest`])
  serve(@Req() request: Request, @Res() response: Response): void {
    if (request.path !== this.config.protectedResourceMetadata.path) throw new NotFoundException();
    applyCorsHeaders(response, ALLOWED_METHODS);
    const method = request.method.toUpperCase();
    if (method === 'OPTIONS') {
      response.set('Allow', ALLOWED_METHODS.join(', ')).status(204).end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.set('Allow', ALLOWED_METHODS.join(', ')).status(405).json({
        error: 'invalid_request',
        error_description: 'Method not allowed',
      });
      return;
    }
    response
      .set('Cache-Control', `public, max-age=${PROTECTED_RESOURCE_METADATA_MAX_AGE_SECONDS}`)
      .status(200)
      .json(buildProtectedResourceMetadata(this.config));
  }
}
