/**
 * A tiny browser stand-in for end-to-end OAuth tests: keeps cookies, follows
 * redirects one hop at a time (so a test can stop at the client's redirect
 * URI, where nothing listens), and reads `<form>`s from the HTML pages it gets
 * so a test can fill in and submit them like a user would.
 *
 * Network: meant for loopback servers only. No JavaScript, no subresources.
 */

/** One response the user agent received. */
export interface UserAgentResponse {
  /** The URL that was requested. */
  url: string;
  status: number;
  headers: Headers;
  /** The body as text ('' for redirects). */
  body: string;
  /** Absolute `Location` of a redirect, resolved against `url`. */
  location?: string;
}

/** A parsed HTML form. */
export interface HtmlForm {
  /** Upper-case method (`GET` or `POST`). */
  method: string;
  /** Absolute action URL. */
  action: string;
  /** Named `<input>` fields with their values (checkboxes and radios only when checked). */
  fields: Record<string, string>;
  /** Named submit buttons. */
  buttons: Array<{ name: string; value: string; label: string }>;
}

/** Options of {@link HtmlUserAgent.follow}. */
export interface FollowOptions {
  /** Stop before requesting a URL for which this returns true (e.g. the client's redirect URI). */
  stopAt?: (url: string) => boolean;
  /** Most redirects to follow. @default 10 */
  maxRedirects?: number;
}

/** The result of following redirects. */
export interface FollowResult {
  /** The last response received. */
  response: UserAgentResponse;
  /** Every response on the way, in order. */
  chain: UserAgentResponse[];
  /** Set when stopped by `stopAt`: the URL not requested. */
  stoppedAt?: string;
}

interface StoredCookie {
  value: string;
  path: string;
  expiresAtMs?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A cookie-keeping user agent that follows redirects manually and parses forms. */
export class HtmlUserAgent {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();

  /** One request, no redirect following. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<UserAgentResponse> {
    const headers: Record<string, string> = { Accept: 'text/html', ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.Cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.storeCookies(url, res.headers);
    const text = await res.text();
    const location = res.headers.get('location');
    return {
      url,
      status: res.status,
      headers: res.headers,
      body: text,
      location: location === null ? undefined : new URL(location, url).toString(),
    };
  }

  /** GET `url` and follow redirects (see {@link follow}). */
  async open(url: string, options: FollowOptions = {}): Promise<FollowResult> {
    return this.follow(await this.request(url), options);
  }

  /** Fills in `form` (its fields overridden by `values`), submits it with `button`, and follows redirects. */
  async submit(
    form: HtmlForm,
    values: Record<string, string> = {},
    button?: { name: string; value: string },
    options: FollowOptions = {},
  ): Promise<FollowResult> {
    const data: Record<string, string> = { ...form.fields, ...values };
    if (button) data[button.name] = button.value;
    if (form.method === 'GET') {
      const target = new URL(form.action);
      for (const [name, value] of Object.entries(data)) target.searchParams.set(name, value);
      return this.open(target.toString(), options);
    }
    return this.follow(await this.request(form.action, { method: 'POST', form: data }), options);
  }

  /** Follows `Location` from `first` one hop at a time (303, and 301/302 after POST, become GET). */
  async follow(first: UserAgentResponse, options: FollowOptions = {}): Promise<FollowResult> {
    const chain = [first];
    let response = first;
    const maxRedirects = options.maxRedirects ?? 10;
    for (let hop = 0; REDIRECT_STATUSES.has(response.status) && response.location; hop++) {
      if (hop >= maxRedirects) throw new Error(`More than ${maxRedirects} redirects`);
      if (options.stopAt?.(response.location)) return { response, chain, stoppedAt: response.location };
      response = await this.request(response.location);
      chain.push(response);
    }
    return { response, chain };
  }

  /** The cookie value this agent would send to `url` for `name`. */
  cookie(url: string, name: string): string | undefined {
    return this.matchingCookies(url).find(([cookieName]) => cookieName === name)?.[1];
  }

  private cookieHeader(url: string): string {
    return this.matchingCookies(url)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  private matchingCookies(url: string): Array<[string, string]> {
    const target = new URL(url);
    const cookies = this.jar.get(target.host);
    if (!cookies) return [];
    const now = Date.now();
    return [...cookies.entries()]
      .filter(([, c]) => (c.expiresAtMs === undefined || c.expiresAtMs > now) && pathMatches(target.pathname, c.path))
      .map(([name, c]) => [name, c.value]);
  }

  private storeCookies(url: string, headers: Headers): void {
    const target = new URL(url);
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator);
      const cookie: StoredCookie = { value: pair.slice(separator + 1), path: defaultPath(target.pathname) };
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.split('=');
        const value = rest.join('=');
        if (key.toLowerCase() === 'path' && value.startsWith('/')) cookie.path = value;
        if (key.toLowerCase() === 'max-age') cookie.expiresAtMs = Date.now() + Number(value) * 1000;
      }
      const cookies = this.jar.get(target.host) ?? new Map<string, StoredCookie>();
      if (cookie.expiresAtMs !== undefined && cookie.expiresAtMs <= Date.now()) cookies.delete(name);
      else cookies.set(name, cookie);
      this.jar.set(target.host, cookies);
    }
  }
}

/** Every `<form>` of `html`, with actions resolved against `pageUrl`. */
export function parseForms(html: string, pageUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = parseAttributes(match[1]);
    const form: HtmlForm = {
      method: (attributes.method ?? 'GET').toUpperCase(),
      action: new URL(attributes.action ?? pageUrl, pageUrl).toString(),
      fields: {},
      buttons: [],
    };
    for (const input of match[2].matchAll(/<input\b([^>]*)>/gi)) {
      const field = parseAttributes(input[1]);
      const type = (field.type ?? 'text').toLowerCase();
      if (!field.name || ((type === 'checkbox' || type === 'radio') && !('checked' in field))) continue;
      if (type === 'submit') {
        form.buttons.push({ name: field.name, value: field.value ?? '', label: field.value ?? '' });
        continue;
      }
      form.fields[field.name] = field.value ?? (type === 'checkbox' ? 'on' : '');
    }
    for (const button of match[2].matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
      const attrs = parseAttributes(button[1]);
      if (!attrs.name || (attrs.type ?? 'submit').toLowerCase() !== 'submit') continue;
      form.buttons.push({ name: attrs.name, value: attrs.value ?? '', label: decodeEntities(button[2].trim()) });
    }
    forms.push(form);
  }
  return forms;
}

/** The single form of a page whose fields include `fieldName`; throws when there is not exactly one. */
export function formWithField(page: UserAgentResponse, fieldName: string): HtmlForm {
  const forms = parseForms(page.body, page.url).filter(
    (form) => fieldName in form.fields || form.buttons.some((b) => b.name === fieldName),
  );
  if (forms.length !== 1) {
    throw new Error(
      `Expected one form with "${fieldName}" on ${page.url} (status ${page.status}), found ${forms.length}`,
    );
  }
  return forms[0];
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    attributes[match[1].toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1].toLowerCase() === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function defaultPath(requestPath: string): string {
  const lastSlash = requestPath.lastIndexOf('/');
  return lastSlash <= 0 ? '/' : requestPath.slice(0, lastSlash);
}
