import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import type { ServerSpec, StartedServer } from '../protocol.js';
import { BENCH_CLIENT_ID, BENCH_SCOPE } from './mcp-request.js';
import { listenNest } from './nest-app.js';

/** A JWT-sized access token (ES256 access tokens of the built-in provider are about this long). */
const ACCESS_TOKEN = `eyJhbGciOiJFUzI1NiJ9.${'x'.repeat(380)}.${'s'.repeat(86)}`;

let issued = 0;

/**
 * The floor of any token endpoint built on Nest + Express: a `POST /token`
 * whose form body Nest's default parser reads, answering a token-shaped JSON
 * with a new refresh token each time, and doing nothing else (no store, no
 * signing, McpAuthModule not imported).
 */
@Controller()
class FloorTokenController {
  @Post('token')
  @HttpCode(200)
  token(@Body() body: Record<string, string>) {
    return {
      access_token: ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: body.scope ?? BENCH_SCOPE,
      refresh_token: `floor-${++issued}`,
    };
  }
}

@Module({ controllers: [FloorTokenController] })
class FloorTokenModule {}

/** Variant `bare`; one refresh token per chain. */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  if (spec.variant !== 'bare') throw new Error(`unknown nest-token-floor variant ${spec.variant}`);
  const { app, port } = await listenNest(FloorTokenModule);
  const tokens = Array.from({ length: spec.tokenCount ?? 1 }, (_, i) => `floor-initial-${i}`);
  return { port, tokens, extra: { clientId: BENCH_CLIENT_ID, tokenPath: '/token' }, close: () => app.close() };
}
