export { UpstreamLogin, defaultUpstreamUserMapper } from './upstream-login.js';
export type * from './upstream-login.options.js';
export type * from './upstream-provider.config.js';
export {
  githubUpstream,
  googleUpstream,
  entraUpstream,
  githubProfile,
  GITHUB_USER_URL,
  type UpstreamPresetOptions,
  type EntraUpstreamOptions,
} from './upstream-presets.js';
export { TokenSealer } from './token-sealer.js';
