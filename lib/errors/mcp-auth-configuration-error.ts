/** Thrown at startup for a bad option; the message says what to fix. */
export class McpAuthConfigurationError extends Error {
  constructor(message: string) {
    super(`McpAuthModule: ${message}`);
    this.name = 'McpAuthConfigurationError';
  }
}
