import { Inject, Injectable } from '@nestjs/common';
import type { EndpointRequest } from '../http/endpoint-request.js';
import { decodeJwt } from 'jose';
import { InvalidClientError, InvalidRequestError } from '../errors/oauth-error.js';
import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation, TokenEndpointAuthMethod } from '../interfaces/oauth-models.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '../rules/client-assertion-verifier.js';
import { SUPPORTED_CLIENT_AUTH_METHODS } from '../rules/client-authentication-methods.js';
import { OAuthClientResolver } from './client-resolver.service.js';
import { OAUTH_CLOCK, type Clock, epochSeconds } from '../rules/clock.js';
import { readParameter } from '../rules/request-parameters.js';
import { PrivateKeyJwtAuthentication } from './private-key-jwt-authentication.js';
import { constantTimeEquals } from '../rules/secure-values.js';

/** Client credentials as presented on one request. */
export interface PresentedClientCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  clientSecret?: string;
  /** The JWT of `private_key_jwt` (RFC 7523 §2.2). */
  clientAssertion?: string;
}

/**
 * One way a client authenticates (RFC 6749 §2.3, RFC 7523 §2.2): checks the
 * credentials presented for `client`, whose registered method it is.
 */
export interface ClientAuthenticationMethod {
  readonly name: TokenEndpointAuthMethod;
  /** @throws InvalidClientError when the credentials do not authenticate the client */
  verify(presented: PresentedClientCredentials, client: OAuthClientInformation): Promise<void>;
}

/** Decodes one `application/x-www-form-urlencoded` value (RFC 6749 §2.3.1, Appendix B). */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClientError('Malformed HTTP Basic credentials', true);
  }
}

/**
 * Reads the client credentials of a request (RFC 6749 §2.3.1, RFC 7521 §4.2):
 * HTTP Basic with form-url-decoded id and secret, `client_id`/`client_secret`
 * in the body, or a `client_assertion` of type jwt-bearer (RFC 7523 §2.2).
 * Using two methods at once is `invalid_request`.
 */
export function readClientCredentials(req: EndpointRequest): PresentedClientCredentials {
  const header = req.headers.authorization;
  const bodyId = readParameter(req.body, 'client_id');
  const bodySecret = readParameter(req.body, 'client_secret');
  const assertionType = readParameter(req.body, 'client_assertion_type');
  const assertion = readParameter(req.body, 'client_assertion');
  const basic = typeof header === 'string' ? /^basic +(.*)$/i.exec(header.trim()) : null;
  if (assertionType !== undefined || assertion !== undefined) {
    if (basic || bodySecret !== undefined)
      throw new InvalidRequestError('Use one client authentication method, not two');
    return readAssertionCredentials(bodyId, assertionType, assertion);
  }
  if (basic) {
    if (bodySecret !== undefined) throw new InvalidRequestError('Use one client authentication method, not two');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (!/^[A-Za-z0-9+/]+=*$/.test(basic[1]!) || colon < 1) {
      throw new InvalidClientError('Malformed HTTP Basic credentials', true);
    }
    const clientId = formDecode(decoded.slice(0, colon));
    if (bodyId !== undefined && bodyId !== clientId) {
      throw new InvalidRequestError('client_id in the body differs from the HTTP Basic credentials');
    }
    return { method: 'client_secret_basic', clientId, clientSecret: formDecode(decoded.slice(colon + 1)) };
  }
  if (bodyId === undefined) throw new InvalidClientError('Client authentication is required');
  if (bodySecret !== undefined) return { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret };
  return { method: 'none', clientId: bodyId };
}

/**
 * `client_assertion` + `client_assertion_type` (RFC 7521 §4.2): both or neither;
 * only the jwt-bearer type (RFC 7523 §2.2). `client_id` is optional: without it
 * the client is the assertion's (not yet verified) `sub`, which verification then binds.
 */
function readAssertionCredentials(
  bodyId: string | undefined,
  assertionType: string | undefined,
  assertion: string | undefined,
): PresentedClientCredentials {
  if (assertionType === undefined || assertion === undefined) {
    throw new InvalidRequestError('client_assertion and client_assertion_type must be sent together');
  }
  if (assertionType !== JWT_BEARER_CLIENT_ASSERTION_TYPE) {
    throw new InvalidClientError('Client authentication failed: unsupported client_assertion_type');
  }
  let clientId = bodyId;
  if (clientId === undefined) {
    let subject: unknown;
    try {
      subject = decodeJwt(assertion).sub;
    } catch {
      throw new InvalidClientError('Client authentication failed: the client assertion is not a JWT');
    }
    if (typeof subject !== 'string' || subject === '') {
      throw new InvalidClientError('Client authentication failed: the client assertion has no sub');
    }
    clientId = subject;
  }
  return { method: 'private_key_jwt', clientId, clientAssertion: assertion };
}

/**
 * Authenticates the client of a token, revocation or introspection request
 * (RFC 6749 §2.3, RFC 7523 §2.2, S37, S65) in one place: the presented method must
 * be the registered one, then that method's check runs. Secrets are compared in
 * constant time (by the provider when it implements `verifyClientSecret`) and an
 * expired secret is refused; `private_key_jwt` assertions are verified against the
 * client's keys with replay protection.
 */
@Injectable()
export class ClientAuthenticator {
  private methodTable?: ReadonlyMap<TokenEndpointAuthMethod, ClientAuthenticationMethod>;

  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    private readonly clients: OAuthClientResolver,
    @Inject(OAUTH_CLOCK) private readonly clock: Clock,
  ) {}

  /** The enabled methods by name, built on first use (the configuration is read in authorization-server mode only). */
  private get methods(): ReadonlyMap<TokenEndpointAuthMethod, ClientAuthenticationMethod> {
    this.methodTable ??= this.buildMethods();
    return this.methodTable;
  }

  private buildMethods(): ReadonlyMap<TokenEndpointAuthMethod, ClientAuthenticationMethod> {
    const privateKeyJwt = new PrivateKeyJwtAuthentication(this.config, this.clock);
    const secret = (name: TokenEndpointAuthMethod): ClientAuthenticationMethod => ({
      name,
      verify: (presented, client) => this.verifySecret(presented, client),
    });
    const methods: ClientAuthenticationMethod[] = [
      { name: 'none', verify: async () => undefined },
      secret('client_secret_basic'),
      secret('client_secret_post'),
    ];
    if (privateKeyJwt.enabled) {
      methods.push({
        name: 'private_key_jwt',
        verify: (presented, client) => privateKeyJwt.verify(presented.clientAssertion!, client),
      });
    }
    return new Map(methods.map((method) => [method.name, method]));
  }

  /** The methods this server accepts, in metadata order (RFC 8414 §2). */
  get supportedMethods(): TokenEndpointAuthMethod[] {
    return SUPPORTED_CLIENT_AUTH_METHODS.filter((name) => this.methods.has(name));
  }

  /** The authenticated client, or an `InvalidClientError` / `InvalidRequestError`. */
  async authenticate(req: EndpointRequest): Promise<OAuthClientInformation> {
    const presented = readClientCredentials(req);
    const usedBasic = presented.method === 'client_secret_basic';
    const client = await this.clients.resolve(presented.clientId);
    if (!client) throw new InvalidClientError('Client authentication failed', usedBasic);
    const registered = client.tokenEndpointAuthMethod ?? 'client_secret_basic';
    const method = this.methods.get(presented.method);
    if (registered !== presented.method || !method) {
      throw new InvalidClientError('Client authentication failed: unexpected authentication method', usedBasic);
    }
    await method.verify(presented, client);
    return client;
  }

  private async verifySecret(presented: PresentedClientCredentials, client: OAuthClientInformation): Promise<void> {
    const usedBasic = presented.method === 'client_secret_basic';
    if (!(await this.secretMatches(client, presented.clientSecret!))) {
      throw new InvalidClientError('Client authentication failed', usedBasic);
    }
    const expiresAt = client.clientSecretExpiresAt ?? 0;
    if (expiresAt !== 0 && expiresAt <= epochSeconds(this.clock)) {
      throw new InvalidClientError('The client secret has expired', usedBasic);
    }
  }

  private async secretMatches(client: OAuthClientInformation, presented: string): Promise<boolean> {
    const provider = this.config.provider;
    if (provider.verifyClientSecret) return (await provider.verifyClientSecret(client, presented)) === true;
    if (typeof client.clientSecret !== 'string') return false;
    return constantTimeEquals(presented, client.clientSecret);
  }
}
