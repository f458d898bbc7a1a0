import { AsyncLocalStorage } from 'node:async_hooks';
import type { AccessToken } from '../interfaces/oauth-models.js';
import type { ScopeHierarchy } from '../rules/scope-rules.js';

/**
 * Per-request slot for the verified identity. The middleware opens one empty
 * holder per request; the guard fills it after verification, so every
 * continuation of that request (interceptors, handler, services) sees it.
 */
export interface AuthHolder {
  accessToken?: AccessToken;
  /** The module's scope hierarchy (S64), for scope checks made from the async context. */
  scopeHierarchy?: ScopeHierarchy;
}

const storage = new AsyncLocalStorage<AuthHolder>();
let asyncContextEnabled = true;

/**
 * @internal Set by `McpAuthModule` from its `asyncContext` option. Process-wide,
 * like the AsyncLocalStorage cost it controls; with several apps in one process
 * the last module initialised decides.
 */
export function setAsyncContextEnabled(enabled: boolean): void {
  asyncContextEnabled = enabled;
}

/** Whether identities are published in AsyncLocalStorage (`asyncContext` option). */
export function isAsyncContextEnabled(): boolean {
  return asyncContextEnabled;
}

/** Runs `fn` with a fresh, empty {@link AuthHolder} as the current request's auth slot. */
export function runWithAuthHolder<T>(fn: () => T, holder: AuthHolder = {}): T {
  return storage.run(holder, fn);
}

/**
 * Records the verified identity in the holder the middleware opened for the
 * current request. Returns `false` when there is no holder (middleware not
 * mounted): the identity is then NOT published. `enterWith` is deliberately
 * not used as a fallback: on Node 20 it attaches the store to a resource the
 * HTTP server shares across requests (keep-alive sockets), so a later request,
 * even an unauthenticated one, could read the previous caller's identity.
 */
export function setCurrentAccessToken(accessToken: AccessToken, scopeHierarchy?: ScopeHierarchy): boolean {
  const holder = storage.getStore();
  if (!holder) return false;
  holder.accessToken = accessToken;
  holder.scopeHierarchy = scopeHierarchy;
  return true;
}

/**
 * The verified access token of the request being served, read from
 * AsyncLocalStorage (the counterpart of the Python SDK's `get_access_token()`
 * contextvar). Usable from singleton services; `undefined` outside a request
 * that passed {@link BearerAuthGuard}. Its `token` property (the raw bearer
 * token) is non-enumerable: do not forward it.
 */
export function getAccessToken(): AccessToken | undefined {
  return storage.getStore()?.accessToken;
}

/** @internal The scope hierarchy of the module that verified the current request's token, if any. */
export function getCurrentScopeHierarchy(): ScopeHierarchy | undefined {
  return storage.getStore()?.scopeHierarchy;
}
