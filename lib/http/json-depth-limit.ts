import type { NextFunction, Request, Response } from 'express';
import { InvalidRequestError } from '../errors/oauth-error.js';
import { sendOAuthError } from '../errors/oauth-exception.filter.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { requestPath } from '../services/endpoint-routing.js';
import { ownRequestMatcher } from './own-request-paths.js';
import { jsonValueExceedsDepth } from './json-depth.js';

/**
 * Middleware that refuses (400 `invalid_request`, S58) a parsed request body
 * nested deeper than `jsonMaxDepth` on this module's OAuth paths, before any
 * controller, DTO transformation or validation walks it recursively. The MCP
 * endpoint is left to `BearerAuthGuard`, which checks the bodies it reads.
 * Requests without a parsed body (GET, skipped parsers) cost one type check.
 */
export function createJsonDepthLimit(config: McpAuthConfig): (req: Request, res: Response, next: NextFunction) => void {
  const owns = ownRequestMatcher(config);
  const mcpPath = new URL(config.resource).pathname;
  return (req, res, next) => {
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return next();
    if (requestPath(req) === mcpPath || !owns(req) || !jsonValueExceedsDepth(body, config.jsonMaxDepth)) return next();
    sendOAuthError(res, new InvalidRequestError('The request body is nested too deeply'));
  };
}
