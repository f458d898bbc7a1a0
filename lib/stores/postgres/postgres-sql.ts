/**
 * The statements of {@link PostgresOAuthStore}, one per store operation.
 * Times (`$now`, expiries) are epoch ms on the provider's clock. A statement
 * that changes a refresh-token family (save, rotate, revoke) updates its grant
 * row FIRST: the row lock serializes concurrent changes of one family, and
 * PostgreSQL re-checks the WHERE clause of a waiting UPDATE against the
 * committed row, so exactly one of concurrent rotations wins (S22).
 */
export const SQL = {
  saveClient: `
INSERT INTO mcp_auth_clients (client_id, data, unconfirmed_expires_at_ms) VALUES ($1::text, $2::jsonb, $3::bigint)
ON CONFLICT (client_id) DO UPDATE SET data = EXCLUDED.data, unconfirmed_expires_at_ms = EXCLUDED.unconfirmed_expires_at_ms`,

  getClient: `
SELECT data, unconfirmed_expires_at_ms FROM mcp_auth_clients
WHERE client_id = $1::text AND (unconfirmed_expires_at_ms IS NULL OR unconfirmed_expires_at_ms > $2::bigint)`,

  confirmClient: `
UPDATE mcp_auth_clients SET unconfirmed_expires_at_ms = NULL
WHERE client_id = $1::text AND unconfirmed_expires_at_ms > $2::bigint`,

  listClients: `
SELECT data, unconfirmed_expires_at_ms FROM mcp_auth_clients
WHERE client_id COLLATE "C" > $1::text AND (unconfirmed_expires_at_ms IS NULL OR unconfirmed_expires_at_ms > $2::bigint)
ORDER BY client_id COLLATE "C" LIMIT $3::int`,

  deleteClient: `
WITH deleted AS (DELETE FROM mcp_auth_clients WHERE client_id = $1::text),
g AS (
  UPDATE mcp_auth_grants SET revoked = true, live_refresh_hash = NULL
  WHERE client_id = $1::text AND expires_at_ms > $2::bigint
  RETURNING grant_id, expires_at_ms
),
tokens AS (
  UPDATE mcp_auth_refresh_tokens r SET used = true, expires_at_ms = g.expires_at_ms
  FROM g WHERE r.grant_id = g.grant_id AND NOT r.used
),
upstream AS (DELETE FROM mcp_auth_upstream_tokens WHERE grant_id IN (SELECT grant_id FROM g)),
consents AS (DELETE FROM mcp_auth_consents WHERE client_id = $1::text)
SELECT count(*) AS revoked FROM g`,

  saveInteraction: `
INSERT INTO mcp_auth_interactions (id_hash, data, expires_at_ms) VALUES ($1::text, $2::jsonb, $3::bigint)
ON CONFLICT (id_hash) DO UPDATE SET data = EXCLUDED.data, expires_at_ms = EXCLUDED.expires_at_ms`,

  getInteraction: `SELECT data FROM mcp_auth_interactions WHERE id_hash = $1::text AND expires_at_ms > $2::bigint`,

  takeInteraction: `DELETE FROM mcp_auth_interactions WHERE id_hash = $1::text AND expires_at_ms > $2::bigint RETURNING data`,

  saveCode: `
INSERT INTO mcp_auth_codes (code_hash, grant_id, data, consumed, replay_detection_until_ms, expires_at_ms)
VALUES ($1::text, $2::text, $3::jsonb, false, $4::bigint, $5::bigint)
ON CONFLICT (code_hash) DO UPDATE SET grant_id = EXCLUDED.grant_id, data = EXCLUDED.data, consumed = false,
  replay_detection_until_ms = EXCLUDED.replay_detection_until_ms, expires_at_ms = EXCLUDED.expires_at_ms`,

  findCode: `SELECT data, grant_id, consumed FROM mcp_auth_codes WHERE code_hash = $1::text AND expires_at_ms > $2::bigint`,

  /** Single use (S11, S12): only the caller whose UPDATE flips `consumed` gets the record. */
  consumeCode: `
UPDATE mcp_auth_codes
SET consumed = true, expires_at_ms = GREATEST(expires_at_ms, COALESCE(replay_detection_until_ms, 0))
WHERE code_hash = $1::text AND NOT consumed AND expires_at_ms > $2::bigint
RETURNING data`,

  createGrant: `
INSERT INTO mcp_auth_grants (grant_id, client_id, subject, data, revoked, step_up_required_until_ms, expires_at_ms)
VALUES ($1::text, $2::text, $3::text, $4::jsonb, $5::boolean, $6::bigint, $7::bigint)
ON CONFLICT (grant_id) DO UPDATE SET client_id = EXCLUDED.client_id, subject = EXCLUDED.subject, data = EXCLUDED.data,
  revoked = EXCLUDED.revoked, step_up_required_until_ms = EXCLUDED.step_up_required_until_ms,
  expires_at_ms = EXCLUDED.expires_at_ms`,

  getGrant: `
SELECT data, revoked, step_up_required_until_ms FROM mcp_auth_grants
WHERE grant_id = $1::text AND expires_at_ms > $2::bigint`,

  requireStepUp: `
UPDATE mcp_auth_grants SET step_up_required_until_ms = $2::bigint
WHERE grant_id = $1::text AND expires_at_ms > $3::bigint`,

  /** Revocation (S11, S22, S43): the grant is flagged, its unused refresh tokens become "used" until it ends. */
  revokeGrant: `
WITH g AS (
  UPDATE mcp_auth_grants SET revoked = true, live_refresh_hash = NULL
  WHERE grant_id = $1::text AND expires_at_ms > $2::bigint
  RETURNING grant_id, expires_at_ms
),
tokens AS (
  UPDATE mcp_auth_refresh_tokens r SET used = true, expires_at_ms = g.expires_at_ms
  FROM g WHERE r.grant_id = g.grant_id AND NOT r.used
),
upstream AS (DELETE FROM mcp_auth_upstream_tokens WHERE grant_id IN (SELECT grant_id FROM g))
SELECT count(*) AS revoked FROM g`,

  listGrants: `
SELECT data, revoked, step_up_required_until_ms FROM mcp_auth_grants
WHERE ($1::text IS NULL OR subject = $1::text) AND ($2::text IS NULL OR client_id = $2::text)
  AND expires_at_ms > $3::bigint
ORDER BY (data->>'createdAtMs')::bigint, grant_id`,

  saveRefreshToken: `
WITH g AS (
  UPDATE mcp_auth_grants SET live_refresh_hash = $1::text
  WHERE grant_id = $2::text AND NOT revoked AND expires_at_ms > $6::bigint AND LEAST($5::bigint, expires_at_ms) > $6::bigint
  RETURNING expires_at_ms
)
INSERT INTO mcp_auth_refresh_tokens (token_hash, grant_id, client_id, data, used, expires_at_ms)
SELECT $1::text, $2::text, $3::text, $4::jsonb, false, LEAST($5::bigint, g.expires_at_ms) FROM g
ON CONFLICT (token_hash) DO UPDATE SET grant_id = EXCLUDED.grant_id, client_id = EXCLUDED.client_id,
  data = EXCLUDED.data, used = false, rotated_at_ms = NULL, successor_hash = NULL, sealed_successor = NULL,
  expires_at_ms = EXCLUDED.expires_at_ms`,

  /**
   * A refresh token with, in the same snapshot, whether its grant is revoked
   * and whether its successor is still the grant's live token (S61).
   */
  findRefreshToken: `
SELECT t.data, t.grant_id, t.client_id, t.used, t.rotated_at_ms, t.sealed_successor, g.revoked AS grant_revoked,
  COALESCE(
    t.successor_hash IS NOT NULL AND g.live_refresh_hash = t.successor_hash AND NOT g.revoked
    AND EXISTS (
      SELECT 1 FROM mcp_auth_refresh_tokens s
      WHERE s.token_hash = t.successor_hash AND NOT s.used AND s.expires_at_ms > $2::bigint
    ),
    false
  ) AS successor_live
FROM mcp_auth_refresh_tokens t
LEFT JOIN mcp_auth_grants g ON g.grant_id = t.grant_id AND g.expires_at_ms > $2::bigint
WHERE t.token_hash = $1::text AND t.expires_at_ms > $2::bigint`,

  /**
   * Rotation (OAuth 2.1 §4.3.1, S22, S61): moves the grant's live pointer from
   * $1 to $2 (the row lock makes one winner), marks $1 used with its rotation
   * data until the grant ends, and inserts $2 as the live token.
   */
  rotateRefreshToken: `
WITH g AS (
  UPDATE mcp_auth_grants SET live_refresh_hash = $2::text
  WHERE grant_id = $3::text AND NOT revoked AND expires_at_ms > $8::bigint AND live_refresh_hash = $1::text
    AND EXISTS (
      SELECT 1 FROM mcp_auth_refresh_tokens o
      WHERE o.token_hash = $1::text AND o.grant_id = $3::text AND NOT o.used AND o.expires_at_ms > $8::bigint
    )
  RETURNING grant_id, expires_at_ms
),
old AS (
  UPDATE mcp_auth_refresh_tokens t
  SET used = true, rotated_at_ms = $8::bigint, successor_hash = $2::text, sealed_successor = $7::text,
    expires_at_ms = g.expires_at_ms
  FROM g WHERE t.token_hash = $1::text AND t.grant_id = g.grant_id
  RETURNING t.data, g.expires_at_ms AS grant_expires_at_ms
),
fresh AS (
  INSERT INTO mcp_auth_refresh_tokens (token_hash, grant_id, client_id, data, used, expires_at_ms)
  SELECT $2::text, $3::text, $4::text, $5::jsonb, false, LEAST($6::bigint, old.grant_expires_at_ms) FROM old
)
SELECT data FROM old`,

  revokeAccessToken: `
INSERT INTO mcp_auth_revoked_access_tokens (jti, expires_at_ms) VALUES ($1::text, $2::bigint)
ON CONFLICT (jti) DO UPDATE SET expires_at_ms = GREATEST(mcp_auth_revoked_access_tokens.expires_at_ms, EXCLUDED.expires_at_ms)`,

  isAccessTokenRevoked: `
SELECT EXISTS (SELECT 1 FROM mcp_auth_revoked_access_tokens WHERE jti = $1::text AND expires_at_ms > $3::bigint)
  OR NOT EXISTS (
    SELECT 1 FROM mcp_auth_grants WHERE grant_id = $2::text AND expires_at_ms > $3::bigint AND NOT revoked
  ) AS revoked`,

  saveConsent: `
INSERT INTO mcp_auth_consents (subject, client_id, data, expires_at_ms) VALUES ($1::text, $2::text, $3::jsonb, $4::bigint)
ON CONFLICT (subject, client_id) DO UPDATE SET data = EXCLUDED.data, expires_at_ms = EXCLUDED.expires_at_ms`,

  getConsent: `
SELECT data FROM mcp_auth_consents WHERE subject = $1::text AND client_id = $2::text AND expires_at_ms > $3::bigint`,

  saveSession: `
INSERT INTO mcp_auth_sessions (id_hash, data, expires_at_ms) VALUES ($1::text, $2::jsonb, $3::bigint)
ON CONFLICT (id_hash) DO UPDATE SET data = EXCLUDED.data, expires_at_ms = EXCLUDED.expires_at_ms`,

  getSession: `SELECT data FROM mcp_auth_sessions WHERE id_hash = $1::text AND expires_at_ms > $2::bigint`,

  deleteSession: `DELETE FROM mcp_auth_sessions WHERE id_hash = $1::text`,

  saveUpstreamFlow: `
INSERT INTO mcp_auth_upstream_flows (state_hash, data, consumed, expires_at_ms) VALUES ($1::text, $2::jsonb, false, $3::bigint)
ON CONFLICT (state_hash) DO UPDATE SET data = EXCLUDED.data, consumed = false, expires_at_ms = EXCLUDED.expires_at_ms`,

  /** Single-use `state` (RFC 9700 §4.7): only the caller whose UPDATE flips `consumed` wins. */
  consumeUpstreamFlow: `
UPDATE mcp_auth_upstream_flows SET consumed = true
WHERE state_hash = $1::text AND NOT consumed AND expires_at_ms > $2::bigint
RETURNING data, true AS won`,

  findConsumedUpstreamFlow: `
SELECT data, false AS won FROM mcp_auth_upstream_flows
WHERE state_hash = $1::text AND consumed AND expires_at_ms > $2::bigint`,

  saveUpstreamTokens: `
INSERT INTO mcp_auth_upstream_tokens (grant_id, data, expires_at_ms)
SELECT $1::text, $2::jsonb, LEAST($3::bigint, g.expires_at_ms) FROM mcp_auth_grants g
WHERE g.grant_id = $1::text AND NOT g.revoked AND LEAST($3::bigint, g.expires_at_ms) > $4::bigint
ON CONFLICT (grant_id) DO UPDATE SET data = EXCLUDED.data, expires_at_ms = EXCLUDED.expires_at_ms`,

  getUpstreamTokens: `
SELECT u.data FROM mcp_auth_upstream_tokens u JOIN mcp_auth_grants g ON g.grant_id = u.grant_id
WHERE u.grant_id = $1::text AND u.expires_at_ms > $2::bigint AND NOT g.revoked AND g.expires_at_ms > $2::bigint`,

  /** One-time identifiers (S65): a row is returned only when inserted or when it replaced an expired one. */
  markUsedOnce: `
INSERT INTO mcp_auth_used_once (namespace, id, expires_at_ms) VALUES ($1::text, $2::text, $3::bigint)
ON CONFLICT (namespace, id) DO UPDATE SET expires_at_ms = EXCLUDED.expires_at_ms
WHERE mcp_auth_used_once.expires_at_ms <= $4::bigint
RETURNING true AS fresh`,
} as const;

const EXPIRING_TABLES = [
  'mcp_auth_interactions',
  'mcp_auth_codes',
  'mcp_auth_refresh_tokens',
  'mcp_auth_upstream_tokens',
  'mcp_auth_grants',
  'mcp_auth_revoked_access_tokens',
  'mcp_auth_consents',
  'mcp_auth_sessions',
  'mcp_auth_upstream_flows',
  'mcp_auth_used_once',
] as const;

/** Deletes every row past its expiry, and unconfirmed clients past theirs, in one statement; returns the count. */
export const PURGE_EXPIRED_SQL = `
WITH ${EXPIRING_TABLES.map(
  (table, i) => `d${i} AS (DELETE FROM ${table} WHERE expires_at_ms <= $1::bigint RETURNING 1)`,
).join(',\n')},
clients AS (DELETE FROM mcp_auth_clients WHERE unconfirmed_expires_at_ms <= $1::bigint RETURNING 1)
SELECT (${EXPIRING_TABLES.map((_, i) => `(SELECT count(*) FROM d${i})`).join(' + ')} + (SELECT count(*) FROM clients)) AS removed`;
