import type { Response } from 'express';
import type { FastifyReply } from 'fastify';

/**
 * The part of an Express `Response` the interactive pages use (and an
 * application's `authenticate` hook may use), written on a Fastify reply.
 * On Fastify, page endpoints and the `authenticate` hook of
 * `DefaultOAuthProvider` receive the `FastifyRequest` (it has `body`, `query`,
 * `headers`, `originalUrl`) and this facade as `res`.
 */
export interface PageResponse {
  readonly headersSent: boolean;
  status(code: number): this;
  set(field: string | Record<string, string>, value?: string | string[]): this;
  header(field: string | Record<string, string>, value?: string | string[]): this;
  append(field: string, value: string | string[]): this;
  setHeader(field: string, value: string | number | readonly string[]): this;
  getHeader(field: string): string | number | string[] | undefined;
  type(contentType: string): this;
  send(body?: string | Buffer): this;
  json(body: unknown): this;
  redirect(statusOrUrl: number | string, url?: string): void;
  end(): this;
}

const SHORT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};

/** An Express-like {@link PageResponse} over `reply`, typed as the Express `Response` the pages take. */
export function expressResponseFacade(reply: FastifyReply): Response {
  let statusCode = 200;
  const facade: PageResponse = {
    get headersSent() {
      return reply.sent || reply.raw.headersSent;
    },
    status(code) {
      statusCode = code;
      return this;
    },
    set(field, value) {
      if (typeof field === 'string') return this.setHeader(field, value ?? '');
      for (const [name, headerValue] of Object.entries(field)) this.setHeader(name, headerValue);
      return this;
    },
    header(field, value) {
      return this.set(field, value);
    },
    append(field, value) {
      const previous = reply.getHeader(field);
      const added = Array.isArray(value) ? value : [value];
      if (field.toLowerCase() === 'set-cookie') {
        for (const cookie of added) reply.header(field, cookie);
        return this;
      }
      const before = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
      reply.header(field, [...before, ...added]);
      return this;
    },
    setHeader(field, value) {
      reply.removeHeader(field);
      reply.header(field, typeof value === 'number' ? String(value) : value);
      return this;
    },
    getHeader(field) {
      return reply.getHeader(field);
    },
    type(contentType) {
      return this.setHeader('Content-Type', SHORT_TYPES[contentType] ?? contentType);
    },
    send(body) {
      if (typeof body === 'string' && reply.getHeader('content-type') === undefined) this.type('html');
      void reply.code(statusCode).send(body);
      return this;
    },
    json(body) {
      this.type('json');
      void reply.code(statusCode).send(JSON.stringify(body));
      return this;
    },
    redirect(statusOrUrl, url) {
      const status = typeof statusOrUrl === 'number' ? statusOrUrl : 302;
      void reply.redirect(typeof statusOrUrl === 'number' ? url! : statusOrUrl, status);
    },
    end() {
      void reply.code(statusCode).send();
      return this;
    },
  };
  return facade as unknown as Response;
}
