export { RedisOAuthStore, type RedisOAuthStoreOptions } from './redis-oauth-store.js';
export { RedisKeys, DEFAULT_REDIS_KEY_PREFIX, type GrantKeys } from './redis-keys.js';
export {
  REDIS_FAIL_FAST_OPTIONS,
  DEFAULT_REDIS_OPERATION_TIMEOUT_MS,
  REDIS_UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './redis-availability.js';
export { RedisThrottlerStorage, type RedisThrottlerStorageOptions } from './redis-throttler-storage.js';
