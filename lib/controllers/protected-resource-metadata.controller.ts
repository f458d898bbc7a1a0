import { All, Controller, Inject, Next, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Public } from '../decorators/public.decorator.js';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { applyCorsHeaders } from '../http/cors.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG, WELL_KNOWN } from '../mcp-auth.constants.js';
import { requestPath } from '../services/endpoint-routing.js';
import { answerPreflightOrRefuseMethod } from '../http/http-method.js';

const METHODS = ['GET', 'HEAD'] as const;

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
 * other paths under the prefix are passed on (Nest answers 404 unless the app
 * serves them). CORS-enabled; HEAD and OPTIONS work; other methods get 405
 * with `Allow`.
 */
@Public()
@Controller()
@UseFilters(OAuthExceptionFilter)
export class ProtectedResourceMetadataController {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  @All([WELL_KNOWN.protectedResource, `${WELL_KNOWN.protectedResource}/*rest`])
  serve(@Req() request: Request, @Res() response: Response, @Next() next: NextFunction): void {
    if (requestPath(request) !== this.config.protectedResourceMetadata.path) return next();
    applyCorsHeaders(response, [...METHODS, 'OPTIONS']);
    if (answerPreflightOrRefuseMethod(request, response, METHODS)) return;
    response
      .set('Cache-Control', `public, max-age=${PROTECTED_RESOURCE_METADATA_MAX_AGE_SECONDS}`)
      .status(200)
      .json(buildProtectedResourceMetadata(this.config));
  }
}
