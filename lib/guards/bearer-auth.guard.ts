import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { toVerificationError } from '../errors/error-policy.js';
import { McpAuthConfigurationError } from '../errors/mcp-auth-configuration-error.js';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { setCurrentAccessToken } from '../context/auth-storage.js';
import { toRequestAuth } from '../context/request-auth.js';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  OAuthError,
  TemporarilyUnavailableError,
} from '../errors/oauth-error.js';
import { attachToRequest, nodeRequestOf, setResponseHeader } from './http-platform.js';
import { OAuthHttpException } from './oauth-http-exception.js';
import { stepUpChallenge } from '../events/step-up-challenge.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { AccessToken } from '../interfaces/oauth-models.js';
import type { TokenVerifier } from '../interfaces/token-verifier.interface.js';
import {
  MCP_AUTH_CONFIG,
  MCP_AUTH_TOKEN_VERIFIER,
  NOT_MCP_ENDPOINT_METADATA,
  PUBLIC_ROUTE_METADATA,
  REQUEST_AUTH_PROPERTY,
  REQUIRED_SCOPES_METADATA,
} from '../mcp-auth.constants.js';
import { BearerHeaderMemo } from './bearer-header-memo.js';
import { DpopResourceCheck, DpopResourceError } from './dpop-check.js';
import { readMcpRequestBody } from './mcp-request-body.js';
import { assertMcpHeadersMatchBody, hasMcpStandardHeaders } from './mcp-standard-headers.js';
import { AudienceMatcher } from '../rules/resource-indicators.js';
import { mergeScopes } from '../rules/scope-rules.js';
import { ToolScopeRegistry } from '../services/tool-scope-registry.js';

/** `Retry-After` (seconds) sent with a 503 when the verifier gave none. */
export const DEFAULT_VERIFIER_RETRY_AFTER_SECONDS = 5;

const AUTHORIZATION = 'authorization';

/** Why a guard could not be built: the module that uses it does not see `McpAuthModule`, and what to do. */
export const MODULE_NOT_VISIBLE =
  'BearerAuthGuard is used in a module that does not see McpAuthModule. Import McpAuthModule.forRoot() or ' +
  'forRootAsync() once, in the root module (it is global by default). If it is registered with isGlobal: false, ' +
  'export it from the module that imports it (exports: [McpAuthModule]) and import that module where the guard ' +
  'is used, or drop isGlobal: false.';

/**
 * Bearer-token guard of the MCP endpoint (RFC 6750, RFC 9728 §5.1, MCP
 * authorization spec). Use it per controller or handler with
 * `@UseGuards(BearerAuthGuard)`, or for the whole app as `APP_GUARD`
 * (`@Public()` routes are skipped).
 *
 * - no credentials: 401 with `WWW-Authenticate: Bearer resource_metadata=…, scope=…` and no `error` (S1),
 *   plus a `DPoP algs=…` challenge while DPoP is on
 * - `Authorization: DPoP` with a proof; a DPoP-bound token as Bearer or with another key's proof:
 *   401 with a `DPoP` challenge (RFC 9449 §7, S69; see `DpopResourceCheck`)
 * - malformed header, unknown, expired or foreign-audience token: 401 `invalid_token` (S2–S4)
 * - token in the query string only: treated as absent; in the header and the query or form body: 400 `invalid_request` (S6)
 * - missing scopes (module `requiredScopes` ∪ class and handler `@RequireScopes` ∪ scopes of every
 *   tool a JSON-RPC `tools/call` names): 403 `insufficient_scope` naming all of them (S7)
 * - while any tool declares scopes, a POST whose body cannot be read as JSON exactly as the MCP
 *   transport will read it (wrong or malformed `Content-Type`, unparsable, nested deeper than
 *   `jsonMaxDepth`, consumed elsewhere): 4xx `invalid_request` before any handler runs (S51, S58);
 *   routes marked `@NotMcpEndpoint()` are exempt
 * - `Mcp-Method` / `Mcp-Name` headers that do not match the JSON-RPC body: 400 `invalid_request` (S66)
 * - verifier outage (`TemporarilyUnavailableError`) or any verifier exception: 503
 *   `temporarily_unavailable` with `Retry-After` (fail closed; the exception is logged by name only)
 *
 * On success the `Authorization` header is removed from the request (S8), the
 * verified identity is attached as `req.auth` (its `token` non-enumerable) and
 * published to AsyncLocalStorage for `getAccessToken()` / `AuthContext` (in the
 * per-request slot opened by `AuthContextMiddleware`, which `McpAuthModule`
 * mounts on every route).
 *
 * Depends on singletons only, so it works as a global guard. Subclass and
 * override the protected hooks to customise.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  protected readonly logger = new Logger('BearerAuthGuard');
  private static warnedNoHolder = false;
  private readonly audience: AudienceMatcher;
  private readonly routeMetadataCache = new WeakMap<object, WeakMap<object, RouteMetadata>>();
  private lastRoute: { type: object; handler: object; metadata: RouteMetadata } | undefined;
  private readonly bearerHeaders = new BearerHeaderMemo();
  private readonly dpop: DpopResourceCheck;

  /**
   * The configuration, verifier and tool-scope registry come from `McpAuthModule`. They are optional
   * for Nest only, so that a guard used where the module is not visible fails at startup with a
   * message that says what to do, instead of Nest's unresolved-dependency message.
   */
  constructor(
    protected readonly reflector: Reflector,
    @Optional() @Inject(MCP_AUTH_CONFIG) protected readonly config: McpAuthConfig,
    @Optional() @Inject(MCP_AUTH_TOKEN_VERIFIER) protected readonly verifier: TokenVerifier,
    @Optional() protected readonly toolScopes: ToolScopeRegistry,
  ) {
    if (!config || !verifier || !toolScopes) throw new McpAuthConfigurationError(MODULE_NOT_VISIBLE);
    this.audience = new AudienceMatcher(config.resource);
    this.dpop = new DpopResourceCheck(config, () => this.nowSeconds());
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    if (this.isPublic(context)) return true;
    const request = context.getArgByIndex<Request>(0);
    const response = context.getArgByIndex<Response>(1);
    let scopes = this.requiredScopes(context, request);
    try {
      const dpopToken = this.dpop.token(request);
      const token = dpopToken ?? this.extractToken(request);
      if (token === undefined) throw new MissingCredentialsError();
      const accessToken = await this.verify(token, request);
      await this.dpop.check(request, token, accessToken, dpopToken !== undefined);
      if (!this.routeMetadata(context).notMcpEndpoint && this.mustReadBody(request)) {
        await this.readBody(request);
        scopes = this.requiredScopes(context, request);
      }
      try {
        this.checkScopes(accessToken, scopes);
      } catch (error) {
        if (error instanceof InsufficientScopeError) await this.reportInsufficientScope(accessToken, scopes);
        throw error;
      }
      this.attach(request, accessToken);
      return true;
    } catch (error) {
      throw new OAuthHttpException(this.challenge(response, toVerificationError(error), scopes, request));
    }
  }

  /** True when the handler or its class carries `@Public()`. */
  protected isPublic(context: ExecutionContext): boolean {
    return this.routeMetadata(context).isPublic;
  }

  /**
   * Every scope the request needs: module `requiredScopes` ∪ class ∪ handler `@RequireScopes` ∪
   * called tools' scopes, minimal under the scope hierarchy (a scope implied by another required
   * one is left out, S64): this is what a 403 challenge names.
   */
  protected requiredScopes(context: ExecutionContext, request: Request): string[] {
    const route = this.routeMetadata(context);
    const toolScopes = this.toolScopes.scopesForJsonRpcBodyShared(request.body);
    if (toolScopes.length === 0) return route.scopes;
    if (!Object.isFrozen(toolScopes)) return this.config.scopeHierarchy.minimal(mergeScopes(route.scopes, toolScopes));
    let scopes = route.withToolScopes.get(toolScopes);
    if (scopes === undefined) {
      scopes = Object.freeze(this.config.scopeHierarchy.minimal(mergeScopes(route.scopes, toolScopes))) as string[];
      route.withToolScopes.set(toolScopes, scopes);
    }
    return scopes;
  }

  /**
   * True when the guard must read the JSON-RPC body before deciding (S51, S66): a
   * POST while any tool declares scopes, or a request carrying `Mcp-Method` / `Mcp-Name`.
   * Kept to a method check and two header lookups: it runs on every request.
   */
  protected mustReadBody(request: Request): boolean {
    return request.method === 'POST' && (this.toolScopes.hasToolScopes || hasMcpStandardHeaders(request));
  }

  /**
   * Reads the JSON-RPC body the way the MCP transport will (S51, S58; fails closed
   * with 4xx when it cannot) and checks `Mcp-Method` / `Mcp-Name` against it (S66).
   * Afterwards `request.body` is what the tool scopes are decided on and what runs.
   */
  protected async readBody(request: Request): Promise<void> {
    const body = await readMcpRequestBody(request, {
      limitBytes: this.config.mcpBodyLimitBytes,
      maxDepth: this.config.jsonMaxDepth,
    });
    assertMcpHeadersMatchBody(request, body);
  }

  /**
   * `@Public()` and the static scopes (module ∪ class ∪ handler) of a route,
   * read once per class and handler: decorator metadata does not change after
   * bootstrap, and the guard runs on every request.
   */
  private routeMetadata(context: ExecutionContext): RouteMetadata {
    const type = context.getClass();
    const handler = context.getHandler();
    const last = this.lastRoute;
    if (last !== undefined && last.handler === handler && last.type === type) return last.metadata;
    let byHandler = this.routeMetadataCache.get(type);
    if (!byHandler) this.routeMetadataCache.set(type, (byHandler = new WeakMap()));
    let metadata = byHandler.get(handler);
    if (!metadata) {
      metadata = {
        isPublic: Boolean(
          this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE_METADATA, [handler, type]),
        ),
        notMcpEndpoint: Boolean(
          this.reflector.getAllAndOverride<boolean | undefined>(NOT_MCP_ENDPOINT_METADATA, [handler, type]),
        ),
        scopes: Object.freeze(
          this.config.scopeHierarchy.minimal(
            mergeScopes(
              this.config.requiredScopes,
              this.reflector.get<string[] | undefined>(REQUIRED_SCOPES_METADATA, type),
              this.reflector.get<string[] | undefined>(REQUIRED_SCOPES_METADATA, handler),
            ),
          ),
        ) as string[],
        withToolScopes: new WeakMap(),
      };
      byHandler.set(handler, metadata);
    }
    this.lastRoute = { type, handler, metadata };
    return metadata;
  }

  /**
   * The bearer token from the `Authorization` header (RFC 6750 §2.1); `undefined` when absent.
   * A token only in the query string is ignored (S6); one in the header and the query or form
   * body is `invalid_request` (RFC 6750 §2: at most one method).
   */
  protected extractToken(request: Request): string | undefined {
    const token = this.bearerHeaders.token(request.headers.authorization);
    if (token === undefined) return undefined;
    if (hasQueryAccessToken(request) || hasFormAccessToken(request)) {
      throw new InvalidRequestError('The access token must be sent in exactly one way: the Authorization header');
    }
    if (token === null) throw new InvalidTokenError('The Authorization header is not a valid Bearer credential');
    return token;
  }

  /** Verifies the token and checks expiry (S3) and audience (S4). Throws an `OAuthError`. */
  protected async verify(token: string, _request: Request): Promise<AccessToken> {
    const accessToken = await this.verifier.verifyToken(token);
    if (!accessToken) throw new InvalidTokenError('The access token is invalid');
    if (
      accessToken.expiresAt !== undefined &&
      this.nowSeconds() > accessToken.expiresAt + this.config.clockSkewSeconds
    ) {
      throw new InvalidTokenError('The access token has expired');
    }
    if (!this.audience.matches(accessToken.resource)) {
      throw new InvalidTokenError('The access token is not intended for this resource');
    }
    return accessToken;
  }

  /**
   * Throws `InsufficientScopeError` naming every required scope when any is missing (S7); a
   * broader granted scope satisfies the narrower ones it implies (`scopeHierarchy`, S64).
   */
  protected checkScopes(accessToken: AccessToken, requiredScopes: string[]): void {
    if (!this.config.scopeHierarchy.hasAll(accessToken.scopes, requiredScopes)) {
      throw stepUpChallenge(this.config.onEvent, accessToken, requiredScopes);
    }
  }

  /**
   * Tells the verifier, when it listens, that a token lacked scope (S63: the
   * built-in server then asks refresh-first clients to re-authorize). A
   * failure is logged by name and leaves the 403 as it is.
   */
  private async reportInsufficientScope(accessToken: AccessToken, requiredScopes: string[]): Promise<void> {
    if (!this.verifier.onInsufficientScope) return;
    try {
      await this.verifier.onInsufficientScope(accessToken, requiredScopes);
    } catch (error) {
      this.logger.warn(`Could not record insufficient_scope for step-up (${errorName(error)})`);
    }
  }

  /** Removes the credentials from the request (S8) and publishes the identity. */
  protected attach(request: Request, accessToken: AccessToken): void {
    const identity = toRequestAuth(accessToken);
    removeAuthorizationHeader(nodeRequestOf(request) as Request);
    scrubRawAuthorization(nodeRequestOf(request).rawHeaders);
    attachToRequest(request, REQUEST_AUTH_PROPERTY, identity);
    if (!this.config.asyncContext) return;
    if (!setCurrentAccessToken(identity, this.config.scopeHierarchy) && !BearerAuthGuard.warnedNoHolder) {
      BearerAuthGuard.warnedNoHolder = true;
      this.logger.warn(
        'No AuthContextMiddleware on this route: getAccessToken() and AuthContext.current() will be empty',
      );
    }
  }

  /**
   * Sets `WWW-Authenticate` (and `Retry-After` for 503) on the response and returns the
   * error to answer with; the guard throws it to Nest as an `OAuthHttpException`,
   * which Nest renders as the `{ error, error_description }` body with the error's status.
   */
  protected challenge(response: Response, error: OAuthError, requiredScopes: string[], _request: Request): OAuthError {
    const scope = requiredScopes.join(' ') || undefined;
    const resourceMetadata = this.config.protectedResourceMetadata.url;
    const realm = this.config.realm;
    if (error.getStatus() === 503) {
      const retryAfter =
        (error as TemporarilyUnavailableError).retryAfterSeconds ?? DEFAULT_VERIFIER_RETRY_AFTER_SECONDS;
      setResponseHeader(response, 'Retry-After', String(retryAfter));
      return error;
    }
    const missing = error instanceof MissingCredentialsError;
    setResponseHeader(
      response,
      'WWW-Authenticate',
      this.dpop.challenges(
        _request,
        error,
        missing
          ? { realm, scope, resourceMetadata }
          : { realm, error: error.error, errorDescription: error.description, scope, resourceMetadata },
        missing,
      ),
    );
    if (error instanceof DpopResourceError && error.nonce !== undefined)
      setResponseHeader(response, 'DPoP-Nonce', error.nonce);
    return error;
  }

  /** Current time in seconds since the epoch (override to inject a clock). */
  protected nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }
}

/** What the guard reads from decorators for one route. */
interface RouteMetadata {
  isPublic: boolean;
  /** `@NotMcpEndpoint()`: no JSON body required on POSTs (S51). */
  notMcpEndpoint: boolean;
  scopes: string[];
  /** `scopes` merged with a registered tool's scope list (keyed by that frozen list), minimal. */
  withToolScopes: WeakMap<readonly string[], string[]>;
}

/** No credentials at all: 401 whose challenge carries no `error` attribute (RFC 6750 §3.1, S1). */
class MissingCredentialsError extends InvalidTokenError {
  constructor() {
    super('Authentication required');
  }
}

function hasQueryAccessToken(request: Request): boolean {
  const url = request.originalUrl ?? request.url ?? '';
  const queryStart = url.indexOf('?');
  return queryStart >= 0 && new URLSearchParams(url.slice(queryStart + 1)).has('access_token');
}

function hasFormAccessToken(request: Request): boolean {
  const body = request.body as unknown;
  return (
    typeof body === 'object' &&
    body !== null &&
    Object.prototype.hasOwnProperty.call(body, 'access_token') &&
    String(request.headers['content-type'] ?? '')
      .toLowerCase()
      .startsWith('application/x-www-form-urlencoded')
  );
}

/**
 * Drops `authorization` from `request.headers` (S8) by giving the request a copy
 * without it: deleting a property would turn the headers object into a slow
 * dictionary for the rest of the request. Falls back to `delete` when the
 * request keeps the old object (a `headers` property that cannot be replaced).
 */
function removeAuthorizationHeader(request: Request): void {
  const headers = request.headers;
  if (!Object.hasOwn(headers, AUTHORIZATION)) return;
  const copy: Request['headers'] = {};
  for (const name in headers) {
    if (name !== AUTHORIZATION && Object.hasOwn(headers, name)) copy[name] = headers[name];
  }
  request.headers = copy;
  if (request.headers.authorization !== undefined) delete request.headers.authorization;
}

/** Removes every `Authorization` name/value pair from `rawHeaders` in place (S8). */
function scrubRawAuthorization(rawHeaders: string[] | undefined): void {
  if (!Array.isArray(rawHeaders)) return;
  let kept = 0;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === AUTHORIZATION.length && name.toLowerCase() === AUTHORIZATION) continue;
    if (kept !== i) {
      rawHeaders[kept] = name;
      rawHeaders[kept + 1] = rawHeaders[i + 1]!;
    }
    kept += 2;
  }
  if (rawHeaders.length % 2 === 1) rawHeaders[kept++] = rawHeaders[rawHeaders.length - 1]!;
  rawHeaders.length = kept;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
