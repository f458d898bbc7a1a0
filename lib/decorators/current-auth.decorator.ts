import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { REQUEST_AUTH_PROPERTY } from '../mcp-auth.constants.js';

/**
 * Handler parameter decorator: the verified {@link AccessToken} of the request
 * (`undefined` on a public route). `@CurrentAuth('clientId')` picks one field.
 */
export const CurrentAuth = createParamDecorator((field: string | undefined, context: ExecutionContext) => {
  const auth = context.switchToHttp().getRequest()?.[REQUEST_AUTH_PROPERTY];
  return field && auth ? auth[field] : auth;
});
