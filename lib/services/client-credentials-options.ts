import type {
  ClientCredentialsOptions,
  ResolvedClientCredentials,
} from '../interfaces/client-credentials-options.interface.js';

/** Applies defaults; `undefined` when the grant is off. */
export function resolveClientCredentials(
  options: ClientCredentialsOptions | undefined,
): ResolvedClientCredentials | undefined {
  if (!options?.enabled) return undefined;
  return { allowDynamicRegistration: options.allowDynamicRegistration === true };
}
