import type { OAuth2UpstreamConfig, OidcUpstreamConfig, UpstreamProfile } from './upstream-provider.config.js';

/** Client credentials of an app registered at an upstream, plus optional overrides. */
export interface UpstreamPresetOptions {
  clientId: string;
  clientSecret: string;
  /** Replaces the preset's scopes. */
  scopes?: string[];
  displayName?: string;
  authorizationParams?: Record<string, string>;
}

/**
 * GitHub (OAuth 2.0, no OpenID Connect): `read:user`, profile from
 * `https://api.github.com/user`; the upstream `sub` is GitHub's numeric user id
 * (stable across renames), the login name is in `claims.login`.
 */
export function githubUpstream(options: UpstreamPresetOptions): OAuth2UpstreamConfig {
  return {
    type: 'oauth2',
    displayName: options.displayName ?? 'GitHub',
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tokenEndpointAuthMethod: 'client_secret_post',
    authorizationEndpoint: 'https://github.com/login/oauth/authorize',
    tokenEndpoint: 'https://github.com/login/oauth/access_token',
    issuer: 'https://github.com/login/oauth',
    scopes: options.scopes ?? ['read:user'],
    authorizationParams: options.authorizationParams,
    profile: async ({ fetchJson }) => githubProfile(await fetchJson(GITHUB_USER_URL)),
  };
}

/** The GitHub REST endpoint of the signed-in user. */
export const GITHUB_USER_URL = 'https://api.github.com/user';

/** Maps GitHub's `/user` JSON to an {@link UpstreamProfile}. */
export function githubProfile(json: unknown): UpstreamProfile {
  const user = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new Error('GitHub profile without id');
  const name =
    typeof user.name === 'string' && user.name ? user.name : typeof user.login === 'string' ? user.login : undefined;
  return {
    sub: String(user.id),
    name,
    email: typeof user.email === 'string' ? user.email : undefined,
    claims: user,
  };
}

/** Google (OpenID Connect discovery at `https://accounts.google.com`), scopes `openid email profile`. */
export function googleUpstream(options: UpstreamPresetOptions): OidcUpstreamConfig {
  return {
    type: 'oidc',
    displayName: options.displayName ?? 'Google',
    issuer: 'https://accounts.google.com',
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: options.scopes ?? ['openid', 'email', 'profile'],
    authorizationParams: options.authorizationParams,
  };
}

/** Options of {@link entraUpstream}. */
export interface EntraUpstreamOptions extends UpstreamPresetOptions {
  /** Directory (tenant) id or domain; `organizations`/`common` issue per-tenant `iss` values and are refused. */
  tenant: string;
}

/**
 * Microsoft Entra ID (OpenID Connect discovery at
 * `https://login.microsoftonline.com/<tenant>/v2.0`), scopes
 * `openid email profile offline_access`.
 */
export function entraUpstream(options: EntraUpstreamOptions): OidcUpstreamConfig {
  if (
    !/^[A-Za-z0-9.-]+$/.test(options.tenant) ||
    ['common', 'organizations', 'consumers'].includes(options.tenant.toLowerCase())
  ) {
    throw new Error(
      'entraUpstream: `tenant` must be a tenant id or domain (multi-tenant aliases have no fixed issuer)',
    );
  }
  return {
    type: 'oidc',
    displayName: options.displayName ?? 'Microsoft',
    issuer: `https://login.microsoftonline.com/${options.tenant}/v2.0`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: options.scopes ?? ['openid', 'email', 'profile', 'offline_access'],
    authorizationParams: options.authorizationParams,
  };
}
