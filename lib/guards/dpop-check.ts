import type { Request } from 'express';
import { InvalidTokenError, OAuthError } from '../errors/oauth-error.js';
import { type BearerChallenge, renderBearerChallenge, renderDpopChallenge } from '../errors/www-authenticate.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { AccessToken } from '../interfaces/oauth-models.js';
import { type DpopProofCheck, DpopProofError, dpopProofReplayExpiryMs, verifyDpopProof } from '../rules/dpop-proof.js';
import { DpopReplayGuard } from '../services/dpop-replay.js';

/** `Authorization: DPoP <token>` (RFC 9449 §7.1; token68 syntax as RFC 6750 §2.1). */
const DPOP_CREDENTIALS = /^dpop +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * A failure of the DPoP scheme at the resource (RFC 9449 §7.1): 401 answered
 * with a `DPoP` challenge; `use_dpop_nonce` also carries the `DPoP-Nonce` to use (§9).
 */
export class DpopResourceError extends OAuthError {
  constructor(
    error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce',
    description: string,
    readonly nonce?: string,
  ) {
    super(error, description, 401);
  }
}

/**
 * The resource-server side of DPoP (RFC 9449 §7, S69), used by the bearer guard:
 * - `Authorization: DPoP <token>` with one `DPoP` proof for the request's method and
 *   URL (the origin of the configured resource URL + the request path), `ath` of
 *   the token, a `jti` not seen before and, when required, the server nonce;
 * - a token bound with `cnf.jkt` is accepted only that way, with a proof by that key:
 *   as Bearer, or with another key's proof, it is 401 `invalid_token` with a `DPoP`
 *   challenge (§7.2); unbound tokens keep working as Bearer;
 * - no credentials: challenges for both schemes (`Bearer …`, `DPoP algs="…"`).
 *
 * Proof identifiers are remembered in the provider's store (`markUsedOnce`) in
 * authorization-server mode, else in a bounded process-local memory (one instance).
 */
export class DpopResourceCheck {
  private readonly replay: DpopReplayGuard;
  private readonly origin: string;

  constructor(
    private readonly config: McpAuthConfig,
    private readonly nowSeconds: () => number,
  ) {
    const provider = config.mode === 'authorization-server' ? config.provider : undefined;
    this.replay = new DpopReplayGuard(provider?.markUsedOnce?.bind(provider), { now: () => nowSeconds() * 1000 });
    this.origin = new URL(config.resource).origin;
  }

  /** The access token of an `Authorization: DPoP` header; `undefined` for any other scheme or with DPoP off. */
  token(request: Request): string | undefined {
    const header = request.headers.authorization;
    if (!this.config.dpop || typeof header !== 'string' || !startsWithDpop(header)) return undefined;
    return DPOP_CREDENTIALS.exec(header.trim())?.[1];
  }

  /**
   * Checks how a verified token was presented (RFC 9449 §7.1, §7.2).
   * @param dpopScheme the token came with the `DPoP` scheme
   * @throws DpopResourceError (401 with a `DPoP` challenge)
   */
  async check(request: Request, token: string, accessToken: AccessToken, dpopScheme: boolean): Promise<void> {
    const confirmation = accessToken.cnf ?? (accessToken.claims?.cnf as AccessToken['cnf'] | undefined);
    const jkt = confirmation?.jkt;
    if (confirmation !== undefined && typeof jkt !== 'string')
      throw new InvalidTokenError('The access token is bound to a key this server cannot check');
    if (!dpopScheme) {
      if (jkt !== undefined)
        throw new DpopResourceError(
          'invalid_token',
          'The access token is DPoP-bound: use the DPoP scheme with a proof',
        );
      return;
    }
    if (jkt === undefined) throw new DpopResourceError('invalid_token', 'The access token is not DPoP-bound');
    const proofJkt = await this.verifyProof(request, token);
    if (proofJkt !== jkt) throw new DpopResourceError('invalid_token', 'Invalid DPoP key binding');
  }

  /** The `WWW-Authenticate` value(s) for a failed request (RFC 9449 §7.1, §7.2). */
  challenges(request: Request, error: OAuthError, params: BearerChallenge, missing: boolean): string | string[] {
    const dpop = this.config.dpop;
    if (!dpop) return renderBearerChallenge(params);
    const dpopChallenge = renderDpopChallenge({ ...params, algs: dpop.signingAlgorithms.join(' ') });
    if (missing) return [renderBearerChallenge(params), dpopChallenge];
    return error instanceof DpopResourceError || this.token(request) !== undefined
      ? dpopChallenge
      : renderBearerChallenge(params);
  }

  /** The URL a proof must name: the configured resource's origin and the request's path (RFC 9449 §4.3 item 9). */
  requestUrl(request: Request): string {
    const target = request.originalUrl ?? request.url ?? '/';
    const query = target.indexOf('?');
    return `${this.origin}${query === -1 ? target : target.slice(0, query)}`;
  }

  private async verifyProof(request: Request, token: string): Promise<string> {
    const dpop = this.config.dpop!;
    const header = request.headers.dpop;
    if (typeof header !== 'string' || header.includes(','))
      throw new DpopResourceError('invalid_dpop_proof', 'Exactly one DPoP proof is required');
    const nowSeconds = this.nowSeconds();
    const nonces = dpop.nonceAtResourceServer ? dpop.nonces : undefined;
    const check: DpopProofCheck = {
      method: request.method,
      url: this.requestUrl(request),
      algorithms: dpop.signingAlgorithms,
      nowSeconds,
      maxAgeSeconds: dpop.proofMaxAgeSeconds,
      clockSkewSeconds: this.config.clockSkewSeconds,
      accessToken: token,
      acceptNonce: nonces && ((nonce) => nonces.accepts(nonce, nowSeconds)),
    };
    try {
      const proof = await verifyDpopProof(header, check);
      if (!(await this.replay.firstUse(proof.jkt, proof.jti, dpopProofReplayExpiryMs(proof, check))))
        throw new DpopResourceError(
          'invalid_dpop_proof',
          'Invalid DPoP proof: the proof was already used (jti replay)',
        );
      return proof.jkt;
    } catch (error) {
      if (!(error instanceof DpopProofError)) throw error;
      if (error.error === 'use_dpop_nonce') {
        throw new DpopResourceError(
          'use_dpop_nonce',
          'Resource server requires nonce in DPoP proof',
          nonces!.current(nowSeconds),
        );
      }
      throw new DpopResourceError('invalid_dpop_proof', `Invalid DPoP proof: ${error.reason}`);
    }
  }
}

/** A cheap first look (the guard runs on every request): `d`/`D` or a space first; the regex decides. */
function startsWithDpop(header: string): boolean {
  const first = header.charCodeAt(0);
  return (first | 0x20) === 0x64 || first === 0x20;
}
