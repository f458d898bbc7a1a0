import { hashValue } from '../../rules/secure-values.js';

/** Default prefix of every key the store writes. */
export const DEFAULT_REDIS_KEY_PREFIX = 'mcp-auth:';

/**
 * The key layout of {@link RedisOAuthStore}. Keys of one grant share the
 * hash tag `{g:<grantId>}` so the scripts that touch several of them run on
 * one Redis Cluster slot; every other operation touches a single key. Store
 * keys are the hashes the provider computed: no plain credential is a key.
 */
export class RedisKeys {
  constructor(readonly prefix: string = DEFAULT_REDIS_KEY_PREFIX) {
    if (/[{}]/.test(prefix))
      throw new Error('RedisOAuthStore: keyPrefix must not contain "{" or "}" (it would change hash slots)');
  }

  client(clientId: string): string {
    return `${this.prefix}client:${clientId}`;
  }

  /** Sorted set (all scores 0, ordered by member) of every registered client id, for listing. */
  clientIndex(): string {
    return `${this.prefix}clients`;
  }

  /** Sorted sets of grant ids scored by the grant's expiry: all grants, a subject's, a client's (operations). */
  grantIndex(filter: { subject?: string; clientId?: string } = {}): string {
    if (filter.subject !== undefined) return `${this.prefix}grants:subject:${hashValue(filter.subject)}`;
    if (filter.clientId !== undefined) return `${this.prefix}grants:client:${hashValue(filter.clientId)}`;
    return `${this.prefix}grants`;
  }

  interaction(idHash: string): string {
    return `${this.prefix}interaction:${idHash}`;
  }

  code(codeHash: string): string {
    return `${this.prefix}code:${codeHash}`;
  }

  /** Refresh token hash → grant id, so a token can be found by its hash alone. */
  refreshIndex(tokenHash: string): string {
    return `${this.prefix}rt:${tokenHash}`;
  }

  accessTokenRevocation(jti: string): string {
    return `${this.prefix}jti:${jti}`;
  }

  /** A one-time identifier (`markUsedOnce`); namespace and id are hashed together. */
  usedOnce(namespace: string, id: string): string {
    return `${this.prefix}once:${hashValue(JSON.stringify([namespace, id]))}`;
  }

  consent(subject: string, clientId: string): string {
    return `${this.prefix}consent:${hashValue(JSON.stringify([subject, clientId]))}`;
  }

  session(sessionIdHash: string): string {
    return `${this.prefix}session:${sessionIdHash}`;
  }

  /** A pending upstream sign-in and its single-use marker (one hash slot). */
  upstreamFlow(stateHash: string): { flow: string; used: string } {
    const tag = `${this.prefix}{uf:${stateHash}}`;
    return { flow: `${tag}:flow`, used: `${tag}:used` };
  }

  /** The keys of one grant, all in the grant's hash slot. */
  grant(grantId: string): GrantKeys {
    const tag = `${this.prefix}{g:${grantId}}`;
    return {
      grant: `${tag}:grant`,
      revoked: `${tag}:revoked`,
      live: `${tag}:live`,
      upstreamTokens: `${tag}:upstream`,
      stepUp: `${tag}:stepup`,
      refreshToken: (tokenHash: string) => `${tag}:rt:${tokenHash}`,
    };
  }
}

/** Keys of one grant (same hash slot). */
export interface GrantKeys {
  /** The grant record (JSON), TTL = grant lifetime. */
  grant: string;
  /** Present once the grant is revoked, until the grant's expiry. */
  revoked: string;
  /** Hash of the grant's live refresh token; expires with that token. */
  live: string;
  /** `stepUpRequiredUntilMs` of the grant (S63), until then. */
  stepUp: string;
  /** The grant's upstream tokens (sealed), deleted with the grant's revocation. */
  upstreamTokens: string;
  /** A refresh token entry of this grant (live or used). */
  refreshToken(tokenHash: string): string;
}
