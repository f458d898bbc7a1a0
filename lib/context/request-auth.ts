import type { AccessToken } from '../interfaces/oauth-models.js';

/**
 * The frozen copy of a verified token that is attached to the request
 * (`req.auth`) and to the async context (S8): the raw bearer `token` is a
 * non-enumerable property, so spreading, `Object.assign`, `JSON.stringify` or a
 * logger's serializer do not carry it along.
 */
export function toRequestAuth(verified: AccessToken): AccessToken {
  const { token, ...identity } = verified;
  const copy = { ...identity, scopes: Object.freeze([...(verified.scopes ?? [])]) as string[] } as AccessToken;
  Object.defineProperty(copy, 'token', { value: token, enumerable: false, writable: false, configurable: false });
  return Object.freeze(copy);
}
