/** One HTTP exchange seen by a client's fetch. */
export interface Exchange {
  method: string;
  /** Path and query of the request URL. */
  path: string;
  status: number;
  /** `WWW-Authenticate` of the response, when any. */
  wwwAuthenticate?: string;
  /** Body parameters of form posts (secrets included: test-only). */
  form?: Record<string, string>;
  /** `Authorization` scheme of the request (`Basic`, `Bearer`), when any. */
  authorizationScheme?: string;
  /** The JSON body of a 4xx answer (an OAuth error such as `{ error, error_description }`), when any. */
  errorBody?: Record<string, unknown>;
}

/** A `fetch` wrapper that records every exchange, so a test can assert the order of discovery and token calls. */
export class TrafficLog {
  readonly exchanges: Exchange[] = [];

  /** The recording fetch (pass it to the client under test). */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = init?.body;
    const form =
      typeof body === 'string' && request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(body))
        : body instanceof URLSearchParams
          ? Object.fromEntries(body)
          : undefined;
    const response = await fetch(input, init);
    const url = new URL(request.url);
    const errorBody =
      response.status >= 400 && response.status < 500 && response.headers.get('content-type')?.includes('json')
        ? ((await response
            .clone()
            .json()
            .catch(() => undefined)) as Record<string, unknown> | undefined)
        : undefined;
    this.exchanges.push({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      status: response.status,
      wwwAuthenticate: response.headers.get('www-authenticate') ?? undefined,
      form,
      authorizationScheme: request.headers.get('authorization')?.split(' ')[0],
      errorBody,
    });
    return response;
  };

  /** `METHOD /path status` lines, for readable sequence assertions. */
  lines(): string[] {
    return this.exchanges.map((e) => `${e.method} ${e.path.split('?')[0]} ${e.status}`);
  }

  /** {@link lines} of POST requests only (leaves out metadata fetches and the SSE GET probe). */
  posts(): string[] {
    return this.lines().filter((line) => line.startsWith('POST '));
  }

  /** Exchanges whose path (without query) is `path`. */
  to(path: string): Exchange[] {
    return this.exchanges.filter((e) => e.path.split('?')[0] === path);
  }

  clear(): void {
    this.exchanges.length = 0;
  }
}
