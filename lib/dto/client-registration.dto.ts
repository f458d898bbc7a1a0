import { Expose } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateIf,
} from 'class-validator';

const WEB_URL: Parameters<typeof IsUrl>[0] = {
  protocols: ['https', 'http'],
  require_protocol: true,
  require_tld: false,
};

/**
 * Client metadata of a registration request (RFC 7591 §2), wire names.
 * Fields not listed here are dropped (RFC 7591 §3.2.1: unknown metadata is
 * ignored). Redirect URI contents are checked separately (S39).
 */
export class ClientRegistrationDto {
  /**
   * Array of redirection URIs (RFC 7591 §2). Required unless `grant_types` is given
   * without `authorization_code` (a client that never redirects, S67/S68).
   */
  @Expose()
  @ValidateIf((dto: ClientRegistrationDto) => dto.redirect_uris !== undefined || usesRedirects(dto.grant_types))
  @IsArray()
  @ArrayNotEmpty()
  redirect_uris!: unknown[];

  /** `none`, `client_secret_basic` (the RFC 7591 default), `client_secret_post` or `private_key_jwt` (RFC 7523 §2.2). */
  @Expose()
  @IsOptional()
  @IsIn(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'])
  token_endpoint_auth_method?: 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

  /** The client's public keys by value (RFC 7591 §2); checked separately (public keys only). */
  @Expose() @IsOptional() @IsObject() jwks?: Record<string, unknown>;

  /** The JWS `alg` of the client's assertions (OpenID Connect Registration §2). */
  @Expose() @IsOptional() @IsString() @MaxLength(20) token_endpoint_auth_signing_alg?: string;

  /**
   * Subset of `authorization_code`, `refresh_token`, `client_credentials` (S67, only when
   * `clientCredentials.allowDynamicRegistration`) and the jwt-bearer URN (S68); the last two
   * for confidential clients only.
   */
  @Expose()
  @IsOptional()
  @IsArray()
  @IsIn(['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'], {
    each: true,
  })
  grant_types?: string[];

  /** Only `code`. */
  @Expose() @IsOptional() @IsArray() @IsIn(['code'], { each: true }) response_types?: string[];

  /** Space-separated scopes (RFC 6749 §3.3). */
  @Expose() @IsOptional() @IsString() @MaxLength(2000) scope?: string;

  @Expose() @IsOptional() @IsString() @MaxLength(200) client_name?: string;
  @Expose() @IsOptional() @IsUrl(WEB_URL) client_uri?: string;
  @Expose() @IsOptional() @IsUrl(WEB_URL) logo_uri?: string;
  @Expose() @IsOptional() @IsUrl(WEB_URL) tos_uri?: string;
  @Expose() @IsOptional() @IsUrl(WEB_URL) policy_uri?: string;
  @Expose() @IsOptional() @IsUrl(WEB_URL) jwks_uri?: string;
  @Expose() @IsOptional() @IsArray() @IsString({ each: true }) contacts?: string[];
  @Expose() @IsOptional() @IsString() @MaxLength(200) software_id?: string;
  @Expose() @IsOptional() @IsString() @MaxLength(200) software_version?: string;

  /** `web` (default) or `native` (OpenID Connect Registration §2). */
  @Expose() @IsOptional() @IsIn(['web', 'native']) application_type?: 'web' | 'native';
}

/** Whether a registration with these grant types redirects (needs `redirect_uris`). */
function usesRedirects(grantTypes: unknown): boolean {
  return !Array.isArray(grantTypes) || grantTypes.includes('authorization_code');
}
