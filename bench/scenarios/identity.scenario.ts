import { compareVariants, ratioOf } from '../compare.js';
import { withServers } from '../harness.js';
import { atLeast, type Scenario } from '../scenario.js';
import { mcpCallVariant } from './variants.js';

/**
 * Scenario 2: what reading the caller's identity costs — a singleton
 * service calling `getAccessToken()` (AsyncLocalStorage) or a request-scoped
 * service injecting `AuthContext` — against the guard alone.
 */
export const identityScenario: Scenario = {
  id: 'identity',
  title: 'Identity access: guard alone vs singleton + getAccessToken() (ALS) vs request-scoped AuthContext',
  async run({ config, log }) {
    return withServers(
      {
        none: { kind: 'nest-guard', variant: 'jwt', tokenCount: 1 },
        als: { kind: 'nest-guard', variant: 'jwt-als', tokenCount: 1 },
        scoped: { kind: 'nest-guard', variant: 'jwt-request-scoped', tokenCount: 1 },
      },
      async (s) => {
        const c = config.connections;
        const variants = await compareVariants(
          [
            mcpCallVariant('guard, no identity access', s.none, 'reused', c),
            mcpCallVariant('guard + singleton getAccessToken()', s.als, 'reused', c),
            mcpCallVariant('guard + request-scoped AuthContext', s.scoped, 'reused', c),
          ],
          { ...config, log },
        );
        const baseline = 'guard, no identity access';
        return {
          id: this.id,
          title: this.title,
          variants,
          ratios: [
            atLeast(
              'ALS identity / no identity access',
              ratioOf(variants, 'guard + singleton getAccessToken()', baseline),
              0.97,
            ),
            {
              name: 'request-scoped / no identity access',
              value: ratioOf(variants, 'guard + request-scoped AuthContext', baseline),
            },
          ],
          notes: [
            'Request scope makes the controller that injects the service request-scoped too (Nest re-instantiates the chain per request).',
          ],
        };
      },
    );
  },
};
