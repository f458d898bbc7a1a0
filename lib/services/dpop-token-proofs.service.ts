import { Inject, Injectable } from '@nestjs/common';
import { InvalidDpopProofError, InvalidGrantError, UseDpopNonceError } from '../errors/oauth-error.js';
import type { EndpointRequest } from '../http/endpoint-request.js';
import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { RefreshToken, TokenBinding } from '../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import { OAUTH_CLOCK, type Clock, epochSeconds } from '../rules/clock.js';
import { type DpopProofCheck, DpopProofError, dpopProofReplayExpiryMs, verifyDpopProof } from '../rules/dpop-proof.js';
import { DpopReplayGuard } from './dpop-replay.js';

/**
 * DPoP at the token endpoint (RFC 9449 §5, §8, S69): verifies the request's
 * `DPoP` proof (for `POST` and the token endpoint URL, `jti` not seen before,
 * the server nonce when required) and yields the key thumbprint the issued
 * tokens are bound to. Without a `DPoP` header (or with DPoP off) nothing is bound.
 */
@Injectable()
export class DpopTokenProofs {
  private readonly replay: DpopReplayGuard;

  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    @Inject(OAUTH_CLOCK) private readonly clock: Clock,
  ) {
    const provider = config.mode === 'authorization-server' ? config.provider : undefined;
    this.replay = new DpopReplayGuard(provider?.markUsedOnce?.bind(provider), clock);
  }

  /**
   * The binding of the tokens this request gets: the thumbprint of its valid proof, or none.
   * @throws InvalidDpopProofError (400 `invalid_dpop_proof`) or UseDpopNonceError (400 `use_dpop_nonce`, `DPoP-Nonce`)
   */
  async binding(req: EndpointRequest): Promise<TokenBinding> {
    const dpop = this.config.dpop;
    const header = req.headers.dpop;
    if (!dpop || header === undefined) return {};
    if (typeof header !== 'string' || header.includes(','))
      throw new InvalidDpopProofError('Exactly one DPoP proof is required');
    const nowSeconds = epochSeconds(this.clock);
    const nonces = dpop.nonceAtTokenEndpoint ? dpop.nonces : undefined;
    const check: DpopProofCheck = {
      method: 'POST',
      url: this.config.endpoints.token.url,
      algorithms: dpop.signingAlgorithms,
      nowSeconds,
      maxAgeSeconds: dpop.proofMaxAgeSeconds,
      clockSkewSeconds: this.config.clockSkewSeconds,
      acceptNonce: nonces && ((nonce) => nonces.accepts(nonce, nowSeconds)),
    };
    try {
      const proof = await verifyDpopProof(header, check);
      if (!(await this.replay.firstUse(proof.jkt, proof.jti, dpopProofReplayExpiryMs(proof, check))))
        throw new InvalidDpopProofError('Invalid DPoP proof: the proof was already used (jti replay)');
      return { dpopJkt: proof.jkt };
    } catch (error) {
      if (!(error instanceof DpopProofError)) throw error;
      if (error.error === 'use_dpop_nonce') throw new UseDpopNonceError(nonces!.current(nowSeconds));
      throw new InvalidDpopProofError(`Invalid DPoP proof: ${error.reason}`);
    }
  }

  /** Headers of a successful token response: the nonce for the next proof, when nonces are on (RFC 9449 §8.2). */
  responseHeaders(): Record<string, string> | undefined {
    const dpop = this.config.dpop;
    if (!dpop?.nonceAtTokenEndpoint || !dpop.nonces) return undefined;
    return { 'DPoP-Nonce': dpop.nonces.current(epochSeconds(this.clock)) };
  }
}

/**
 * A refresh token bound to a DPoP key (a public client's, RFC 9449 §5) is
 * refreshed only with a proof by that key.
 * @throws InvalidGrantError otherwise
 */
export function assertRefreshTokenBinding(token: RefreshToken, binding: TokenBinding): void {
  if (token.dpopJkt !== undefined && token.dpopJkt !== binding.dpopJkt) {
    throw new InvalidGrantError('The refresh token is bound to a DPoP key: present a DPoP proof made with that key');
  }
}
