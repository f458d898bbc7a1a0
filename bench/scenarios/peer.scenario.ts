import { compareVariants, cpuRatioOf, ratioOf } from '../compare.js';
import { withServers } from '../harness.js';
import { atLeast, cpuRatio, type Scenario } from '../scenario.js';
import { mcpCallVariant } from './variants.js';

/**
 * Scenario 3: our guard's overhead next to the MCP TypeScript SDK's
 * `requireBearerAuth`, both over the same in-memory Map verifier, each
 * relative to its own bare framework route.
 */
export const peerScenario: Scenario = {
  id: 'peer',
  title: 'Peer baseline: MCP TS SDK requireBearerAuth (express) vs BearerAuthGuard (Nest), Map verifier both sides',
  async run({ config, log }) {
    const tokenCount = 1;
    return withServers(
      {
        expressBare: { kind: 'express-sdk', variant: 'bare' },
        expressGuarded: { kind: 'express-sdk', variant: 'guarded', tokenCount },
        nestBare: { kind: 'nest-bare', variant: 'bare' },
        nestEmptyGuard: { kind: 'nest-bare', variant: 'empty-guard' },
        nestGuarded: { kind: 'nest-guard', variant: 'map', tokenCount },
        nestGuardedNoAls: { kind: 'nest-guard', variant: 'map-noals', tokenCount },
      },
      async (s) => {
        const c = config.connections;
        const variants = await compareVariants(
          [
            mcpCallVariant('sdk: express bare', s.expressBare, 'none', c),
            mcpCallVariant('sdk: express + requireBearerAuth', s.expressGuarded, 'reused', c),
            mcpCallVariant('ours: nest bare', s.nestBare, 'none', c),
            mcpCallVariant('nest + empty guard (floor)', s.nestEmptyGuard, 'none', c),
            mcpCallVariant('ours: nest + BearerAuthGuard (map)', s.nestGuarded, 'reused', c),
            mcpCallVariant('ours: + asyncContext off', s.nestGuardedNoAls, 'reused', c),
          ],
          { ...config, log },
        );
        const sdk = ratioOf(variants, 'sdk: express + requireBearerAuth', 'sdk: express bare');
        const ours = ratioOf(variants, 'ours: nest + BearerAuthGuard (map)', 'ours: nest bare');
        const sdkCpu = cpuRatioOf(variants, 'sdk: express + requireBearerAuth', 'sdk: express bare');
        const oursCpu = cpuRatioOf(variants, 'ours: nest + BearerAuthGuard (map)', 'ours: nest bare');
        return {
          id: this.id,
          title: this.title,
          variants,
          ratios: [
            { name: 'sdk guarded / sdk bare', value: sdk },
            { name: 'ours guarded / ours bare', value: ours },
            atLeast('our ratio / sdk ratio', Math.round((ours / sdk) * 1000) / 1000, 1),
            {
              name: 'empty Nest guard / nest bare',
              value: ratioOf(variants, 'nest + empty guard (floor)', 'ours: nest bare'),
            },
            {
              name: 'ours, asyncContext off / nest bare',
              value: ratioOf(variants, 'ours: + asyncContext off', 'ours: nest bare'),
            },
            ...cpuRatio('sdk guarded / sdk bare', sdkCpu),
            ...cpuRatio('ours guarded / ours bare', oursCpu),
            ...cpuRatio(
              'our ratio / sdk ratio',
              sdkCpu && oursCpu ? Math.round((oursCpu / sdkCpu) * 1000) / 1000 : undefined,
              1,
            ),
          ],
          notes: [
            'Both verifiers are a Map lookup of a pre-registered opaque token; the ratios isolate middleware/guard cost.',
          ],
        };
      },
    );
  },
};
