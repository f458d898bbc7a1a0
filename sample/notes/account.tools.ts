import { Injectable } from '@nestjs/common';
import { getAccessToken } from '../../lib/index.js';

/** What `whoami` answers: the identity, never the token itself. */
export interface CallerIdentity {
  subject?: string;
  /** `machine` for a client acting for itself (client credentials), `user` otherwise. */
  subjectType?: 'user' | 'machine';
  clientId?: string;
  scopes: string[];
  expiresAt?: number;
}

/**
 * A singleton tool service: it reads the caller from AsyncLocalStorage with
 * `getAccessToken()` instead of injecting the request-scoped `AuthContext`,
 * so it costs nothing per request.
 */
@Injectable()
export class AccountTools {
  /** `whoami`: the verified identity of the caller. */
  whoami(): CallerIdentity {
    const token = getAccessToken();
    return {
      subject: token?.subject,
      subjectType: token ? (token.subjectType ?? 'user') : undefined,
      clientId: token?.clientId,
      scopes: [...(token?.scopes ?? [])],
      expiresAt: token?.expiresAt,
    };
  }
}
