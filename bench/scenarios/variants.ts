import type { ChildServer } from '../child-server.js';
import type { Variant } from '../compare.js';
import { runHttpLoad } from '../load/http-load.js';
import { MCP_PATH, MCP_TOOL_CALL_BODY } from '../servers/mcp-request.js';

/** How a variant presents its bearer token. */
export type TokenUse = 'none' | 'reused' | 'fresh';

/**
 * A variant that POSTs an MCP `tools/call` to the server's `/mcp`: with no
 * token, with one token reused (as MCP clients do), or with a different
 * token on every request (rotating through the tokens the server prepared);
 * `headers` are added to every request. Each run also records the server's
 * CPU time per request.
 */
export function mcpCallVariant(
  name: string,
  server: ChildServer,
  tokenUse: TokenUse,
  connections: number,
  headers?: Record<string, string>,
): Variant {
  const tokens = server.ready.tokens;
  if (tokenUse !== 'none' && tokens.length === 0) throw new Error(`${name}: the server prepared no tokens`);
  const bearerTokens = tokenUse === 'none' ? undefined : tokenUse === 'reused' ? tokens.slice(0, 1) : tokens;
  return {
    name,
    run: (durationSeconds) =>
      server.measuringCpu(() =>
        runHttpLoad({
          url: server.origin,
          method: 'POST',
          path: MCP_PATH,
          body: MCP_TOOL_CALL_BODY,
          bearerTokens,
          headers,
          connections,
          durationSeconds,
        }),
      ),
  };
}
