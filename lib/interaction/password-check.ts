import type { AuthenticatedUser, PasswordCheck, StaticUsers } from '../provider/user-authentication.js';
import { constantTimeEquals } from '../rules/secure-values.js';

/**
 * Turns the `users` option into one check. A static map compares passwords in
 * constant time and does the same work for unknown usernames.
 */
export function passwordCheckFrom(users: PasswordCheck | StaticUsers): PasswordCheck {
  if (typeof users === 'function') return users;
  const table = new Map(Object.entries(users));
  return async (username, password): Promise<AuthenticatedUser | undefined> => {
    const entry = table.get(username);
    const matches = constantTimeEquals(entry?.password ?? '\u0000unknown-user', password);
    if (!entry || !matches) return undefined;
    return { subject: entry.subject ?? username, name: entry.name ?? username };
  };
}
