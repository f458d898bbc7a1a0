import type { ChildServer } from '../child-server.js';
import type { Variant } from '../compare.js';
import { runChainLoad } from '../load/chain-load.js';

/**
 * A refresh-token rotation variant: `connections` chains, each sending
 * `grant_type=refresh_token` with the newest refresh token it received.
 * Every chain starts where it stopped in the previous run, so each server
 * needs one initial refresh token per chain.
 */
export function refreshChainVariant(
  name: string,
  server: ChildServer,
  tokenPath: string,
  clientId: string,
  connections: number,
): Variant {
  if (server.ready.tokens.length < connections) throw new Error(`${name}: needs ${connections} refresh tokens`);
  let current = server.ready.tokens.slice(0, connections);
  return {
    name,
    async run(durationSeconds) {
      const result = await server.measuringCpu(() =>
        runChainLoad<string>({
          origin: server.origin,
          path: tokenPath,
          initialStates: current,
          durationSeconds,
          step: {
            body: (refreshToken) =>
              new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: refreshToken,
                client_id: clientId,
              }).toString(),
            advance: (previous, response) => {
              const next = response.refresh_token;
              if (typeof next !== 'string' || next === previous || typeof response.access_token !== 'string') {
                throw new Error('refresh response without a rotated refresh token');
              }
              return next;
            },
          },
        }),
      );
      current = result.finalStates;
      return result;
    },
  };
}

/** A batch of authorization codes minted server-side, all for one PKCE verifier. */
export interface CodeBatch {
  codes: string[];
  codeVerifier: string;
  redirectUri: string;
  clientId: string;
  resource?: string;
}

/**
 * An `authorization_code` exchange variant: before each run it asks the
 * server (over IPC, outside the timed window) for enough fresh codes, then
 * `connections` chains redeem them one after the other at the token endpoint
 * (PKCE verification, single-use consumption, JWT and refresh token issuance).
 */
export function codeExchangeVariant(
  name: string,
  server: ChildServer,
  tokenPath: string,
  connections: number,
  codesPerSecond: number,
): Variant {
  return {
    name,
    async run(durationSeconds) {
      const batch = await server.command<CodeBatch>('mintCodes', {
        count: Math.ceil(codesPerSecond * durationSeconds),
      });
      let next = 0;
      const form = (code: string) =>
        new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          code_verifier: batch.codeVerifier,
          redirect_uri: batch.redirectUri,
          client_id: batch.clientId,
          ...(batch.resource ? { resource: batch.resource } : {}),
        }).toString();
      const result = await server.measuringCpu(() =>
        runChainLoad<null>({
          origin: server.origin,
          path: tokenPath,
          initialStates: Array.from({ length: connections }, () => null),
          durationSeconds,
          step: {
            body: () => (next < batch.codes.length ? form(batch.codes[next++]) : undefined),
            advance: (_state, response) => {
              if (typeof response.access_token !== 'string') throw new Error('code exchange without an access token');
              return null;
            },
          },
        }),
      );
      if (next >= batch.codes.length) result.errors++;
      return result;
    },
  };
}
