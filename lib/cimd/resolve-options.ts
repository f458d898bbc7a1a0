import { McpAuthConfigurationError } from '../errors/mcp-auth-configuration-error.js';
import type {
  ClientIdMetadataDocumentOptions,
  ResolvedClientIdMetadataDocumentOptions,
} from './client-id-metadata-document.options.js';
import { createHttpsMetadataFetcher } from './https-metadata-fetcher.js';

/** Defaults of {@link ClientIdMetadataDocumentOptions}. */
export const CIMD_DEFAULTS = {
  timeoutMs: 5000,
  maxBytes: 5120,
  minCacheSeconds: 60,
  maxCacheSeconds: 86_400,
  defaultCacheSeconds: 300,
  maxCacheEntries: 1000,
} as const;

/**
 * Applies defaults and validates {@link ClientIdMetadataDocumentOptions}.
 * @throws McpAuthConfigurationError on a bad option (fails boot with a plain message)
 */
export function resolveClientIdMetadataDocumentOptions(
  options: ClientIdMetadataDocumentOptions = {},
): ResolvedClientIdMetadataDocumentOptions {
  const resolved: ResolvedClientIdMetadataDocumentOptions = {
    enabled: options.enabled ?? false,
    allow: options.allow,
    timeoutMs: options.timeoutMs ?? CIMD_DEFAULTS.timeoutMs,
    maxBytes: options.maxBytes ?? CIMD_DEFAULTS.maxBytes,
    minCacheSeconds: options.minCacheSeconds ?? CIMD_DEFAULTS.minCacheSeconds,
    maxCacheSeconds: options.maxCacheSeconds ?? CIMD_DEFAULTS.maxCacheSeconds,
    defaultCacheSeconds: options.defaultCacheSeconds ?? CIMD_DEFAULTS.defaultCacheSeconds,
    maxCacheEntries: options.maxCacheEntries ?? CIMD_DEFAULTS.maxCacheEntries,
    fetch: options.fetch ?? createHttpsMetadataFetcher(),
    allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    supportedAuthMethods: options.supportedAuthMethods ?? ['none', 'private_key_jwt'],
    now: options.now ?? Date.now,
  };
  const fail = (message: string): never => {
    throw new McpAuthConfigurationError(`clientIdMetadataDocuments.${message}`);
  };
  const positiveInteger = (name: keyof typeof CIMD_DEFAULTS, allowZero = false) => {
    const value = resolved[name];
    if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1))
      fail(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  };
  positiveInteger('timeoutMs');
  positiveInteger('maxBytes');
  positiveInteger('minCacheSeconds', true);
  positiveInteger('maxCacheSeconds', true);
  positiveInteger('defaultCacheSeconds', true);
  positiveInteger('maxCacheEntries', true);
  if (resolved.minCacheSeconds > resolved.maxCacheSeconds) fail('minCacheSeconds must not exceed maxCacheSeconds');
  if (resolved.allow !== undefined && typeof resolved.allow !== 'function') fail('allow must be a function');
  if (typeof resolved.fetch !== 'function') fail('fetch must be a function');
  const methods = resolved.supportedAuthMethods as readonly string[];
  if (!Array.isArray(methods) || methods.length === 0) fail('supportedAuthMethods must be a non-empty array');
  for (const method of methods) {
    if (method !== 'none' && method !== 'private_key_jwt')
      fail(`supportedAuthMethods: ${String(method)} is not supported for metadata-document clients`);
  }
  return resolved;
}
