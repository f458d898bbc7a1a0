import { compareVariants, cpuRatioOf, ratioOf } from '../compare.js';
import { withServers } from '../harness.js';
import { atLeast, type Scenario } from '../scenario.js';
import type { ChildServer } from '../child-server.js';
import type { Variant, VariantResult } from '../compare.js';
import { codeExchangeVariant, refreshChainVariant } from './token-chains.js';

const OURS = 'ours: refresh_token';
const OIDC = 'oidc-provider: refresh_token';
const OIDC_MAP = 'oidc-provider (Map adapter): refresh_token';
const FLOOR = 'floor: Nest POST /token, constant answer';

/** Upper bound of code exchanges per second the pool is sized for (pool exhaustion counts as an error). */
const CODE_POOL_PER_SECOND = 6000;

/**
 * Scenario 4: token-endpoint throughput on the memory store — refresh-token
 * rotation and the full authorization_code exchange — next to
 * node-oidc-provider (default memory adapter and a Map adapter) doing the same
 * refresh grant (issue 18: ≥ 2× the former, ≥ 1× the latter).
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
        oidcMap: { kind: 'oidc-provider', variant: 'map', tokenCount: c },
        floor: { kind: 'nest-token-floor', variant: 'bare', tokenCount: c },
        ...(config.baseline && {
          baseline: { kind: 'nest-token', variant: 'memory', tokenCount: c, root: config.baseline.root },
        }),
      },
      async (s) => {
        const baseline = config.baseline && `baseline ${config.baseline.label}`;
        const ourPath = String(s.ours.ready.extra?.tokenPath);
        const ourClient = String(s.ours.ready.extra?.clientId);
        const variants = await compareVariants(
          [
            refreshChainVariant(OURS, s.ours, ourPath, ourClient, c),
            refreshChainVariant(
              OIDC,
              s.oidc,
              String(s.oidc.ready.extra?.tokenPath),
              String(s.oidc.ready.extra?.clientId),
              c,
            ),
            refreshChainVariant(
              OIDC_MAP,
              s.oidcMap,
              String(s.oidcMap.ready.extra?.tokenPath),
              String(s.oidcMap.ready.extra?.clientId),
              c,
            ),
            codeExchangeVariant('ours: authorization_code', s.ours, ourPath, c, CODE_POOL_PER_SECOND),
            refreshChainVariant(FLOOR, s.floor, '/token', String(s.floor.ready.extra?.clientId), c),
            ...(baseline ? baselineVariants(baseline, s.baseline, c) : []),
          ],
          { ...config, log },
        );
        return {
          id: this.id,
          title: this.title,
          variants,
          ratios: [
            atLeast('ours refresh / oidc-provider refresh', ratioOf(variants, OURS, OIDC), 2),
            atLeast('ours refresh / oidc-provider (Map adapter) refresh', ratioOf(variants, OURS, OIDC_MAP), 1),
            atLeast('same by server CPU/request: vs oidc-provider', cpuRatioOf(variants, OURS, OIDC) ?? Number.NaN, 2),
            atLeast(
              'same by server CPU/request: vs Map adapter',
              cpuRatioOf(variants, OURS, OIDC_MAP) ?? Number.NaN,
              1,
            ),
            {
              name: 'ours authorization_code / ours refresh',
              value: ratioOf(variants, 'ours: authorization_code', OURS),
            },
            { name: 'Nest floor / oidc-provider (Map adapter)', value: ratioOf(variants, FLOOR, OIDC_MAP) },
            { name: 'ours refresh / Nest floor', value: ratioOf(variants, OURS, FLOOR) },
            ...(baseline ? baselineRatios(variants, baseline) : []),
          ],
          notes: [
            `${c} concurrent chains, each sequential (a refresh needs the newest refresh token).`,
            'Both servers: public client (token_endpoint_auth_method none), refresh rotation, ES256 JWT access tokens, no ID token.',
            'floor: a Nest POST /token that only parses the form and answers a constant token response (no McpAuthModule): the ceiling of any Nest + Express token endpoint.',
            'oidc-provider runs twice: its default memory adapter (an LRU of 1000 entries) and a plain Map adapter (bench/servers/oidc-map-adapter.ts).',
            "cpu µs/req: the server process's CPU time per request (steadier than req/s on a shared machine); the CPU ratios divide the baseline's by ours.",
          ],
        };
      },
    );
  },
};

/** The same refresh and code-exchange load on another build (`BENCH_BASELINE`). */
function baselineVariants(label: string, server: ChildServer, connections: number): Variant[] {
  const path = String(server.ready.extra?.tokenPath);
  return [
    refreshChainVariant(`${label}: refresh_token`, server, path, String(server.ready.extra?.clientId), connections),
    codeExchangeVariant(`${label}: authorization_code`, server, path, connections, CODE_POOL_PER_SECOND),
  ];
}

function baselineRatios(variants: VariantResult[], label: string) {
  return [
    { name: 'refresh: this build / baseline', value: ratioOf(variants, OURS, `${label}: refresh_token`) },
    {
      name: 'refresh: this build / baseline (server CPU/req)',
      value: cpuRatioOf(variants, OURS, `${label}: refresh_token`) ?? Number.NaN,
    },
    {
      name: 'authorization_code: this build / baseline',
      value: ratioOf(variants, 'ours: authorization_code', `${label}: authorization_code`),
    },
    {
      name: 'authorization_code: this build / baseline (server CPU/req)',
      value: cpuRatioOf(variants, 'ours: authorization_code', `${label}: authorization_code`) ?? Number.NaN,
    },
  ];
}
