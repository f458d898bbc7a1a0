import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE_METADATA } from '../mcp-auth.constants.js';

/**
 * Marks a controller or handler as public: {@link BearerAuthGuard} lets it
 * through without a token (for example health checks when the guard is global).
 */
export const PublicRoute = Reflector.createDecorator<boolean>({ key: PUBLIC_ROUTE_METADATA });

/** `@Public()`: opt a controller or handler out of {@link BearerAuthGuard}. */
export const Public = (): ClassDecorator & MethodDecorator => PublicRoute(true);
