/**
 * What an endpoint handler answers, written to the response by the HTTP
 * adapter in use (Express or Fastify). Handlers never touch a response object.
 */
export type EndpointResult =
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'text';
      readonly status: number;
      readonly contentType: string;
      readonly text: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'redirect';
      readonly status: 302 | 303;
      readonly location: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'empty'; readonly status: number; readonly headers?: Readonly<Record<string, string>> };

/** A JSON body. */
export function jsonResult(status: number, body: unknown, headers?: Record<string, string>): EndpointResult {
  return { kind: 'json', status, body, headers };
}

/** A text body of the given content type (an HTML page, a JWK Set). */
export function textResult(
  status: number,
  contentType: string,
  text: string,
  headers?: Record<string, string>,
): EndpointResult {
  return { kind: 'text', status, contentType, text, headers };
}

/** A redirect: 302 after GET, 303 after POST (OAuth 2.1 §7.5.1). */
export function redirectResult(status: 302 | 303, location: string, headers?: Record<string, string>): EndpointResult {
  return { kind: 'redirect', status, location, headers };
}

/** A response without a body. */
export function emptyResult(status: number, headers?: Record<string, string>): EndpointResult {
  return { kind: 'empty', status, headers };
}

/** The media type of every JSON result. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A text result's media type as it is sent: with `charset=utf-8` unless it names a charset. */
export function withCharset(contentType: string): string {
  return /;\s*charset=/i.test(contentType) ? contentType : `${contentType}; charset=utf-8`;
}
