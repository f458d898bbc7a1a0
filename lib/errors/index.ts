export * from './oauth-error.js';
export * from './www-authenticate.js';
export * from './http-status-errors.js';
