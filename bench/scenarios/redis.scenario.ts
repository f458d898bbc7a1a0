import { benchRedisUnavailableReason } from '../servers/redis-bench-store.js';
import { storeScenario } from './store.scenario.js';

/** The refresh grant on `RedisOAuthStore` beside the memory store; skipped without Redis. */
export const redisScenario = storeScenario({
  id: 'redis',
  variant: 'redis',
  label: 'Redis',
  unavailableReason: benchRedisUnavailableReason,
  notes: [
    'Redis on REDIS_URL (default 127.0.0.1:6379), one ioredis client, a key prefix of its own (deleted afterwards).',
    'Each refresh makes several store round trips (client, refresh-token lookup, grant, the rotation Lua script).',
  ],
});
