import { Logger } from '@nestjs/common';
import type { McpAuthEventInput, McpAuthEvent, McpAuthEventListener } from './mcp-auth-events.js';

const logger = new Logger('McpAuthEvents');

/**
 * Delivers an event to the listener, if any, stamped with `atMs`. Never
 * throws and never waits: a listener's exception or rejected promise is
 * logged by its class only.
 */
export function emitMcpAuthEvent(
  listener: McpAuthEventListener | undefined,
  event: McpAuthEventInput,
  nowMs: number = Date.now(),
): void {
  if (!listener) return;
  try {
    const result = listener({ ...event, atMs: nowMs } as McpAuthEvent);
    if (result && typeof (result as Promise<unknown>).catch === 'function')
      (result as Promise<unknown>).catch((error: unknown) => reportListenerFailure(event.type, error));
  } catch (error) {
    reportListenerFailure(event.type, error);
  }
}

function reportListenerFailure(type: string, error: unknown): void {
  logger.warn(`onEvent listener failed on ${type} (${error instanceof Error ? error.name : typeof error})`);
}
