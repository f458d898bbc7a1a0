import { SetMetadata } from '@nestjs/common';
import { NOT_MCP_ENDPOINT_METADATA } from '../mcp-auth.constants.js';

/**
 * `@NotMcpEndpoint()`: this controller or handler never dispatches MCP JSON-RPC,
 * so {@link BearerAuthGuard} still verifies the token and route scopes but does not
 * require a JSON body on POSTs while tools declare scopes (S51), for example an
 * upload or HTML-form route behind a global guard. Never put it on the MCP endpoint:
 * there a body the guard did not read could carry a `tools/call` past its scopes.
 */
export const NotMcpEndpoint = (): ClassDecorator & MethodDecorator => SetMetadata(NOT_MCP_ENDPOINT_METADATA, true);
