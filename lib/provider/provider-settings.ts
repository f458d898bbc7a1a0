import type { ResolvedPageOptions } from '../interfaces/page-options.interface.js';
import type { ScopeHierarchy } from '../rules/scope-rules.js';

/** Where the provider lives, learned from the module configuration in `DefaultOAuthProvider.initialize`. */
export interface ProviderSettings {
  issuer: string;
  resource: string;
  clockSkewSeconds: number;
  consentUrl: string;
  consentPath: string;
  loginUrl: string;
  loginPath: string;
  /** Path of the session cookie: the issuer's path. */
  cookiePath: string;
  /** `Secure` cookies when the issuer is https. */
  secureCookies: boolean;
  /** The module's scope hierarchy (S64): refresh down-scoping and the consent page use it. */
  scopeHierarchy: ScopeHierarchy;
  /** Path of the consent page's "Not you? Switch account" POST. */
  switchAccountPath: string;
  /** Server name, branding and scope sentences of the built-in pages. */
  pages: ResolvedPageOptions;
}
