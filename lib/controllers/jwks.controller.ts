import { All, Controller, Inject, Next, Req, Res, UseFilters } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Public } from '../decorators/public.decorator.js';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { applyCorsHeaders } from '../http/cors.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { isConfiguredEndpoint } from '../services/endpoint-routing.js';
import { answerPreflightOrRefuseMethod } from '../http/http-method.js';

const METHODS = ['GET', 'HEAD'] as const;

/**
 * How long resource servers may cache the key set. Short, so a newly rotated-in
 * key is picked up quickly; verifiers also refetch on an unknown `kid` (S45).
 */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * Serves the provider's public signing keys (RFC 7517 §5) at
 * `config.endpoints.jwks` (`<issuer>/jwks`), advertised as `jwks_uri`
 * (RFC 8414 §2). Only when the provider implements `getJsonWebKeySet`.
 * CORS-enabled; GET and HEAD; other methods 405.
 */
@Controller()
@Public()
@UseFilters(OAuthExceptionFilter)
export class JwksController {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  /** `GET <issuer>/jwks`. */
  @All(['jwks', '*prefix/jwks'])
  async serve(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): Promise<void> {
    const provider = this.config.provider;
    if (!isConfiguredEndpoint(req, this.config, 'jwks') || typeof provider?.getJsonWebKeySet !== 'function') {
      return next();
    }
    applyCorsHeaders(res, [...METHODS, 'OPTIONS']);
    if (answerPreflightOrRefuseMethod(req, res, METHODS)) return;
    const keySet = await provider.getJsonWebKeySet();
    res
      .status(200)
      .set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
      .type('application/jwk-set+json')
      .send(JSON.stringify(keySet));
  }
}
