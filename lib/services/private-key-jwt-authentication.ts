import { InvalidClientError } from '../errors/oauth-error.js';
import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { ClientJsonWebKeySet, OAuthClientInformation } from '../interfaces/oauth-models.js';
import { ExpiringMap } from '../stores/expiring-map.js';
import { verifyClientAssertion } from '../rules/client-assertion-verifier.js';
import { type Clock, epochSeconds } from '../rules/clock.js';

/** Size of the process-local replay memory from which expired entries are swept on insert. */
const LOCAL_REPLAY_SWEEP_THRESHOLD = 1000;

/**
 * `private_key_jwt` (RFC 7523 §2.2, S65): verifies the client assertion against the
 * client's `jwks` or `jwks_uri` (fetched through the SSRF-guarded fetcher and cached).
 * Assertion identifiers go to the provider's `markUsedOnce` (the shared store of
 * `DefaultOAuthProvider`); a provider without it gets a process-local memory.
 */
export class PrivateKeyJwtAuthentication {
  private readonly localReplayMemory: ExpiringMap<true>;

  constructor(
    private readonly config: AuthorizationServerConfig,
    private readonly clock: Clock,
  ) {
    this.localReplayMemory = new ExpiringMap<true>(clock);
  }

  /** Whether the method is switched on (`privateKeyJwt.enabled`). */
  get enabled(): boolean {
    return this.config.privateKeyJwt !== undefined;
  }

  /** @throws InvalidClientError when the assertion does not authenticate `client` */
  async verify(assertion: string, client: OAuthClientInformation): Promise<void> {
    const settings = this.config.privateKeyJwt;
    if (!settings) throw new InvalidClientError('Client authentication failed: private_key_jwt is not supported');
    const jwks = client.jwks;
    const jwksUri = client.jwksUri;
    if ((jwks === undefined) === (jwksUri === undefined))
      throw new InvalidClientError('Client authentication failed: the client has no single key set (jwks or jwks_uri)');
    const keySet = async (refresh: boolean): Promise<ClientJsonWebKeySet> =>
      jwks ?? settings.remoteKeySets.keySet(jwksUri!, { refresh });
    await verifyClientAssertion(assertion, client, {
      audiences: [this.config.issuer, this.config.endpoints.token.url],
      algorithms: settings.signingAlgorithms,
      maxLifetimeSeconds: settings.maxAssertionLifetimeSeconds,
      clockSkewSeconds: this.config.clockSkewSeconds,
      nowSeconds: epochSeconds(this.clock),
      keySet,
      remoteKeySet: jwks === undefined,
      markUsedOnce: (namespace, id, expiresAtMs) => this.markUsedOnce(namespace, id, expiresAtMs),
    });
  }

  private async markUsedOnce(namespace: string, id: string, expiresAtMs: number): Promise<boolean> {
    const provider = this.config.provider;
    if (provider.markUsedOnce) return (await provider.markUsedOnce(namespace, id, expiresAtMs)) === true;
    const key = `${namespace}\n${id}`;
    if (this.localReplayMemory.get(key)) return false;
    if (this.localReplayMemory.size >= LOCAL_REPLAY_SWEEP_THRESHOLD) this.localReplayMemory.sweep();
    this.localReplayMemory.set(key, true, expiresAtMs);
    return true;
  }
}
