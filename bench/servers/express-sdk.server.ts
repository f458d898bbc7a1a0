import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { ServerSpec, StartedServer } from '../protocol.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE, BENCH_SCOPE, MCP_PATH } from './mcp-request.js';

/**
 * The peer baseline: the MCP TypeScript SDK's `requireBearerAuth` on plain
 * express, over an in-memory Map verifier (the same lookup the Nest `map`
 * variant uses). Variants: `bare` (no auth) and `guarded`.
 */
export async function startServer(spec: ServerSpec): Promise<StartedServer> {
  const tokens = Array.from({ length: spec.tokenCount ?? 1 }, () => randomBytes(24).toString('base64url'));
  const known = new Map<string, AuthInfo>(
    tokens.map((token) => [
      token,
      {
        token,
        clientId: BENCH_CLIENT_ID,
        scopes: [BENCH_SCOPE],
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
        resource: new URL(BENCH_RESOURCE),
      },
    ]),
  );
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  if (spec.variant === 'guarded') {
    app.use(
      MCP_PATH,
      requireBearerAuth({
        verifier: {
          verifyAccessToken: async (token: string) => {
            const info = known.get(token);
            if (!info) throw new InvalidTokenError('unknown token');
            return info;
          },
        },
        requiredScopes: [BENCH_SCOPE],
        resourceMetadataUrl: 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp',
      }),
    );
  } else if (spec.variant !== 'bare') {
    throw new Error(`unknown express-sdk variant ${spec.variant}`);
  }
  app.post(MCP_PATH, (_req, res) => {
    res.json({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'bench-user' }] } });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
