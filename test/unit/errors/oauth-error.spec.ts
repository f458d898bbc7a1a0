import { HttpException, Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { toOAuthError, toVerificationError } from '../../../lib/errors/error-policy.js';
import { StorageUnavailableError } from '../../../lib/errors/storage-errors.js';
import { OAuthHttpException } from '../../../lib/guards/oauth-http-exception.js';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  OAuthError,
  ServerError,
  TemporarilyUnavailableError,
} from '../../../lib/index.js';

describe('OAuthError: a framework-free error with an HTTP status', () => {
  it('is a plain Error, not a Nest HttpException, and keeps getStatus() and toJSON()', () => {
    const error = new InvalidTokenError();
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).not.toBeInstanceOf(HttpException);
    expect(error.getStatus()).toBe(401);
    expect(error.status).toBe(401);
    expect(error.name).toBe('OAuthError');
    expect(error.toJSON()).toEqual({ error: 'invalid_token' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ error: 'invalid_token' });
  });

  it('renders description and error_uri in the RFC 6749 §5.2 body, and the description as its message', () => {
    const error = new OAuthError('invalid_scope', 'Unknown scope', 400, 'https://docs.example/scopes');
    expect(error.toJSON()).toEqual({
      error: 'invalid_scope',
      error_description: 'Unknown scope',
      error_uri: 'https://docs.example/scopes',
    });
    expect(error.message).toBe('Unknown scope');
    expect(new InsufficientScopeError(['a']).getStatus()).toBe(403);
  });
});

describe("the guard's boundary exception", () => {
  it('is a Nest HttpException whose response is the OAuth body, status the error status, cause the OAuthError', () => {
    const error = new InsufficientScopeError(['notes:write']);
    const exception = new OAuthHttpException(error);
    expect(exception).toBeInstanceOf(HttpException);
    expect(exception.getStatus()).toBe(403);
    expect(exception.getResponse()).toEqual({
      error: 'insufficient_scope',
      error_description: 'The access token lacks a required scope',
    });
    expect(exception.cause).toBe(error);
    expect(exception.oauthError).toBe(error);
  });

  it('the error policy maps it back to its OAuthError (code and status kept, not a generic invalid_request)', () => {
    const error = new InsufficientScopeError(['notes:write']);
    expect(toOAuthError(new OAuthHttpException(error))).toBe(error);
    expect(toOAuthError(new HttpException('x', 404)).error).toBe('invalid_request');
  });
});

describe('toVerificationError: what the guard answers for a failure while verifying (fail closed)', () => {
  it('keeps client errors and 503s, maps a store outage to 503 with its Retry-After, anything else to 503', () => {
    const invalid = new InvalidRequestError('two tokens');
    expect(toVerificationError(invalid)).toBe(invalid);
    const busy = new TemporarilyUnavailableError(undefined, 7);
    expect(toVerificationError(busy)).toBe(busy);
    const outage = toVerificationError(new StorageUnavailableError('down', 11));
    expect(outage).toBeInstanceOf(TemporarilyUnavailableError);
    expect((outage as TemporarilyUnavailableError).retryAfterSeconds).toBe(11);
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      for (const failure of [new Error('verifier said: secret-token'), new ServerError('upstream'), 'thrown string']) {
        const mapped = toVerificationError(failure);
        expect(mapped).toBeInstanceOf(TemporarilyUnavailableError);
        expect(mapped.getStatus()).toBe(503);
        expect(JSON.stringify(mapped.toJSON())).not.toContain('secret-token');
      }
      expect(logged).toHaveBeenCalledTimes(3);
      expect(JSON.stringify(logged.mock.calls)).not.toContain('secret-token');
    } finally {
      logged.mockRestore();
    }
  });
});
