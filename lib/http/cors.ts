import type { Response } from 'express';

/**
 * Allows cross-origin reads of an endpoint a browser-based MCP client calls
 * (metadata, token, register, revoke, JWKS; S32). No credentials are allowed:
 * these endpoints never use cookies.
 */
export function applyCorsHeaders(res: Response, allowedMethods: readonly string[]): void {
  res.set({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': allowedMethods.join(', '),
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, MCP-Protocol-Version',
    'Access-Control-Max-Age': '86400',
  });
}
