import { describe, expect, it } from 'vitest';
import { quoteHeaderValue, renderBasicChallenge, renderBearerChallenge } from '../../lib/errors/www-authenticate.js';

describe('WWW-Authenticate rendering', () => {
  it('S10 escapes quotes and backslashes in every value', () => {
    const header = renderBearerChallenge({
      error: 'invalid_token',
      errorDescription: 'bad "token" \\ here',
      resourceMetadata: 'https://host/.well-known/oauth-protected-resource/mcp',
    });
    expect(header).toBe(
      'Bearer error="invalid_token", error_description="bad \\"token\\" \\\\ here", resource_metadata="https://host/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('S10 strips control characters so a value cannot split the header', () => {
    expect(quoteHeaderValue('a\r\nb')).toBe('"a  b"');
  });

  it('S1 renders no error attribute when none is given', () => {
    expect(renderBearerChallenge({ resourceMetadata: 'https://h/x', scope: 'a b' })).toBe(
      'Bearer scope="a b", resource_metadata="https://h/x"',
    );
    expect(renderBearerChallenge({})).toBe('Bearer');
  });

  it('renders a Basic challenge with a quoted realm', () => {
    expect(renderBasicChallenge()).toBe('Basic realm="oauth", charset="UTF-8"');
  });
});
