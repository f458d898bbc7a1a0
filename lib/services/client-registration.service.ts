import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ClientRegistrationDto } from '../dto/client-registration.dto.js';
import { InvalidClientMetadataError, InvalidRedirectUriError } from '../errors/oauth-error.js';
import type {
  ClientRegistrationRequestContext,
  ClientRegistrationMetadata,
} from '../interfaces/client-registration-policy.interface.js';
import type { AuthorizationServerConfig } from '../interfaces/mcp-auth-config.interface.js';
import type { OAuthClientInformation, TokenEndpointAuthMethod } from '../interfaces/oauth-models.js';
import { clientJwksProblem, copyClientJwks } from '../rules/client-public-keys.js';
import { AUTHORIZATION_SERVER_CONFIG } from '../mcp-auth.constants.js';
import { OAUTH_CLOCK, type Clock, epochSeconds } from '../rules/clock.js';
import { registrationSizeProblem } from '../rules/input-limits.js';
import { redirectUriRegistrationProblem } from '../rules/redirect-uri-rules.js';
import { parseScope } from '../rules/scope-rules.js';
import { CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_GRANT_TYPE } from '../rules/grant-types.js';

/**
 * Dynamic client registration (RFC 7591 §3): validates the metadata (S39),
 * asks the configured registration policy (allow, refuse, adjust), applies
 * defaults, generates the client id (≥ 128 random bits, never an https URL)
 * and, for confidential clients, a 256-bit secret.
 */
@Injectable()
export class ClientRegistrationService {
  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    @Inject(OAUTH_CLOCK) private readonly clock: Clock,
  ) {}

  /** Registers a client; returns its information with the plain secret (shown once). */
  async register(
    body: unknown,
    context: ClientRegistrationRequestContext = { headers: {} },
  ): Promise<OAuthClientInformation> {
    const metadata = await this.applyPolicy(await this.validate(body), context);
    const now = epochSeconds(this.clock);
    const authMethod = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
    const grantTypes = metadata.grant_types ?? ['authorization_code', 'refresh_token'];
    const redirectless = !grantTypes.includes('authorization_code') && grantTypes.some(isRedirectlessGrant);
    const responseTypes = metadata.response_types ?? (redirectless ? [] : ['code']);
    this.assertGrantTypesAllowed(grantTypes, authMethod);
    if (grantTypes.includes('authorization_code') !== responseTypes.includes('code')) {
      throw new InvalidClientMetadataError('grant_types authorization_code and response_types code go together');
    }
    const client: OAuthClientInformation = {
      clientId: randomBytes(18).toString('base64url'),
      clientIdIssuedAt: now,
      redirectUris: [...((metadata.redirect_uris as string[] | undefined) ?? [])],
      tokenEndpointAuthMethod: authMethod,
      grantTypes: [...new Set(grantTypes)],
      responseTypes: [...new Set(responseTypes)],
      scope: this.registeredScope(metadata.scope),
      clientName: metadata.client_name,
      clientUri: metadata.client_uri,
      logoUri: metadata.logo_uri,
      contacts: metadata.contacts,
      tosUri: metadata.tos_uri,
      policyUri: metadata.policy_uri,
      jwksUri: metadata.jwks_uri,
      jwks: metadata.jwks === undefined ? undefined : copyClientJwks(metadata.jwks),
      tokenEndpointAuthSigningAlg: metadata.token_endpoint_auth_signing_alg,
      softwareId: metadata.software_id,
      softwareVersion: metadata.software_version,
      applicationType: metadata.application_type ?? 'web',
    };
    this.assertKeyMetadata(metadata, authMethod);
    if (authMethod !== 'none' && authMethod !== 'private_key_jwt') {
      client.clientSecret = randomBytes(32).toString('base64url');
      const expiry = this.config.clientRegistration.clientSecretExpirySeconds;
      client.clientSecretExpiresAt = expiry ? now + expiry : 0;
    }
    for (const key of Object.keys(client) as (keyof OAuthClientInformation)[]) {
      if (client[key] === undefined) delete client[key];
    }
    await this.config.provider.registerClient({ ...client }, { dynamic: true });
    return client;
  }

  /** The registration policy's decision; adjusted metadata goes through {@link validate} again. */
  private async applyPolicy(
    metadata: ClientRegistrationDto,
    context: ClientRegistrationRequestContext,
  ): Promise<ClientRegistrationDto> {
    const policy = this.config.clientRegistration.policy;
    if (!policy) return metadata;
    const plain = JSON.parse(JSON.stringify(metadata)) as ClientRegistrationMetadata;
    const decision = await policy(Object.freeze(plain), context);
    switch (decision?.action) {
      case 'allow':
        return metadata;
      case 'refuse':
        throw new InvalidClientMetadataError(refusalDescription(decision.reason));
      case 'adjust':
        return this.validate(decision.metadata);
      default:
        throw new Error('clientRegistration.policy returned no decision (allow, refuse or adjust)');
    }
  }

  private async validate(body: unknown): Promise<ClientRegistrationDto> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidClientMetadataError('The request body must be a JSON object');
    }
    const tooLarge = registrationSizeProblem(body, this.config.inputLimits);
    if (tooLarge) throw new InvalidClientMetadataError(`Invalid client metadata: ${tooLarge}`);
    const dto = plainToInstance(ClientRegistrationDto, body, { excludeExtraneousValues: true });
    const errors = await validate(dto, { forbidUnknownValues: false });
    if (errors.length) {
      throw new InvalidClientMetadataError(`Invalid client metadata: ${errors.map((e) => e.property).join(', ')}`);
    }
    const applicationType = dto.application_type ?? 'web';
    for (const uri of dto.redirect_uris ?? []) {
      const problem = redirectUriRegistrationProblem(uri, applicationType);
      if (problem) throw new InvalidRedirectUriError(problem);
    }
    return dto;
  }

  /**
   * Grant types without a user redirect (S67, S68): `client_credentials` only when the
   * application allows it at `/register` (`clientCredentials.allowDynamicRegistration`),
   * the jwt-bearer grant only when enterprise-managed authorization is configured; both
   * only for confidential clients (a secret or `private_key_jwt`).
   */
  private assertGrantTypesAllowed(grantTypes: string[], authMethod: TokenEndpointAuthMethod): void {
    const machine = grantTypes.includes(CLIENT_CREDENTIALS_GRANT_TYPE);
    const jwtBearer = grantTypes.includes(JWT_BEARER_GRANT_TYPE);
    if (machine && !this.config.clientCredentials?.allowDynamicRegistration) {
      throw new InvalidClientMetadataError('grant_types client_credentials is not open to dynamic registration');
    }
    if (jwtBearer && !this.config.enterpriseManagedAuthorization) {
      throw new InvalidClientMetadataError(`grant_types ${JWT_BEARER_GRANT_TYPE} is not supported`);
    }
    if ((machine || jwtBearer) && authMethod === 'none') {
      throw new InvalidClientMetadataError('client_credentials and jwt-bearer grants need a confidential client');
    }
  }

  /**
   * Key metadata (RFC 7591 §2, RFC 7523 §2.2, S65): `jwks` and `jwks_uri` never both;
   * inline keys are asymmetric public keys only; `private_key_jwt` needs one of them
   * (an https `jwks_uri`) and an accepted `token_endpoint_auth_signing_alg`.
   */
  private assertKeyMetadata(metadata: ClientRegistrationDto, authMethod: TokenEndpointAuthMethod): void {
    if (metadata.jwks !== undefined && metadata.jwks_uri !== undefined) {
      throw new InvalidClientMetadataError('jwks and jwks_uri must not both be present');
    }
    if (metadata.jwks !== undefined) {
      const problem = clientJwksProblem(metadata.jwks);
      if (problem) throw new InvalidClientMetadataError(problem);
    }
    const settings = this.config.privateKeyJwt;
    const alg = metadata.token_endpoint_auth_signing_alg;
    if (alg !== undefined && !settings?.signingAlgorithms.includes(alg)) {
      throw new InvalidClientMetadataError(`token_endpoint_auth_signing_alg ${alg} is not supported`);
    }
    if (authMethod !== 'private_key_jwt') return;
    if (!settings) throw new InvalidClientMetadataError('token_endpoint_auth_method private_key_jwt is not supported');
    if (metadata.jwks === undefined && metadata.jwks_uri === undefined) {
      throw new InvalidClientMetadataError('private_key_jwt needs jwks or jwks_uri');
    }
    if (metadata.jwks_uri !== undefined && !metadata.jwks_uri.startsWith('https://')) {
      throw new InvalidClientMetadataError('jwks_uri must be an https URL');
    }
  }

  private registeredScope(requested: string | undefined): string | undefined {
    const scopes = parseScope(requested);
    if (scopes === undefined) throw new InvalidClientMetadataError('The scope is malformed');
    const registration = this.config.clientRegistration;
    const valid = registration.validScopes ?? this.config.scopesSupported;
    if (valid.length) {
      const unknown = scopes.filter((scope) => !valid.includes(scope));
      if (unknown.length) throw new InvalidClientMetadataError(`Scope not allowed: ${unknown.join(' ')}`);
    }
    if (scopes.length) return scopes.join(' ');
    const defaults = registration.defaultScopes ?? this.config.defaultScopes;
    return defaults.length ? defaults.join(' ') : undefined;
  }
}

/** A grant type that never sends the user agent to a redirect URI (S67, S68). */
function isRedirectlessGrant(grantType: string): boolean {
  return grantType === CLIENT_CREDENTIALS_GRANT_TYPE || grantType === JWT_BEARER_GRANT_TYPE;
}

/** A policy's reason as an `error_description` (RFC 6749 §5.2 character set, bounded length). */
function refusalDescription(reason: unknown): string {
  const text = typeof reason === 'string' ? reason.replace(/[^\x21\x23-\x5b\x5d-\x7e]+/g, ' ').trim() : '';
  return text ? text.slice(0, 300) : 'The registration was refused';
}

/** The RFC 7591 §3.2.1 client information response (snake_case). */
export function renderClientInformation(client: OAuthClientInformation): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    client_id_issued_at: client.clientIdIssuedAt,
    client_secret_expires_at: client.clientSecret !== undefined ? (client.clientSecretExpiresAt ?? 0) : undefined,
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    scope: client.scope,
    client_name: client.clientName,
    client_uri: client.clientUri,
    logo_uri: client.logoUri,
    contacts: client.contacts,
    tos_uri: client.tosUri,
    policy_uri: client.policyUri,
    jwks_uri: client.jwksUri,
    jwks: client.jwks,
    token_endpoint_auth_signing_alg: client.tokenEndpointAuthSigningAlg,
    software_id: client.softwareId,
    software_version: client.softwareVersion,
    application_type: client.applicationType,
  };
  return Object.fromEntries(Object.entries(wire).filter(([, value]) => value !== undefined));
}
