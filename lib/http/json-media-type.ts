/**
 * A strict reading of a `Content-Type` header for JSON request bodies
 * (RFC 9110 §8.3.1 `media-type = type "/" subtype parameters`), used where the
 * guard must read a body exactly as the MCP transport will (S51).
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PARAMETER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)=([!#$%&'*+.^_`|~0-9A-Za-z-]+|"(?:[\t !#-[\]-~]|\\[\t !-~])*")$/;
const OPTIONAL_WHITESPACE = /^[ \t]+|[ \t]+$/g;

/** Why a `Content-Type` is not a JSON body the guard can read. */
export type JsonContentTypeProblem = 'missing' | 'not-json' | 'malformed' | 'charset';

/**
 * `undefined` when `header` is exactly `application/json` (any case), with
 * optional well-formed parameters of which `charset`, when present, is
 * `utf-8`; otherwise what is wrong. Only HTTP whitespace (SP, HTAB) is
 * trimmed; anything else around the type (a no-break space, control
 * characters, a trailing `;`) makes the header malformed. `application/*+json`
 * is refused: the MCP transport accepts only `application/json`.
 */
export function jsonContentTypeProblem(header: string | string[] | undefined): JsonContentTypeProblem | undefined {
  if (header === 'application/json') return undefined;
  if (header === undefined) return 'missing';
  if (typeof header !== 'string') return 'malformed';
  const [mediaType = '', ...parameters] = header.split(';');
  const essence = mediaType.replace(OPTIONAL_WHITESPACE, '');
  const slash = essence.indexOf('/');
  if (essence === '') return 'missing';
  if (slash <= 0 || !TOKEN.test(essence.slice(0, slash)) || !TOKEN.test(essence.slice(slash + 1))) return 'malformed';
  if (essence.toLowerCase() !== 'application/json') return 'not-json';
  for (const raw of parameters) {
    const match = PARAMETER.exec(raw.replace(OPTIONAL_WHITESPACE, ''));
    if (!match) return 'malformed';
    if (match[1]!.toLowerCase() === 'charset' && unquote(match[2]!).toLowerCase() !== 'utf-8') return 'charset';
  }
  return undefined;
}

function unquote(value: string): string {
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}
