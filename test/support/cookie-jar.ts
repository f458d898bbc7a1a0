/**
 * Merges the `Set-Cookie` headers of a response into a `Cookie` request
 * header (name=value pairs only; a later value replaces an earlier one), so a
 * supertest-driven test can act as one browser across requests.
 */
export function withResponseCookies(cookieHeader: string, setCookie: unknown): string {
  const jar = new Map<string, string>();
  for (const pair of cookieHeader.split(';')) {
    const index = pair.indexOf('=');
    if (index > 0) jar.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
  }
  const lines = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : [];
  for (const line of lines as string[]) {
    const first = line.split(';')[0]!;
    const index = first.indexOf('=');
    if (index > 0) jar.set(first.slice(0, index).trim(), first.slice(index + 1).trim());
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}
