import { Inject, Injectable, Optional } from '@nestjs/common';
import { type EndpointResult, jsonResult } from '../http/endpoint-result.js';
import type { AuthorizationServerConfig, McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { AUTHORIZATION_SERVER_CONFIG, WELL_KNOWN } from '../mcp-auth.constants.js';
import {
  AUTHORIZATION_SERVER_METADATA_EXTENSIONS,
  type AuthorizationServerMetadataExtension,
  buildAuthorizationServerMetadata,
} from '../rules/authorization-server-metadata.js';
import { pathWithoutTrailingSlash } from '../rules/url-rules.js';
import type { ProtocolEndpoint } from './endpoint.js';

/**
 * The authorization-server metadata (RFC 8414 §3, S28) at its path-inserted
 * well-known URL and the OpenID Connect Discovery aliases (inserted, and
 * appended to the issuer path as OIDC Discovery §4 spells it).
 */
@Injectable()
export class AuthorizationServerMetadataEndpoint implements ProtocolEndpoint {
  readonly kind = 'protocol';
  readonly name = 'authorization-server-metadata';
  readonly methods = ['GET', 'HEAD'] as const;
  readonly cors = true;
  readonly noStore = false;
  readonly preflight = true;
  readonly errors = 'json';

  constructor(
    @Inject(AUTHORIZATION_SERVER_CONFIG) private readonly config: AuthorizationServerConfig,
    @Optional()
    @Inject(AUTHORIZATION_SERVER_METADATA_EXTENSIONS)
    private readonly extensions: AuthorizationServerMetadataExtension[] = [],
  ) {}

  paths(config: McpAuthConfig): string[] {
    if (config.mode !== 'authorization-server') return [];
    const issuerPath = pathWithoutTrailingSlash(new URL(config.issuer).pathname);
    const appended = issuerPath === '' ? [] : [`${issuerPath}${WELL_KNOWN.openidConfiguration}`];
    return [config.endpoints.metadata.path, config.endpoints.openidConfiguration.path, ...appended];
  }

  handle(): EndpointResult {
    return jsonResult(200, buildAuthorizationServerMetadata(this.config, this.extensions ?? []));
  }
}
