import type { AccessToken } from '../interfaces/oauth-models.js';

/**
 * The frozen copy of a verified token that is attached to the request
 * (`req.auth`) and to the async context (S8): the raw bearer `token` is a
 * non-enumerable property, so spreading, `Object.assign`, `JSON.stringify` or a
 * logger's serializer do not carry it along.
 */
export function toRequestAuth(verified: AccessToken): AccessToken {
  const known = requestAuthByToken.get(verified);
  if (known) return known;
  if (!isImmutable(verified)) return copyWithoutEnumerableToken(verified);
  const requestAuth = copyWithoutEnumerableToken(verified);
  requestAuthByToken.set(verified, requestAuth);
  return requestAuth;
}

/**
 * Copies made so far, per verified object: a verifier that returns the same
 * frozen object for a reused token, as the built-in provider does, pays the
 * copy once per token instead of once per request. Only frozen objects (with
 * frozen scopes) are remembered, since they cannot change between requests (so
 * a remembered object is known to be frozen without checking again).
 */
const requestAuthByToken = new WeakMap<AccessToken, AccessToken>();

function isImmutable(verified: AccessToken): boolean {
  return Object.isFrozen(verified) && (verified.scopes === undefined || Object.isFrozen(verified.scopes));
}

function copyWithoutEnumerableToken(verified: AccessToken): AccessToken {
  const { token, ...identity } = verified;
  const copy = { ...identity, scopes: Object.freeze([...(verified.scopes ?? [])]) as string[] } as AccessToken;
  Object.defineProperty(copy, 'token', { value: token, enumerable: false, writable: false, configurable: false });
  return Object.freeze(copy);
}
