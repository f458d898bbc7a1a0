import type { AccessToken } from '../interfaces/oauth-models.js';

/**
 * Maps JWT claims (RFC 9068 §2.2) or an introspection response (RFC 7662
 * §2.2) to an {@link AccessToken}: `scope` (space-separated, or `scp` as
 * some servers send it: an array, or a space-separated string as Entra ID v2) → scopes, `client_id` (or `azp`) → clientId,
 * `sub` → subject, `subject_type` (`user` / `machine`, S67) → subjectType, `aud` → resource (the guard checks it, S4), `exp` →
 * expiresAt, `iss` → issuer, `cnf` → cnf (RFC 7800, RFC 9449 §6: the guard then
 * requires DPoP). Returns `undefined` when a claim has the wrong type.
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
  const cnf = confirmationOf(claims.cnf);
  if (cnf === null) return undefined;
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
    ...(cnf && { cnf }),
  };
}

/**
 * The `cnf` claim (RFC 7800 §3.1): `undefined` when absent, `null` when malformed;
 * `jkt` is the DPoP key thumbprint (RFC 9449 §6). A confirmation without `jkt` (an
 * mTLS `x5t#S256`, RFC 8705) is kept empty, so the guard refuses what it cannot check.
 */
function confirmationOf(cnf: unknown): AccessToken['cnf'] | null | undefined {
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return null;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  if (jkt === undefined) return {};
  return typeof jkt === 'string' && jkt.length > 0 ? { jkt } : null;
}

function scopesOf(claims: Record<string, unknown>): string[] | undefined {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (claims.scope === undefined && typeof claims.scp === 'string') return claims.scp.split(' ').filter(Boolean);
  if (claims.scope === undefined && Array.isArray(claims.scp) && claims.scp.every((s) => typeof s === 'string')) {
    return [...(claims.scp as string[])];
  }
  return claims.scope === undefined && claims.scp === undefined ? [] : undefined;
}
