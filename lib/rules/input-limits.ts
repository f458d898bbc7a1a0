import type { InputLimitOptions } from '../interfaces/limit-options.interface.js';

/** UTF-8 size of a string in bytes. */
function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** The byte limit of one authorization parameter (S57). */
function authorizationParameterLimit(name: string, limits: Required<InputLimitOptions>): number {
  if (name === 'state') return limits.stateBytes;
  if (name === 'scope') return limits.scopeBytes;
  if (name === 'resource') return limits.resourceBytes;
  return limits.otherAuthorizationParameterBytes;
}

/**
 * The first authorization-request parameter whose value is longer than its
 * limit (S57), with that limit; `undefined` when every parameter fits.
 * Every parameter is checked, known or not, including repeated values.
 */
export function oversizedAuthorizationParameter(
  params: unknown,
  limits: Required<InputLimitOptions>,
): { name: string; limitBytes: number } | undefined {
  if (!params || typeof params !== 'object') return undefined;
  for (const [name, raw] of Object.entries(params as Record<string, unknown>)) {
    const limitBytes = authorizationParameterLimit(name, limits);
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.some((value) => typeof value === 'string' && byteLength(value) > limitBytes)) {
      return { name, limitBytes };
    }
  }
  return undefined;
}

/**
 * Why a registration document is too large (S57), or `undefined`: the whole
 * JSON, the number of `redirect_uris` and `contacts`, and every string in it
 * (nested ones too) are bounded. Runs before the metadata is transformed, so
 * an oversized document costs no more work than reading it.
 */
export function registrationSizeProblem(body: unknown, limits: Required<InputLimitOptions>): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(body) ?? '';
  } catch {
    return 'the registration document cannot be read';
  }
  if (byteLength(json) > limits.registrationDocumentBytes) {
    return `the registration document is larger than ${limits.registrationDocumentBytes} bytes`;
  }
  const document = body as Record<string, unknown>;
  const counted: [string, number][] = [
    ['redirect_uris', limits.registrationRedirectUris],
    ['contacts', limits.registrationContacts],
  ];
  for (const [name, most] of counted) {
    const value = document[name];
    if (Array.isArray(value) && value.length > most) return `${name} may list at most ${most} entries`;
  }
  const longest = longestString(body);
  if (longest > limits.registrationStringBytes) {
    return `a value of the registration is longer than ${limits.registrationStringBytes} bytes`;
  }
  return undefined;
}

function longestString(value: unknown): number {
  const pending: unknown[] = [value];
  let longest = 0;
  while (pending.length) {
    const next = pending.pop();
    if (typeof next === 'string') longest = Math.max(longest, byteLength(next));
    else if (next && typeof next === 'object') {
      for (const [key, child] of Object.entries(next)) {
        longest = Math.max(longest, byteLength(key));
        pending.push(child);
      }
    }
  }
  return longest;
}
