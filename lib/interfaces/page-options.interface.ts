/**
 * How the built-in pages present the server: its name on every page and
 * optional branding, validated at boot (`resourceName`, `branding` options).
 */
export interface PageAppearance {
  /** The server's name: `resourceName`, or the issuer's host. */
  serverName: string;
  /** An https logo URL; its origin alone is added to the CSP `img-src`. */
  logoUrl?: string;
  /** A CSS hex colour (`#rgb` or `#rrggbb`) for buttons and the header. */
  primaryColor?: string;
}

/** Optional look of the built-in login, consent and error pages. */
export interface PageBrandingOptions {
  /** Absolute https URL of a logo shown above every page; only its origin is added to the CSP `img-src`. */
  logoUrl?: string;
  /** CSS hex colour (`#rgb` or `#rrggbb`) of the primary button and the header line. */
  primaryColor?: string;
}

/** What the built-in pages show about the server, after validation. */
export interface ResolvedPageOptions {
  appearance: PageAppearance;
  /** One sentence per scope, shown with the raw scope name on the consent page. */
  scopeDescriptions: Readonly<Record<string, string>>;
}
