import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InsufficientScopeError } from '../errors/oauth-error.js';
import { getAccessToken } from '../context/auth-storage.js';
import { REQUIRED_SCOPES_METADATA } from '../mcp-auth.constants.js';
import { mergeScopes, missingScopes } from '../services/scope-rules.js';

const CONTROLLER_WATERMARK = '__controller__';

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
 *   throwing {@link InsufficientScopeError} when a scope, or the identity, is missing.
 */
export function RequireScopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  const required = mergeScopes(scopes);
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (!descriptor || typeof descriptor.value !== 'function') {
      const existing = Reflect.getOwnMetadata(REQUIRED_SCOPES_METADATA, target) as string[] | undefined;
      RequiredScopes(mergeScopes(existing, required))(target as Type);
      return;
    }
    const original = descriptor.value as (...args: unknown[]) => unknown;
    const existing = Reflect.getOwnMetadata(REQUIRED_SCOPES_METADATA, original) as string[] | undefined;
    descriptor.value = wrapWithScopeCheck(original, required);
    RequiredScopes(mergeScopes(existing, required))(target, key!, descriptor);
    return descriptor;
  }) as ClassDecorator & MethodDecorator;
}

function wrapWithScopeCheck(original: (...args: unknown[]) => unknown, required: string[]) {
  const isAsync = original.constructor?.name === 'AsyncFunction';
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const owner = (this as { constructor?: object } | undefined)?.constructor;
    if (!owner || !Reflect.getMetadata(CONTROLLER_WATERMARK, owner)) {
      const missing = missingScopes(required, getAccessToken()?.scopes ?? []);
      if (!getAccessToken() || missing.length) {
        const error = new InsufficientScopeError(required);
        if (isAsync) return Promise.reject(error);
        throw error;
      }
    }
    return original.apply(this, args);
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), wrapped);
  }
  return wrapped;
}
