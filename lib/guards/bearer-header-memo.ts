import { parseBearerAuthorizationHeader } from '../rules/bearer-token.js';

/** Slots of the memo (a power of two). */
const SLOTS = 64;
/** Longer header values are parsed every time, so the memo holds at most SLOTS × this many characters. */
const MAX_MEMO_LENGTH = 8192;

/**
 * The token of an `Authorization: Bearer` header value (RFC 6750 §2.1), memoised
 * for the header values seen last. MCP clients send the same header on every
 * request: a hit costs one string comparison instead of the credential syntax
 * check, and it hands back the very string that was parsed the first time, whose
 * hash V8 has already computed, so the verified-token cache looks it up without
 * hashing the token again.
 *
 * A hit needs the exact same header value, so the result is always what
 * {@link parseBearerAuthorizationHeader} returns for it. Direct-mapped (a slot
 * chosen from the length and the last characters, which for a JWT are signature
 * bytes): a collision only costs a re-parse.
 */
export class BearerHeaderMemo {
  private readonly headers: Array<string | undefined> = new Array<string | undefined>(SLOTS).fill(undefined);
  private readonly tokens: string[] = new Array<string>(SLOTS).fill('');

  /**
   * The bearer token of `header`: `undefined` when there is no header,
   * `null` when it is not a single syntactically valid Bearer credential.
   */
  token(header: string | string[] | undefined): string | null | undefined {
    if (typeof header !== 'string' || header.length > MAX_MEMO_LENGTH || header.length < 8) return parse(header);
    const slot = slotOf(header);
    if (this.headers[slot] === header) return this.tokens[slot];
    const token = parse(header);
    if (typeof token === 'string') {
      this.headers[slot] = header;
      this.tokens[slot] = token;
    }
    return token;
  }
}

function parse(header: string | string[] | undefined): string | null | undefined {
  const parsed = parseBearerAuthorizationHeader(header);
  return parsed.kind === 'token' ? parsed.token : parsed.kind === 'absent' ? undefined : null;
}

function slotOf(header: string): number {
  const n = header.length;
  return (
    (n * 31 + header.charCodeAt(n - 1) * 7 + header.charCodeAt(n - 2) * 131 + header.charCodeAt(n - 4) * 17) &
    (SLOTS - 1)
  );
}
