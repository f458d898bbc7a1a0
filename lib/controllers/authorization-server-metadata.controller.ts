import { All, Controller, Inject, Next, Optional, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { applyCorsHeaders } from '../http/cors.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG, WELL_KNOWN } from '../mcp-auth.constants.js';
import {
  AUTHORIZATION_SERVER_METADATA_EXTENSIONS,
  type AuthorizationServerMetadataExtension,
  buildAuthorizationServerMetadata,
} from '../rules/authorization-server-metadata.js';
import { isAuthorizationServer, isConfiguredEndpoint, requestPath } from '../services/endpoint-routing.js';
import { answerPreflightOrRefuseMethod } from '../http/http-method.js';
import { pathWithoutTrailingSlash } from '../rules/url-rules.js';
import { Public } from '../decorators/public.decorator.js';

const METHODS = ['GET', 'HEAD'] as const;

/**
 * Serves the authorization-server metadata (RFC 8414 §3, S28) at its
 * path-inserted well-known URL and the OpenID Connect Discovery alias
 * (inserted, and appended to the issuer path as OIDC Discovery §4 spells it).
 * CORS-enabled; GET and HEAD; other methods 405.
 */
@Controller()
@Public()
@UseFilters(OAuthExceptionFilter)
export class AuthorizationServerMetadataController {
  constructor(
    @Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig,
    @Optional()
    @Inject(AUTHORIZATION_SERVER_METADATA_EXTENSIONS)
    private readonly extensions: AuthorizationServerMetadataExtension[] = [],
  ) {}

  /** `GET /.well-known/oauth-authorization-server[/issuer-path]` and the OIDC aliases. */
  @All([
    WELL_KNOWN.authorizationServer,
    `${WELL_KNOWN.authorizationServer}/*rest`,
    WELL_KNOWN.openidConfiguration,
    `${WELL_KNOWN.openidConfiguration}/*rest`,
    `*prefix${WELL_KNOWN.openidConfiguration}`,
  ])
  serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    if (!this.isMetadataRequest(req)) return next();
    applyCorsHeaders(res, [...METHODS, 'OPTIONS']);
    if (answerPreflightOrRefuseMethod(req, res, METHODS)) return;
    res.status(200).json(buildAuthorizationServerMetadata(this.config, this.extensions ?? []));
  }

  private isMetadataRequest(req: Request): boolean {
    if (isConfiguredEndpoint(req, this.config, 'metadata')) return true;
    if (isConfiguredEndpoint(req, this.config, 'openidConfiguration')) return true;
    const issuerPath = this.config.issuer ? pathWithoutTrailingSlash(new URL(this.config.issuer).pathname) : '';
    return (
      issuerPath !== '' &&
      isAuthorizationServer(this.config) &&
      requestPath(req) === `${issuerPath}${WELL_KNOWN.openidConfiguration}`
    );
  }
}
