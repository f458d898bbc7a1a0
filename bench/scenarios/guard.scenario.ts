import { compareVariants, cpuRatioOf, ratioOf } from '../compare.js';
import { withServers } from '../harness.js';
import { atLeast, cpuRatio, type Scenario } from '../scenario.js';
import { MCP_STANDARD_HEADERS } from '../servers/mcp-request.js';
import { mcpCallVariant } from './variants.js';

/**
 * Scenario 1: the cost of `BearerAuthGuard` with the built-in provider's
 * real JWT verification, on an MCP `tools/call`, against the same route with
 * no auth (McpAuthModule not imported at all).
 */
export const guardScenario: Scenario = {
  id: 'guard',
  title: 'Guard overhead: bare Nest route vs BearerAuthGuard with a valid JWT (reused / fresh per request)',
  async run({ config, log }) {
    return withServers(
      {
        bare: { kind: 'nest-bare', variant: 'bare' },
        guarded: { kind: 'nest-guard', variant: 'jwt', tokenCount: 1 },
        fresh: { kind: 'nest-guard', variant: 'jwt-nocache', tokenCount: config.tokenCount },
        noAls: { kind: 'nest-guard', variant: 'jwt-noals', tokenCount: 1 },
        tools: { kind: 'nest-guard', variant: 'jwt-tools', tokenCount: 1 },
        ...(config.baseline && {
          baseline: { kind: 'nest-guard', variant: 'jwt', tokenCount: 1, root: config.baseline.root },
        }),
      },
      async (s) => {
        const c = config.connections;
        const baselineName = config.baseline && `baseline ${config.baseline.label}: guard, JWT reused`;
        const variants = await compareVariants(
          [
            mcpCallVariant('nest bare', s.bare, 'none', c),
            mcpCallVariant('guard, JWT reused', s.guarded, 'reused', c),
            mcpCallVariant(`guard, fresh JWT per request (${s.fresh.ready.tokens.length})`, s.fresh, 'fresh', c),
            mcpCallVariant('guard, JWT reused, asyncContext off', s.noAls, 'reused', c),
            mcpCallVariant('guard, JWT reused, tool scope declared', s.tools, 'reused', c, MCP_STANDARD_HEADERS),
            ...(baselineName ? [mcpCallVariant(baselineName, s.baseline, 'reused', c)] : []),
          ],
          { ...config, log },
        );
        return {
          id: this.id,
          title: this.title,
          variants,
          ratios: [
            atLeast('guard reused / bare', ratioOf(variants, 'guard, JWT reused', 'nest bare'), 0.9),
            { name: 'guard fresh / bare', value: ratioOf(variants, variants[2].name, 'nest bare') },
            atLeast(
              'guard reused, asyncContext off / bare',
              ratioOf(variants, 'guard, JWT reused, asyncContext off', 'nest bare'),
              0.9,
            ),
            {
              name: 'guard reused, tool scope declared / bare',
              value: ratioOf(variants, 'guard, JWT reused, tool scope declared', 'nest bare'),
            },
            ...cpuRatio('guard reused / bare', cpuRatioOf(variants, 'guard, JWT reused', 'nest bare'), 0.9),
            ...cpuRatio(
              'guard reused, asyncContext off / bare',
              cpuRatioOf(variants, 'guard, JWT reused, asyncContext off', 'nest bare'),
              0.9,
            ),
            ...cpuRatio(
              'guard reused, tool scope declared / bare',
              cpuRatioOf(variants, 'guard, JWT reused, tool scope declared', 'nest bare'),
            ),
            ...(baselineName
              ? [
                  {
                    name: 'guard reused: this build / baseline',
                    value: ratioOf(variants, 'guard, JWT reused', baselineName),
                  },
                  ...cpuRatio(
                    'guard reused: this build / baseline',
                    cpuRatioOf(variants, 'guard, JWT reused', baselineName),
                  ),
                ]
              : []),
          ],
          notes: [
            'Tokens are ES256 JWT access tokens issued by the built-in provider (memory store) for the MCP resource.',
            'Fresh: each request carries the next of the pre-issued tokens (round robin) to a server whose verified-token cache is off, so every request pays the ES256 check, as a never-seen token does.',
            "Server CPU/req ratios: bare CPU time per request ÷ the variant's, median over rounds; steadier than req/s when the load generator shares the cores.",
            'asyncContext off: no AsyncLocalStorage (Node 20 turns on process-wide async hooks at its first use).',
            'Tool scope declared: the called tool requires a scope (granted), so the guard reads and checks the JSON-RPC body itself (media type, depth; the request carries Mcp-Method / Mcp-Name as a 2026-07-28 client sends them, checked against the body) and looks up the tool scopes on every request.',
          ],
        };
      },
    );
  },
};
