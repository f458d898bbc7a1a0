import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InsufficientScopeError } from '../errors/oauth-error.js';
import { getAccessToken, getCurrentScopeHierarchy, isAsyncContextEnabled } from '../context/auth-storage.js';
import { REQUIRED_SCOPES_METADATA } from '../mcp-auth.constants.js';
import { ScopeHierarchy, mergeScopes } from '../rules/scope-rules.js';

const CONTROLLER_WATERMARK = '__controller__';
const UNWRAPPED = Symbol('mcp_auth:unwrapped');

/** The metadata decorator behind `@RequireScopes` (read it with `reflector.get(RequiredScopes, target)`). */
export const RequiredScopes = Reflector.createDecorator<string[]>({ key: REQUIRED_SCOPES_METADATA });

/**
 * Scopes (RFC 6749 §3.3) the caller's token must grant.
 *
 * - On a controller class or handler: {@link BearerAuthGuard} answers 403
 *   `insufficient_scope` naming every needed scope (RFC 6750 §3.1). Class and
 *   method scopes combine, and add to the module's `requiredScopes`.
 * - On a tool method (with `@McpToolName` or `@rekog/mcp-nest`'s `@Tool`):
 *   the guard requires the scopes for `tools/call` of that tool before it runs.
 * - On any method of a non-controller class it also checks at call time
 *   (defence in depth), reading the identity from AsyncLocalStorage and
 *   throwing {@link InsufficientScopeError} when a scope, or the identity, is missing
 *   (skipped when the module's `asyncContext` option is `false`). A broader scope
 *   satisfies the narrower ones it implies (`scopeHierarchy` module option, S64).
 */
export function RequireScopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  const required = mergeScopes(scopes);
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (!descriptor || typeof descriptor.value !== 'function') {
      const existing = Reflect.getOwnMetadata(REQUIRED_SCOPES_METADATA, target) as string[] | undefined;
      RequiredScopes(mergeScopes(existing, required))(target as Type);
      return;
    }
    const current = descriptor.value as ScopeCheckedMethod;
    const merged = mergeScopes(
      Reflect.getOwnMetadata(REQUIRED_SCOPES_METADATA, current) as string[] | undefined,
      required,
    );
    descriptor.value = wrapWithScopeCheck(current, merged);
    RequiredScopes(merged)(target, key!, descriptor);
    return descriptor;
  }) as ClassDecorator & MethodDecorator;
}

type ScopeCheckedMethod = ((...args: unknown[]) => unknown) & { [UNWRAPPED]?: (...args: unknown[]) => unknown };

/** One check per method even when `@RequireScopes` is stacked: re-wrap the original with the merged scopes. */
function wrapWithScopeCheck(current: ScopeCheckedMethod, required: string[]): ScopeCheckedMethod {
  const original = current[UNWRAPPED] ?? current;
  const isAsync = original.constructor?.name === 'AsyncFunction';
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const owner = (this as { constructor?: object } | undefined)?.constructor;
    if (isAsyncContextEnabled() && (!owner || !Reflect.getMetadata(CONTROLLER_WATERMARK, owner))) {
      const granted = getAccessToken();
      const hierarchy = getCurrentScopeHierarchy() ?? ScopeHierarchy.flat;
      if (!granted || !hierarchy.hasAll(granted.scopes, required)) {
        const error = new InsufficientScopeError(required);
        if (isAsync) return Promise.reject(error);
        throw error;
      }
    }
    return original.apply(this, args);
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, UNWRAPPED, { value: original });
  for (const metadataKey of Reflect.getOwnMetadataKeys(current)) {
    Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, current), wrapped);
  }
  return wrapped;
}
