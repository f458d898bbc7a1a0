import { compareVariants, ratioOf } from '../compare.js';
import { withServers } from '../harness.js';
import { atLeast, type Scenario } from '../scenario.js';
import { codeExchangeVariant, refreshChainVariant } from './token-chains.js';

/** Upper bound of code exchanges per second the pool is sized for (pool exhaustion counts as an error). */
const CODE_POOL_PER_SECOND = 6000;

/**
 * Scenario 4: token-endpoint throughput on the memory store — refresh-token
 * rotation and the full authorization_code exchange — next to
 * node-oidc-provider (memory adapter) doing the same refresh grant.
 */
export const tokenScenario: Scenario = {
  id: 'token',
  title: 'Token endpoint: refresh_token rotation and authorization_code exchange vs node-oidc-provider refresh',
  async run({ config, log }) {
    const c = config.connections;
    return withServers(
      {
        ours: { kind: 'nest-token', variant: 'memory', tokenCount: c },
        oidc: { kind: 'oidc-provider', variant: 'memory', tokenCount: c },
      },
      async (s) => {
        const ourPath = String(s.ours.ready.extra?.tokenPath);
        const ourClient = String(s.ours.ready.extra?.clientId);
        const variants = await compareVariants(
          [
            refreshChainVariant('ours: refresh_token', s.ours, ourPath, ourClient, c),
            refreshChainVariant(
              'oidc-provider: refresh_token',
              s.oidc,
              String(s.oidc.ready.extra?.tokenPath),
              String(s.oidc.ready.extra?.clientId),
              c,
            ),
            codeExchangeVariant('ours: authorization_code', s.ours, ourPath, c, CODE_POOL_PER_SECOND),
          ],
          { ...config, log },
        );
        return {
          id: this.id,
          title: this.title,
          variants,
          ratios: [
            atLeast(
              'ours refresh / oidc-provider refresh',
              ratioOf(variants, 'ours: refresh_token', 'oidc-provider: refresh_token'),
              1,
            ),
          ],
          notes: [
            `${c} concurrent chains, each sequential (a refresh needs the newest refresh token).`,
            'Both servers: public client (token_endpoint_auth_method none), refresh rotation, ES256 JWT access tokens, no ID token.',
          ],
        };
      },
    );
  },
};
