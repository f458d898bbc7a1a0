import type { PageAppearance, PageBrandingOptions, ResolvedPageOptions } from '../interfaces/page-options.interface.js';
import { parseAbsoluteUrl } from '../rules/url-rules.js';

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const MAX_DESCRIPTION_LENGTH = 300;

/**
 * Validates `resourceName`, `scopeDescriptions` and `branding` at boot (fail
 * fast): descriptions only for scopes in `scopesSupported`, a logo only over
 * https, a colour only as a CSS hex colour (so nothing can be injected into
 * the page's style or widen its CSP beyond the logo's origin).
 */
export function resolvePageOptions(
  options: { resourceName?: string; scopeDescriptions?: Record<string, string>; branding?: PageBrandingOptions },
  issuer: string | undefined,
  scopesSupported: readonly string[],
  fail: (message: string) => never,
): ResolvedPageOptions {
  const serverName = options.resourceName?.trim() || (issuer ? new URL(issuer).host : 'this server');
  return {
    appearance: { serverName, ...resolveBranding(options.branding, fail) },
    scopeDescriptions: resolveScopeDescriptions(options.scopeDescriptions, scopesSupported, fail),
  };
}

function resolveScopeDescriptions(
  descriptions: Record<string, string> | undefined,
  scopesSupported: readonly string[],
  fail: (message: string) => never,
): Record<string, string> {
  if (descriptions === undefined) return {};
  if (typeof descriptions !== 'object' || descriptions === null || Array.isArray(descriptions)) {
    fail('`scopeDescriptions` must map scope names to sentences');
  }
  const unknown = Object.keys(descriptions).filter((scope) => !scopesSupported.includes(scope));
  if (unknown.length) {
    fail(`\`scopeDescriptions\` names scopes not in scopesSupported: ${unknown.join(' ')}`);
  }
  for (const [scope, sentence] of Object.entries(descriptions)) {
    if (typeof sentence !== 'string' || !sentence.trim() || sentence.length > MAX_DESCRIPTION_LENGTH) {
      fail(
        `\`scopeDescriptions.${scope}\` must be a non-empty sentence of at most ${MAX_DESCRIPTION_LENGTH} characters`,
      );
    }
  }
  return Object.fromEntries(Object.entries(descriptions).map(([scope, sentence]) => [scope, sentence.trim()]));
}

function resolveBranding(
  branding: PageBrandingOptions | undefined,
  fail: (message: string) => never,
): Omit<PageAppearance, 'serverName'> {
  if (!branding) return {};
  const resolved: Omit<PageAppearance, 'serverName'> = {};
  if (branding.logoUrl !== undefined) {
    const url = parseAbsoluteUrl(branding.logoUrl);
    if (!url || url.protocol !== 'https:' || url.username || url.password) {
      fail('`branding.logoUrl` must be an absolute https URL without credentials');
    }
    resolved.logoUrl = url.href;
  }
  if (branding.primaryColor !== undefined) {
    if (typeof branding.primaryColor !== 'string' || !HEX_COLOR.test(branding.primaryColor)) {
      fail('`branding.primaryColor` must be a CSS hex colour such as #2457d6');
    }
    resolved.primaryColor = branding.primaryColor;
  }
  return resolved;
}
