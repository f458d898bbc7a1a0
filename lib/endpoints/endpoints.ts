import type { Provider, Type } from '@nestjs/common';
import { AuthorizationServerMetadataEndpoint } from './authorization-server-metadata.endpoint.js';
import { AuthorizationEndpoint } from './authorization.endpoint.js';
import type { Endpoint } from './endpoint.js';
import { EndpointPipeline } from './endpoint-pipeline.js';
import type { McpAuthConfig } from '../interfaces/mcp-auth-config.interface.js';
import { MCP_AUTH_CONFIG } from '../mcp-auth.constants.js';
import { buildRouteTable, type RouteTable } from './route-table.js';
import {
  ConsentPageEndpoint,
  LoginPageEndpoint,
  SwitchAccountEndpoint,
  UpstreamCallbackEndpoint,
  UpstreamStartEndpoint,
} from './interaction.endpoints.js';
import { IntrospectionEndpoint } from './introspection.endpoint.js';
import { JwksEndpoint } from './jwks.endpoint.js';
import { ProtectedResourceMetadataEndpoint } from './protected-resource-metadata.endpoint.js';
import { RegistrationEndpoint } from './registration.endpoint.js';
import { RevocationEndpoint } from './revocation.endpoint.js';
import { TokenEndpoint } from './token.endpoint.js';

/**
 * Every endpoint the library can serve, in one list. Each declares where it is
 * served in the configured mode; those that have no path there are not mounted
 * (a resource server only mounts its protected-resource metadata).
 */
const ENDPOINT_TYPES: Array<Type<Endpoint>> = [
  ProtectedResourceMetadataEndpoint,
  AuthorizationServerMetadataEndpoint,
  AuthorizationEndpoint,
  TokenEndpoint,
  RegistrationEndpoint,
  RevocationEndpoint,
  IntrospectionEndpoint,
  JwksEndpoint,
  LoginPageEndpoint,
  SwitchAccountEndpoint,
  ConsentPageEndpoint,
  UpstreamStartEndpoint,
  UpstreamCallbackEndpoint,
];

/** Injection token of the list of endpoint instances. */
export const MCP_AUTH_ENDPOINTS = Symbol('MCP_AUTH_ENDPOINTS');

/** Injection token of the {@link RouteTable} of the configured mode (built once, at boot). */
export const MCP_AUTH_ROUTE_TABLE = Symbol('MCP_AUTH_ROUTE_TABLE');

/** Providers of the endpoints, their pipeline, the list of them and the route table the mounter reads. */
export const ENDPOINT_PROVIDERS: Provider[] = [
  ...ENDPOINT_TYPES,
  EndpointPipeline,
  { provide: MCP_AUTH_ENDPOINTS, inject: ENDPOINT_TYPES, useFactory: (...endpoints: Endpoint[]) => endpoints },
  {
    provide: MCP_AUTH_ROUTE_TABLE,
    inject: [MCP_AUTH_ENDPOINTS, MCP_AUTH_CONFIG],
    useFactory: (endpoints: Endpoint[], config: McpAuthConfig): RouteTable => buildRouteTable(endpoints, config),
  },
];
