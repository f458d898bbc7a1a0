import type { AuthorizationCodeRecord, GrantRecord, RefreshTokenRecord } from './oauth-store.interface.js';

/*
 * Frozen copies of the records MemoryOAuthStore hands out without copying on
 * every read. Each is built as an object literal with its properties in a
 * fixed order: V8 then shares one hidden class among all records of a kind
 * (a frozen spread copy gets a hidden class of its own, ~300 bytes each), and
 * a grant's usual properties sit inside the object (no separate property array).
 */

/** A frozen copy of a grant, with `changes` applied (revocation, step-up marker). */
export function frozenGrant(
  grant: GrantRecord,
  changes: Pick<GrantRecord, 'revoked' | 'stepUpRequiredUntilMs'> = {},
): Readonly<GrantRecord> {
  const scopes = frozenArray(grant.scopes);
  const copy: GrantRecord =
    grant.resource === undefined
      ? {
          grantId: grant.grantId,
          clientId: grant.clientId,
          subject: grant.subject,
          scopes,
          createdAtMs: grant.createdAtMs,
          expiresAtMs: grant.expiresAtMs,
        }
      : {
          grantId: grant.grantId,
          clientId: grant.clientId,
          subject: grant.subject,
          scopes,
          resource: grant.resource,
          createdAtMs: grant.createdAtMs,
          expiresAtMs: grant.expiresAtMs,
        };
  const revoked = changes.revoked ?? grant.revoked;
  if (revoked !== undefined) copy.revoked = revoked;
  const stepUp = changes.stepUpRequiredUntilMs ?? grant.stepUpRequiredUntilMs;
  if (stepUp !== undefined) copy.stepUpRequiredUntilMs = stepUp;
  return Object.freeze(copy);
}

/** A frozen copy of a live refresh token. */
export function frozenRefreshToken(token: RefreshTokenRecord): Readonly<RefreshTokenRecord> {
  return Object.freeze({
    grantId: token.grantId,
    clientId: token.clientId,
    subject: token.subject,
    issuedAtMs: token.issuedAtMs,
    expiresAtMs: token.expiresAtMs,
  });
}

/** A frozen copy of an authorization code. */
export function frozenAuthorizationCode(code: AuthorizationCodeRecord): Readonly<AuthorizationCodeRecord> {
  const copy: AuthorizationCodeRecord = {
    grantId: code.grantId,
    clientId: code.clientId,
    scopes: frozenArray(code.scopes),
    codeChallenge: code.codeChallenge,
    redirectUri: code.redirectUri,
    redirectUriProvidedExplicitly: code.redirectUriProvidedExplicitly,
    subject: code.subject,
    expiresAtMs: code.expiresAtMs,
  };
  if (code.resource !== undefined) copy.resource = code.resource;
  if (code.replayDetectionUntilMs !== undefined) copy.replayDetectionUntilMs = code.replayDetectionUntilMs;
  return Object.freeze(copy);
}

function frozenArray<T>(values: readonly T[]): T[] {
  return Object.freeze(values.slice()) as T[];
}
