import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import type { ServerSpec, StartedServer } from '../protocol.js';
import { BENCH_SUBJECT } from './mcp-request.js';
import { listenNest } from './nest-app.js';

/** The MCP route with no authorization at all: the Nest baseline (McpAuthModule not imported). */
@Controller('mcp')
class BareMcpController {
  @Post()
  @HttpCode(200)
  call() {
    return { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: BENCH_SUBJECT }] } };
  }
}

@Module({ controllers: [BareMcpController] })
class BareAppModule {}

/** Variant: `bare`. */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  if (spec.variant !== 'bare') throw new Error(`unknown nest-bare variant ${spec.variant}`);
  const { app, port } = await listenNest(BareAppModule);
  return { port, tokens: [], close: () => app.close() };
}
