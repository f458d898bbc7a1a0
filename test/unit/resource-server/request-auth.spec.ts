import { describe, expect, it } from 'vitest';
import { toRequestAuth } from '../../../lib/context/request-auth.js';
import type { AccessToken } from '../../../lib/interfaces/oauth-models.js';

const verified = (): AccessToken => ({
  token: 'raw-bearer-token',
  clientId: 'client',
  subject: 'alice',
  scopes: ['notes:read'],
  resource: 'https://mcp.example/mcp',
});

describe('toRequestAuth', () => {
  it('S8 hides the raw token from spreading and JSON, keeps it readable, and freezes the copy', () => {
    const auth = toRequestAuth(verified());
    expect(auth.token).toBe('raw-bearer-token');
    expect(JSON.stringify(auth)).not.toContain('raw-bearer-token');
    expect(Object.keys({ ...auth })).not.toContain('token');
    expect(Object.isFrozen(auth) && Object.isFrozen(auth.scopes)).toBe(true);
  });

  it('reuses the copy of a frozen verified object (the built-in provider returns one per cached token)', () => {
    const frozen = Object.freeze({ ...verified(), scopes: Object.freeze(['notes:read']) as string[] });
    expect(toRequestAuth(frozen)).toBe(toRequestAuth(frozen));
  });

  it('copies a mutable verified object every time, so a verifier that mutates it is never served a stale copy', () => {
    const mutable = verified();
    const first = toRequestAuth(mutable);
    mutable.scopes.push('notes:write');
    const second = toRequestAuth(mutable);
    expect(second).not.toBe(first);
    expect(second.scopes).toEqual(['notes:read', 'notes:write']);
  });
});
