import type { Response } from 'express';

/**
 * The headers that allow cross-origin reads of an endpoint a browser-based
 * MCP client calls (metadata, token, register, revoke, JWKS; S32). No
 * credentials are allowed: these endpoints never use cookies. A `DPoP` proof
 * may be sent and a `DPoP-Nonce` read (RFC 9449 §8).
 */
export function corsHeaders(allowedMethods: readonly string[]): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': allowedMethods.join(', '),
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, MCP-Protocol-Version, DPoP',
    'Access-Control-Expose-Headers': 'DPoP-Nonce, WWW-Authenticate',
    'Access-Control-Max-Age': '86400',
  };
}

/** Sets {@link corsHeaders} on an Express response. */
export function applyCorsHeaders(res: Response, allowedMethods: readonly string[]): void {
  res.set(corsHeaders(allowedMethods));
}
