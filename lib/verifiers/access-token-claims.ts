import type { AccessToken } from '../interfaces/oauth-models.js';

/**
 * Maps JWT claims (RFC 9068 §2.2) or an introspection response (RFC 7662
 * §2.2) to an {@link AccessToken}: `scope` (space-separated, or an `scp`
 * array as some servers send) → scopes, `client_id` (or `azp`) → clientId,
 * `sub` → subject, `subject_type` (`user` / `machine`, S67) → subjectType, `aud` → resource (the guard checks it, S4), `exp` →
 * expiresAt, `iss` → issuer. Returns `undefined` when a claim has the wrong type.
 */
export function accessTokenFromClaims(token: string, claims: Record<string, unknown>): AccessToken | undefined {
  const scopes = scopesOf(claims);
  const clientId = typeof claims.client_id === 'string' ? claims.client_id : claims.azp;
  const aud = claims.aud;
  const audienceOk =
    aud === undefined || typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'));
  if (!scopes || typeof clientId !== 'string' || !audienceOk) return undefined;
  if (claims.exp !== undefined && typeof claims.exp !== 'number') return undefined;
  if (claims.sub !== undefined && typeof claims.sub !== 'string') return undefined;
  if (claims.iss !== undefined && typeof claims.iss !== 'string') return undefined;
  return {
    token,
    clientId,
    scopes,
    expiresAt: claims.exp as number | undefined,
    resource: aud as string | string[] | undefined,
    subject: claims.sub as string | undefined,
    subjectType: claims.subject_type === 'machine' || claims.subject_type === 'user' ? claims.subject_type : undefined,
    issuer: claims.iss as string | undefined,
    claims: { ...claims },
  };
}

function scopesOf(claims: Record<string, unknown>): string[] | undefined {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (claims.scope === undefined && Array.isArray(claims.scp) && claims.scp.every((s) => typeof s === 'string')) {
    return [...(claims.scp as string[])];
  }
  return claims.scope === undefined && claims.scp === undefined ? [] : undefined;
}
