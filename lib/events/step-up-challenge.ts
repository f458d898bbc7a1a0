import { InsufficientScopeError } from '../errors/oauth-error.js';
import type { AccessToken } from '../interfaces/oauth-models.js';
import { emitMcpAuthEvent } from './emit-mcp-auth-event.js';
import type { McpAuthEventListener } from './mcp-auth-events.js';

/**
 * The 403 `insufficient_scope` error of the guard (RFC 6750 §3.1, S7), after
 * telling the listener a `step_up.challenged` event (identifiers only, S46).
 */
export function stepUpChallenge(
  listener: McpAuthEventListener | undefined,
  accessToken: AccessToken,
  requiredScopes: string[],
): InsufficientScopeError {
  const grantId = accessToken.claims?.grant_id;
  emitMcpAuthEvent(listener, {
    type: 'step_up.challenged',
    clientId: accessToken.clientId,
    subject: accessToken.subject,
    ...(typeof grantId === 'string' && { grantId }),
    requiredScopes: [...requiredScopes],
    grantedScopes: [...accessToken.scopes],
  });
  return new InsufficientScopeError(requiredScopes);
}
