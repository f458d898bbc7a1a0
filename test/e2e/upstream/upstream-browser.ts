import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

/** One response as the test browser saw it. */
export interface BrowserResponse {
  status: number;
  location?: string;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A minimal cookie-keeping browser for the tests: requests to `appOrigin` go
 * to the Nest app through supertest, every other (loopback) origin through
 * fetch. Cookies are kept per origin (paths ignored); redirects are not followed.
 */
export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(
    private readonly app: INestApplication,
    private readonly appOrigin: string,
  ) {}

  async get(url: string): Promise<BrowserResponse> {
    return this.send('GET', url);
  }

  async postForm(url: string, form: Record<string, string>): Promise<BrowserResponse> {
    return this.send('POST', url, form);
  }

  /** The cookie `name` held for `origin`. */
  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  private async send(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<BrowserResponse> {
    const target = new URL(url);
    const cookieHeader = [...(this.jars.get(target.origin) ?? new Map<string, string>())]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    let response: BrowserResponse;
    if (target.origin === this.appOrigin) {
      const path = `${target.pathname}${target.search}`;
      const req =
        method === 'GET'
          ? request(this.app.getHttpServer()).get(path)
          : request(this.app.getHttpServer()).post(path).type('form').send(form!);
      if (cookieHeader) req.set('Cookie', cookieHeader);
      const res = await req;
      response = { status: res.status, location: res.headers.location, text: res.text, headers: res.headers };
      this.remember(target.origin, ([] as string[]).concat(res.headers['set-cookie'] ?? []));
    } else {
      const res = await fetch(target, {
        method,
        redirect: 'manual',
        headers: {
          ...(cookieHeader && { cookie: cookieHeader }),
          ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      response = {
        status: res.status,
        location: res.headers.get('location') ?? undefined,
        text: await res.text(),
        headers: {},
      };
      this.remember(target.origin, res.headers.getSetCookie());
    }
    if (response.location) response.location = new URL(response.location, target).toString();
    return response;
  }

  private remember(origin: string, setCookies: string[]): void {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
      if (expired || !value) jar.delete(name);
      else jar.set(name, value);
    }
    this.jars.set(origin, jar);
  }
}
