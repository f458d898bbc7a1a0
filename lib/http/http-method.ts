import type { Request, Response } from 'express';
import { MethodNotAllowedError } from '../errors/http-status-errors.js';

/**
 * Answers a CORS preflight with 204, and refuses any method outside `allowed`
 * with 405 and `Allow` (RFC 9110 §15.5.6, S28). Returns true when the
 * preflight was answered.
 */
export function answerPreflightOrRefuseMethod(req: Request, res: Response, allowed: readonly string[]): boolean {
  if (req.method === 'OPTIONS') {
    res
      .set('Allow', [...allowed, 'OPTIONS'].join(', '))
      .status(204)
      .end();
    return true;
  }
  if (!allowed.includes(req.method)) {
    res.set('Allow', [...allowed, 'OPTIONS'].join(', '));
    throw new MethodNotAllowedError();
  }
  return false;
}
