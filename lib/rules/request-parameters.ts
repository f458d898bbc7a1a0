import { InvalidRequestError } from '../errors/oauth-error.js';

/** Result of reading one OAuth parameter from a parsed query or form body. */
export interface ParameterReading {
  /** The value; `undefined` when absent or empty (RFC 6749 §3.1: empty means omitted). */
  value?: string;
  /** True when the parameter was repeated or is not a plain string (`a[b]=c`), S35. */
  invalid: boolean;
}

/**
 * Reads one parameter from a query or urlencoded body parsed by Express
 * (`qs` or `querystring`): repeated keys arrive as arrays and bracketed keys as
 * objects; both are refused (RFC 6749 §3.1: parameters MUST NOT be included
 * more than once, S35).
 */
export function inspectParameter(source: unknown, name: string): ParameterReading {
  if (!source || typeof source !== 'object' || !Object.hasOwn(source, name)) return { invalid: false };
  const raw = (source as Record<string, unknown>)[name];
  if (raw === undefined || raw === '') return { invalid: false };
  if (typeof raw !== 'string') return { invalid: true };
  return { value: raw, invalid: false };
}

/** Reads one parameter, throwing `invalid_request` when it is repeated or malformed (S35). */
export function readParameter(source: unknown, name: string): string | undefined {
  const reading = inspectParameter(source, name);
  if (reading.invalid) throw new InvalidRequestError(`The ${name} parameter is repeated or malformed`);
  return reading.value;
}

/** Reads several parameters at once; the first repeated or malformed one throws `invalid_request` (S35). */
export function readParameters<K extends string>(source: unknown, names: readonly K[]): Partial<Record<K, string>> {
  const values: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = readParameter(source, name);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** The names among `names` that are repeated or malformed in `source`. */
export function invalidParameters(source: unknown, names: readonly string[]): string[] {
  return names.filter((name) => inspectParameter(source, name).invalid);
}
