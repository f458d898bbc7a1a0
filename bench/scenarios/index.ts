import type { Scenario } from '../scenario.js';
import { guardScenario } from './guard.scenario.js';
import { identityScenario } from './identity.scenario.js';
import { memoryScenario } from './memory.scenario.js';
import { peerScenario } from './peer.scenario.js';
import { postgresScenario } from './postgres.scenario.js';
import { redisScenario } from './redis.scenario.js';
import { tokenScenario } from './token.scenario.js';

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: Scenario[] = [
  guardScenario,
  identityScenario,
  peerScenario,
  tokenScenario,
  redisScenario,
  postgresScenario,
  memoryScenario,
];
