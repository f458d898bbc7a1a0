import { randomBytes } from 'node:crypto';
import type { AccessToken, TokenVerifier } from '../../lib/index.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE, BENCH_SCOPE, BENCH_SUBJECT } from './mcp-request.js';

/**
 * The cheapest possible verifier: a Map lookup of pre-registered opaque
 * tokens. Used on both sides of the peer comparison so that it measures the
 * guard/middleware, not the verification.
 */
export class MapTokenVerifier implements TokenVerifier {
  private readonly known = new Map<string, AccessToken>();

  /** Registers `count` random tokens and returns them. */
  issue(count: number): string[] {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    return Array.from({ length: count }, () => {
      const token = randomBytes(24).toString('base64url');
      this.known.set(token, {
        token,
        clientId: BENCH_CLIENT_ID,
        scopes: [BENCH_SCOPE],
        expiresAt,
        resource: BENCH_RESOURCE,
        subject: BENCH_SUBJECT,
      });
      return token;
    });
  }

  async verifyToken(token: string): Promise<AccessToken | undefined> {
    return this.known.get(token);
  }
}
