import { Inject, Injectable } from '@nestjs/common';
import { emitMcpAuthEvent } from '../events/emit-mcp-auth-event.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import type { GrantRecord, OAuthStore, StoredClient } from '../stores/oauth-store.interface.js';

/**
 * What operators do with a running authorization server (S70): see what was
 * granted, revoke a grant or everything of a user who left, remove a client,
 * purge expired records. Works on every {@link OAuthStore} (memory, Redis,
 * PostgreSQL) of the built-in `DefaultOAuthProvider`. Inject it anywhere the
 * module is imported; revocations are told to the `onEvent` listener as
 * `grant.revoked` with reason `operations`.
 *
 * Revoking a grant ends its refresh tokens at once and its access tokens at
 * their next check by this server (the guard checks revocation on every
 * request); resource servers that verify JWTs elsewhere see them until expiry.
 */
@Injectable()
export class McpAuthOperations {
  constructor(@Inject(MCP_AUTH_CONFIG) private readonly config: McpAuthConfig) {}

  /** Registered clients, a page at a time (pass `nextCursor` back for the next page). */
  listClients(options?: {
    limit?: number;
    cursor?: string;
  }): Promise<{ clients: StoredClient[]; nextCursor?: string }> {
    return this.store.listClients(options);
  }

  /** The live grants of a user (revoked ones flagged `revoked: true`). */
  grantsOfUser(subject: string): Promise<GrantRecord[]> {
    return this.store.listGrants({ subject });
  }

  /** The live grants of a client (revoked ones flagged). */
  grantsOfClient(clientId: string): Promise<GrantRecord[]> {
    return this.store.listGrants({ clientId });
  }

  /** Revokes one grant: its refresh tokens and access tokens stop working (S22, S43). Unknown ids are ignored. */
  async revokeGrant(grantId: string): Promise<void> {
    const grant = await this.store.getGrant(grantId);
    await this.store.revokeGrant(grantId);
    if (grant && !grant.revoked) this.revoked(grant);
  }

  /** Revokes every live grant of a user (someone who left); returns how many were revoked. */
  async revokeAllOfUser(subject: string): Promise<number> {
    let revoked = 0;
    for (const grant of await this.store.listGrants({ subject })) {
      if (grant.revoked) continue;
      await this.store.revokeGrant(grant.grantId);
      this.revoked(grant);
      revoked++;
    }
    return revoked;
  }

  /** Deletes a client and revokes all its grants. */
  async deleteClient(clientId: string): Promise<void> {
    const grants = (await this.store.listGrants({ clientId })).filter((grant) => !grant.revoked);
    await this.store.deleteClient(clientId);
    for (const grant of grants) this.revoked(grant);
  }

  /** Deletes expired records now (stores with their own expiry may report 0); returns how many. */
  purgeExpired(): Promise<number> {
    return this.store.purgeExpired();
  }

  private revoked(grant: GrantRecord): void {
    emitMcpAuthEvent(this.config.onEvent, {
      type: 'grant.revoked',
      grantId: grant.grantId,
      reason: 'operations',
      clientId: grant.clientId,
      subject: grant.subject,
    });
  }

  private get store(): OAuthStore {
    const store = (this.config.provider as { store?: OAuthStore } | undefined)?.store;
    if (!store || typeof store.listGrants !== 'function') {
      throw new Error(
        'McpAuthOperations needs the built-in DefaultOAuthProvider (it reads and changes its OAuthStore)',
      );
    }
    return store;
  }
}
