import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { InvalidGrantError, InvalidScopeError } from '../errors/oauth-error.js';
import type { ClientJsonWebKeySet } from '../interfaces/oauth-models.js';
import { sameResource } from './resource-uri.js';
import { type ScopeHierarchy, parseScope } from './scope-rules.js';
import { hashValue } from './secure-values.js';

/** JWT `typ` of an Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant §3). */
export const ID_JAG_TYPE = 'oauth-id-jag+jwt';

/** Namespace of ID-JAG identifiers in the one-time store (`markUsedOnce`). */
export const ID_JAG_REPLAY_NAMESPACE = 'id_jag';

/** Longest `jti` accepted. */
const MAX_JTI_LENGTH = 256;

/** A trusted identity provider as the verifier sees it. */
export interface IdentityAssertionIssuer {
  /** The IdP's issuer identifier, compared exactly with `iss`. */
  issuer: string;
  /** Client ids that may present this IdP's assertions; `undefined` = any client the IdP names. */
  allowedClients?: readonly string[];
  /** The IdP's public keys (`refresh` asks for a refetch, honoured at most once per cooldown). */
  keySet(refresh: boolean): Promise<ClientJsonWebKeySet>;
}

/** What {@link verifyIdentityAssertionGrant} needs besides the assertion. */
export interface IdentityAssertionCheck {
  /** Looks the IdP up by the (not yet verified) `iss`; `undefined` when it is not trusted. */
  identityProvider(issuer: string): IdentityAssertionIssuer | undefined;
  /** This authorization server's issuer identifier: the one accepted `aud`. */
  audience: string;
  /** The canonical MCP URI: the one accepted `resource`. */
  resource: string;
  /** The authenticated client: `client_id` must name it. */
  clientId: string;
  /** Accepted JWS algorithms (asymmetric only). */
  algorithms: readonly string[];
  /** Longest accepted lifetime (`exp` − now, `exp` − `iat`), seconds. */
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  /** Seconds since epoch. */
  nowSeconds: number;
  /** The one-time store (`OAuthStore.markUsedOnce`), shared by every instance. */
  markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean>;
}

/** A verified ID-JAG. */
export interface VerifiedIdentityAssertion {
  /** The IdP (`iss`). */
  issuer: string;
  /** The user at the IdP (`sub`). */
  subject: string;
  /** The client it was issued to (`client_id`). */
  clientId: string;
  /** The scopes the IdP granted (`scope`); `undefined` when the claim is absent. */
  scopes?: string[];
  /** Seconds since epoch. */
  expiresAt: number;
  /** Every claim of the assertion. */
  claims: Readonly<Record<string, unknown>>;
}

/**
 * Verifies an Identity Assertion JWT Authorization Grant presented with the
 * jwt-bearer grant (RFC 7523 §3, RFC 7521 §5.2, MCP "Enterprise-Managed
 * Authorization" §5.1, S68):
 *
 * - header `typ` is `oauth-id-jag+jwt` (RFC 8725 §3.11) and `alg` an accepted asymmetric algorithm;
 * - `iss` names a configured trusted identity provider, and the signature verifies with its JWKS
 *   (an unknown `kid` refetches the set once, cooldown-bound);
 * - `aud` is this issuer, `client_id` the authenticated client (and one the IdP may serve),
 *   `resource` this MCP server (one canonical comparison, S60), `sub` present;
 * - `exp` present, in the future, at most `maxLifetimeSeconds` away (and after `iat`), `iat` not in the future;
 * - `jti` present and never accepted twice before the assertion expires (shared store; marked
 *   only after every other check passed, so nobody can burn another client's `jti`).
 *
 * @throws InvalidGrantError (400 `invalid_grant`) describing what failed, never echoing the assertion
 */
export async function verifyIdentityAssertionGrant(
  assertion: string,
  check: IdentityAssertionCheck,
): Promise<VerifiedIdentityAssertion> {
  const fail = (reason: string): never => {
    throw new InvalidGrantError(`The identity assertion ${reason}`);
  };
  let header: ReturnType<typeof decodeProtectedHeader> | undefined;
  let unverifiedIssuer: unknown;
  try {
    header = decodeProtectedHeader(assertion);
    unverifiedIssuer = decodeJwt(assertion).iss;
  } catch {
    fail('is not a JWT');
  }
  const typ = typeof header!.typ === 'string' ? header!.typ.toLowerCase().replace(/^application\//, '') : '';
  if (typ !== ID_JAG_TYPE) fail(`must have typ ${ID_JAG_TYPE}`);
  const alg = header!.alg;
  if (typeof alg !== 'string' || !check.algorithms.includes(alg)) fail(`algorithm ${String(alg)} is not accepted`);
  const idp = typeof unverifiedIssuer === 'string' ? check.identityProvider(unverifiedIssuer) : undefined;
  if (!idp) return fail('comes from an identity provider this server does not trust');

  const verify = async (refresh: boolean) =>
    jwtVerify(assertion, createLocalJWKSet((await idp.keySet(refresh)) as { keys: JWK[] }), {
      algorithms: [alg as string],
      typ: ID_JAG_TYPE,
      issuer: idp.issuer,
      audience: check.audience,
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'resource'],
      clockTolerance: check.clockSkewSeconds,
      currentDate: new Date(check.nowSeconds * 1000),
    });
  let payload: Awaited<ReturnType<typeof verify>>['payload'];
  try {
    try {
      payload = (await verify(false)).payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      payload = (await verify(true)).payload;
    }
  } catch (error) {
    if (error instanceof InvalidGrantError) throw error;
    return fail(joseFailure(error));
  }

  const { sub, jti, exp, iat } = payload as { sub?: unknown; jti?: unknown; exp: number; iat: number };
  if (payload.client_id !== check.clientId) fail('was issued to another client (client_id)');
  if (idp.allowedClients && !idp.allowedClients.includes(check.clientId))
    fail('names a client this identity provider may not serve');
  if (typeof payload.resource !== 'string' || !sameResource(payload.resource, check.resource))
    fail('is for another resource');
  if (typeof sub !== 'string' || sub === '') fail('has no sub');
  if (typeof iat !== 'number' || iat > check.nowSeconds + check.clockSkewSeconds) fail('was issued in the future');
  if (
    exp - check.nowSeconds > check.maxLifetimeSeconds + check.clockSkewSeconds ||
    exp - iat > check.maxLifetimeSeconds
  )
    fail(`lives longer than ${check.maxLifetimeSeconds} seconds`);
  const scopes = payload.scope === undefined ? undefined : parseScope(payload.scope as string);
  if (payload.scope !== undefined && (typeof payload.scope !== 'string' || scopes === undefined))
    fail('has a malformed scope');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    fail('jti must be a non-empty string');
  const firstUse = await check.markUsedOnce(
    ID_JAG_REPLAY_NAMESPACE,
    hashValue(JSON.stringify([idp.issuer, jti])),
    (exp + check.clockSkewSeconds + 1) * 1000,
  );
  if (!firstUse) fail('was already used (jti replay)');
  return {
    issuer: idp.issuer,
    subject: sub as string,
    clientId: check.clientId,
    scopes,
    expiresAt: exp,
    claims: Object.freeze({ ...payload }),
  };
}

function joseFailure(error: unknown): string {
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return 'is signed with a key the identity provider does not publish';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature is invalid';
  if (error instanceof joseErrors.JWTExpired) return 'has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} is missing or wrong`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm is not accepted';
  return 'could not be verified';
}

/** What {@link resolveAssertionScopes} needs from the module configuration. */
export interface AssertionScopePolicy {
  /** `scopesSupported`; empty means any well-formed scope is known. */
  scopesSupported: readonly string[];
  /** Granted when neither the request nor the assertion names a scope. */
  defaultScopes: readonly string[];
  scopeHierarchy: ScopeHierarchy;
  /** The client's registered scopes when `enforceRegisteredClientScope` is on; `undefined` otherwise. */
  registeredScopes?: readonly string[];
}

/**
 * Scopes of a jwt-bearer request with an ID-JAG (RFC 7521 §4.1, S68): the
 * assertion's `scope` is the ceiling the enterprise IdP allowed. A requested
 * `scope` must be known and within that ceiling (and the client's registered
 * scope when enforced), else `invalid_scope`; without one, the ceiling's
 * known scopes are granted (the module's `defaultScopes` when the assertion
 * names none), capped by the client's registered scope when enforced.
 */
export function resolveAssertionScopes(
  assertionScopes: readonly string[] | undefined,
  requested: string | undefined,
  policy: AssertionScopePolicy,
): string[] {
  const scopes = parseScope(requested);
  if (scopes === undefined) throw new InvalidScopeError('The scope parameter is malformed');
  const known = (scope: string) => !policy.scopesSupported.length || policy.scopesSupported.includes(scope);
  if (scopes.length) {
    const unknown = scopes.filter((scope) => !known(scope));
    if (unknown.length) throw new InvalidScopeError(`Unknown scope: ${unknown.join(' ')}`);
    if (assertionScopes && policy.scopeHierarchy.missing(scopes, assertionScopes).length)
      throw new InvalidScopeError('The requested scope exceeds what the identity assertion grants');
    if (policy.registeredScopes && policy.scopeHierarchy.missing(scopes, policy.registeredScopes).length)
      throw new InvalidScopeError('Scope not registered for this client');
    return scopes;
  }
  const granted = assertionScopes ? assertionScopes.filter(known) : [...policy.defaultScopes];
  const registered = policy.registeredScopes;
  return registered ? granted.filter((scope) => policy.scopeHierarchy.grants(registered, scope)) : granted;
}
