import { readFileSync } from 'node:fs';
import type { ClientJsonWebKeySet, OAuthStore } from '../lib/index.js';

/** Settings of the sample MCP server. */
export interface SampleOptions {
  /** Public origin of the server (issuer). The MCP endpoint is `${baseUrl}/mcp`. */
  baseUrl: string;
  /** Rate limits of the OAuth endpoints (S36). @default true */
  rateLimits?: boolean;
  /**
   * Issue refresh tokens (to clients registered for the `refresh_token` grant). Step-up works with
   * them on, also for MCP TypeScript SDK 1.x clients that refresh instead of re-authorizing on a 403
   * (modelcontextprotocol/typescript-sdk#2255): the refresh is refused with `invalid_grant` (S63). @default true
   */
  refreshTokens?: boolean;
  /** Access-token lifetime in seconds. @default the provider's 900 */
  accessTokenTtlSeconds?: number;
  /** PEM private key that signs access tokens. @default an ephemeral key (a warning is logged) */
  signingKeyPem?: string;
  /** Nest logger on (`true`) or off (`false`). @default true */
  logger?: boolean;
  /** Where clients and grants live. @default a `MemoryOAuthStore` (see `DATABASE_URL` for PostgreSQL) */
  store?: OAuthStore;
  /** Publish the identity in AsyncLocalStorage (`McpAuthModule`'s `asyncContext`). @default true */
  asyncContext?: boolean;
  /**
   * Public keys of the `private_key_jwt` machine client `notes-bot-jwt` (S67); without them only
   * `notes-bot` (client secret) is registered. From `MACHINE_CLIENT_JWKS_FILE`.
   */
  machineClientJwks?: ClientJsonWebKeySet;
  /**
   * A trusted enterprise identity provider (S68): its ID-JAGs are accepted with the jwt-bearer
   * grant and the demo client `notes-agent` is registered for it. From `ENTERPRISE_IDP_ISSUER` and
   * `ENTERPRISE_IDP_JWKS_URL` (https, or http on loopback for development).
   */
  enterpriseIdp?: { issuer: string; jwksUrl: string };
  /** The HTTP platform (`HTTP_ADAPTER`). @default 'express' */
  httpAdapter?: 'express' | 'fastify';
}

/** `SampleOptions` plus where to listen. */
export interface SampleProcessSettings {
  port: number;
  /** Interface to listen on; all interfaces when undefined. */
  host?: string;
  options: SampleOptions;
  /** `DATABASE_URL`: keep clients and grants in PostgreSQL (migrated at start) instead of memory. */
  databaseUrl?: string;
}

/** The demo users of the built-in login page (username = password, for a demo only). */
export const DEMO_USERS = {
  alice: { password: 'alice', name: 'Alice' },
  bob: { password: 'bob', name: 'Bob' },
} as const;

/**
 * Reads the sample's settings from the environment:
 * `PORT` (default 3000), `HOST` (default: all interfaces), `BASE_URL` (default `http://localhost:<PORT>`, required with `PORT=0`),
 * `RATE_LIMIT=off`, `REFRESH_TOKENS=off`, `ACCESS_TOKEN_TTL` (seconds), `SIGNING_KEY_FILE` (PEM),
 * `DATABASE_URL` (PostgreSQL store), `MACHINE_CLIENT_JWKS_FILE` (public JWKS of `notes-bot-jwt`),
 * `ENTERPRISE_IDP_ISSUER` + `ENTERPRISE_IDP_JWKS_URL` (a trusted enterprise IdP).
 */
export function sampleSettingsFromEnv(env: NodeJS.ProcessEnv): SampleProcessSettings {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('PORT must be a port number');
  if (port === 0 && !env.BASE_URL) throw new Error('With PORT=0, set BASE_URL to the address clients will use');
  const baseUrl = (env.BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  const rateLimits = onOff(env, 'RATE_LIMIT');
  const refreshTokens = onOff(env, 'REFRESH_TOKENS');
  let accessTokenTtlSeconds: number | undefined;
  if (env.ACCESS_TOKEN_TTL) {
    accessTokenTtlSeconds = Number(env.ACCESS_TOKEN_TTL);
    if (!Number.isInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds <= 0) {
      throw new Error('ACCESS_TOKEN_TTL must be a positive number of seconds');
    }
  }
  const signingKeyPem = env.SIGNING_KEY_FILE ? readFileSync(env.SIGNING_KEY_FILE, 'utf8') : undefined;
  const machineClientJwks = env.MACHINE_CLIENT_JWKS_FILE
    ? (JSON.parse(readFileSync(env.MACHINE_CLIENT_JWKS_FILE, 'utf8')) as ClientJsonWebKeySet)
    : undefined;
  if (Boolean(env.ENTERPRISE_IDP_ISSUER) !== Boolean(env.ENTERPRISE_IDP_JWKS_URL)) {
    throw new Error('Set both ENTERPRISE_IDP_ISSUER and ENTERPRISE_IDP_JWKS_URL, or neither');
  }
  const enterpriseIdp = env.ENTERPRISE_IDP_ISSUER
    ? { issuer: env.ENTERPRISE_IDP_ISSUER, jwksUrl: env.ENTERPRISE_IDP_JWKS_URL! }
    : undefined;
  const httpAdapter = (env.HTTP_ADAPTER || 'express').toLowerCase();
  if (httpAdapter !== 'express' && httpAdapter !== 'fastify') {
    throw new Error('HTTP_ADAPTER must be "express" or "fastify"');
  }
  return {
    port,
    host: env.HOST || undefined,
    options: {
      baseUrl,
      rateLimits,
      refreshTokens,
      accessTokenTtlSeconds,
      signingKeyPem,
      machineClientJwks,
      enterpriseIdp,
      httpAdapter,
    },
    databaseUrl: env.DATABASE_URL || undefined,
  };
}

function onOff(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = (env[name] || 'on').toLowerCase();
  if (value !== 'on' && value !== 'off') throw new Error(`${name} must be "on" or "off"`);
  return value === 'on';
}
