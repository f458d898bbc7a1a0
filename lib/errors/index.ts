export * from './oauth-error.js';
export * from './www-authenticate.js';
