import type { Request, Response } from 'express';

/** The signed-in resource owner. */
export interface AuthenticatedUser {
  /** Stable user id; becomes the access token's `sub`. */
  subject: string;
  /** Display name shown on the consent page. */
  name?: string;
}

/**
 * The application's own login, called on the consent page. Return the user,
 * `{ redirectTo }` to send the browser to your login page (bring it back to
 * `req.originalUrl` afterwards), or `undefined` when nobody is signed in. If
 * the hook already answered (`res.headersSent`), nothing else is sent.
 * On Fastify, `req` is the `FastifyRequest` and `res` an Express-like
 * response written on the reply (see `lib/http/fastify/express-response-facade.ts`).
 */
export type AuthenticateHook = (
  req: Request,
  res: Response,
) => Promise<AuthenticatedUser | { redirectTo: string } | undefined>;

/** Checks a username and password for the built-in login; `undefined` when wrong. */
export type PasswordCheck = (username: string, password: string) => Promise<AuthenticatedUser | undefined>;

/** A fixed user list for demos: username → password (and optional subject/name). */
export type StaticUsers = Record<string, { password: string; subject?: string; name?: string }>;
