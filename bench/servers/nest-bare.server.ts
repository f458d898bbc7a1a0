import { type CanActivate, Controller, HttpCode, Injectable, Module, Post, UseGuards } from '@nestjs/common';
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

/** A guard that lets everything through: the floor of any Nest guard (its machinery, not its checks). */
@Injectable()
class AllowAllGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('mcp')
@UseGuards(AllowAllGuard)
class EmptyGuardMcpController {
  @Post()
  @HttpCode(200)
  call() {
    return { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: BENCH_SUBJECT }] } };
  }
}

@Module({ controllers: [EmptyGuardMcpController], providers: [AllowAllGuard] })
class EmptyGuardAppModule {}

/** Variant `bare`, or `empty-guard` (the same route behind a guard that always allows). */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  const module = { bare: BareAppModule, 'empty-guard': EmptyGuardAppModule }[spec.variant];
  if (!module) throw new Error(`unknown nest-bare variant ${spec.variant}`);
  const { app, port } = await listenNest(module);
  return { port, tokens: [], close: () => app.close() };
}
