/**
 * Lua scripts of {@link RedisOAuthStore}. Each runs atomically on the Redis
 * server, so one store call is one indivisible step (no half-written state,
 * one winner among concurrent callers). Every key a script touches is passed
 * in `KEYS` and shares one hash slot (Redis Cluster). Scripts never re-encode
 * a stored record (cjson would mangle empty arrays and large numbers): they
 * move stored JSON strings as they are and build only small markers.
 *
 * Entries of codes and refresh tokens are JSON: `{"record":{…}}` while live,
 * `{"used":true,"grantId":"…"}` once consumed, and a rotated-out refresh token
 * also carries `"rotation":{"clientId","rotatedAtMs","successorHash","sealedSuccessor"}`
 * (written by the store in TypeScript, only decoded here).
 */
export interface RedisScript {
  /** Command name registered with ioredis `defineCommand`. */
  name: string;
  numberOfKeys: number;
  lua: string;
}

/** Reads and deletes a value (single-use interactions). KEYS: key. */
export const TAKE_SCRIPT: RedisScript = {
  name: 'mcpAuthTake',
  numberOfKeys: 1,
  lua: `
local value = redis.call('GET', KEYS[1])
if value then redis.call('DEL', KEYS[1]) end
return value`,
};

/**
 * Consumes an authorization code (RFC 6749 §4.1.2, S11, S12). The consumed
 * code stays, as a marker naming its grant, until `replayDetectionUntilMs`
 * (the grant's end) when the record has it, else until the code's own expiry.
 * KEYS: code. Returns `false` (unknown), `{'reused', grantId}` or `{'ok', entryJson}`.
 */
export const CONSUME_CODE_SCRIPT: RedisScript = {
  name: 'mcpAuthConsumeCode',
  numberOfKeys: 1,
  lua: `
local value = redis.call('GET', KEYS[1])
if not value then return false end
local entry = cjson.decode(value)
if entry.used then return {'reused', entry.grantId} end
redis.call('SET', KEYS[1], cjson.encode({used = true, grantId = entry.record.grantId}), 'KEEPTTL')
local rememberUntil = tonumber(entry.record.replayDetectionUntilMs)
if rememberUntil and rememberUntil > tonumber(entry.record.expiresAtMs) then redis.call('PEXPIREAT', KEYS[1], rememberUntil) end
return {'ok', value}`,
};

/**
 * Stores a live refresh token of a grant that exists and is not revoked, and
 * makes it the grant's live token. Its TTL never exceeds the grant's.
 * KEYS: grant, revoked, live, token. ARGV: entryJson, ttlMs, tokenHash.
 * Returns 1 when stored, 0 when the grant is gone or revoked.
 */
export const SAVE_REFRESH_SCRIPT: RedisScript = {
  name: 'mcpAuthSaveRefresh',
  numberOfKeys: 4,
  lua: `
local grantTtl = redis.call('PTTL', KEYS[1])
if grantTtl <= 0 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = math.min(tonumber(ARGV[2]), grantTtl)
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[4], ARGV[1], 'PX', ttl)
redis.call('SET', KEYS[3], ARGV[3], 'PX', ttl)
return 1`,
};

/**
 * The `reused` answer of a used refresh-token entry (S22, S61): grant id, the
 * entry as stored, and 1 when the entry's successor is still the grant's live
 * refresh token (grant not revoked; the live pointer expires with the token it
 * names, so an expired successor is not live). KEYS[2]: revoked, KEYS[3]: live.
 */
const REUSED_REFRESH_ANSWER = `
local function reused(entry, value)
  local live = 0
  if type(entry.rotation) == 'table' and redis.call('EXISTS', KEYS[2]) == 0
    and redis.call('GET', KEYS[3]) == entry.rotation.successorHash then live = 1 end
  return {'reused', entry.grantId, value, live}
end`;

/**
 * Reads a refresh token (S22, S61) in one step with its grant's revocation and
 * live pointer. KEYS: grant, revoked, live, token. Returns `false` (unknown),
 * `{'ok', entryJson}`, `{'reused', grantId}` (live token of a revoked grant) or
 * `{'reused', grantId, usedEntryJson, successorLive}`.
 */
export const FIND_REFRESH_SCRIPT: RedisScript = {
  name: 'mcpAuthFindRefresh',
  numberOfKeys: 4,
  lua: `${REUSED_REFRESH_ANSWER}
local value = redis.call('GET', KEYS[4])
if not value then return false end
local entry = cjson.decode(value)
if entry.used then return reused(entry, value) end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'reused', entry.record.grantId} end
return {'ok', value}`,
};

/**
 * Rotates a refresh token (OAuth 2.1 §4.3.1, S22, S61): the old one becomes the
 * "used" marker `ARGV[4]` (with its rotation data) kept for the grant's
 * remaining lifetime (reuse detection), the new one becomes live. A live token
 * of a revoked grant counts as reused; a call that lost a race gets the used
 * entry and whether its successor is still live, read in the same step.
 * KEYS: grant, revoked, live, oldToken, newToken.
 * ARGV: newEntryJson, newTtlMs, newTokenHash, usedMarkerJson.
 * Returns `false` (unknown), `{'reused', grantId[, usedEntryJson, successorLive]}` or `{'ok', oldEntryJson}`.
 */
export const ROTATE_REFRESH_SCRIPT: RedisScript = {
  name: 'mcpAuthRotateRefresh2',
  numberOfKeys: 5,
  lua: `${REUSED_REFRESH_ANSWER}
local value = redis.call('GET', KEYS[4])
if not value then return false end
local entry = cjson.decode(value)
if entry.used then return reused(entry, value) end
local grantId = entry.record.grantId
if redis.call('EXISTS', KEYS[2]) == 1 then return {'reused', grantId} end
local grantTtl = redis.call('PTTL', KEYS[1])
if grantTtl <= 0 then return false end
redis.call('SET', KEYS[4], ARGV[4], 'PX', grantTtl)
local ttl = math.min(tonumber(ARGV[2]), grantTtl)
if ttl > 0 then
  redis.call('SET', KEYS[5], ARGV[1], 'PX', ttl)
  redis.call('SET', KEYS[3], ARGV[3], 'PX', ttl)
else
  redis.call('DEL', KEYS[3])
end
return {'ok', value}`,
};

/**
 * Revokes a grant (S11, S22, S43): a revocation marker lives as long as the
 * grant, and the grant's live refresh token pointer and upstream tokens are
 * dropped. Every token of the grant then reads as revoked. Idempotent;
 * unknown grants are ignored. KEYS: grant, revoked, live, upstreamTokens.
 */
export const REVOKE_GRANT_SCRIPT: RedisScript = {
  name: 'mcpAuthRevokeGrant2',
  numberOfKeys: 4,
  lua: `
local grantTtl = redis.call('PTTL', KEYS[1])
if grantTtl <= 0 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', grantTtl)
redis.call('DEL', KEYS[3], KEYS[4])
return 1`,
};

/**
 * Marks a grant for step-up (S63): stores `untilMs` beside the grant, never
 * longer than the grant lives. Unknown grants are ignored.
 * KEYS: grant, stepUp. ARGV: untilMs, ttlMs. Returns 1 or 0.
 */
export const REQUIRE_STEP_UP_SCRIPT: RedisScript = {
  name: 'mcpAuthRequireStepUp',
  numberOfKeys: 2,
  lua: `
local grantTtl = redis.call('PTTL', KEYS[1])
if grantTtl <= 0 then return 0 end
local ttl = math.min(tonumber(ARGV[2]), grantTtl)
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl)
return 1`,
};

/**
 * Consumes an upstream sign-in (single-use `state`, RFC 9700 §4.7): the first
 * caller sets the "used" marker (kept as long as the flow) and gets `ok`, later
 * callers get `reused`; both with the stored record. KEYS: flow, used.
 * Returns `false` (unknown), `{'ok'|'reused', recordJson}`.
 */
export const CONSUME_UPSTREAM_FLOW_SCRIPT: RedisScript = {
  name: 'mcpAuthConsumeUpstreamFlow',
  numberOfKeys: 2,
  lua: `
local value = redis.call('GET', KEYS[1])
if not value then return false end
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return false end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ttl) then return {'ok', value} end
return {'reused', value}`,
};

/**
 * Stores the upstream tokens of a live grant, never longer than the grant.
 * KEYS: grant, revoked, upstreamTokens. ARGV: json, ttlMs. Returns 1 or 0.
 */
export const SAVE_UPSTREAM_TOKENS_SCRIPT: RedisScript = {
  name: 'mcpAuthSaveUpstreamTokens',
  numberOfKeys: 3,
  lua: `
local grantTtl = redis.call('PTTL', KEYS[1])
if grantTtl <= 0 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = math.min(tonumber(ARGV[2]), grantTtl)
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ttl)
return 1`,
};

/**
 * Adds a grant id to an operations index (a sorted set scored by expiry),
 * drops ids already expired, and keeps the index alive as long as its
 * longest-living grant. KEYS: index. ARGV: expiresAtMs, grantId, nowMs.
 */
export const INDEX_GRANT_SCRIPT: RedisScript = {
  name: 'mcpAuthIndexGrant',
  numberOfKeys: 1,
  lua: `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
return 1`,
};

/**
 * Confirms a client (S57): replaces its JSON by the confirmed JSON and drops
 * the TTL, only if the stored JSON is still the one read (compare-and-set, so
 * a concurrent re-save is never overwritten). KEYS: client. ARGV: expectedJson,
 * confirmedJson. Returns 1 when confirmed.
 */
export const CONFIRM_CLIENT_SCRIPT: RedisScript = {
  name: 'mcpAuthConfirmClient',
  numberOfKeys: 1,
  lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`,
};

/** Every script, registered once per client. */
export const REDIS_OAUTH_SCRIPTS: RedisScript[] = [
  TAKE_SCRIPT,
  CONSUME_CODE_SCRIPT,
  SAVE_REFRESH_SCRIPT,
  FIND_REFRESH_SCRIPT,
  ROTATE_REFRESH_SCRIPT,
  REVOKE_GRANT_SCRIPT,
  REQUIRE_STEP_UP_SCRIPT,
  CONSUME_UPSTREAM_FLOW_SCRIPT,
  SAVE_UPSTREAM_TOKENS_SCRIPT,
  INDEX_GRANT_SCRIPT,
  CONFIRM_CLIENT_SCRIPT,
];
