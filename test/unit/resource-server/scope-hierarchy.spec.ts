import { describe, expect, it } from 'vitest';
import { AuthContext } from '../../../lib/context/auth-context.js';
import { runWithAuthHolder } from '../../../lib/context/auth-storage.js';
import { toRequestAuth } from '../../../lib/context/request-auth.js';
import { RequireScopes } from '../../../lib/decorators/require-scopes.decorator.js';
import type { OAuthAuthorizationServerProvider } from '../../../lib/interfaces/oauth-provider.interface.js';
import { REQUEST_AUTH_PROPERTY } from '../../../lib/mcp-auth.constants.js';
import { renderConsentPage } from '../../../lib/interaction/consent-page.js';
import { filterToolsByScopes } from '../../../lib/rules/filter-tools-by-scopes.js';
import { McpAuthConfigurationError, resolveMcpAuthConfig } from '../../../lib/services/mcp-auth-config.factory.js';
import {
  ScopeHierarchy,
  type ScopeHierarchyDeclaration,
  resolveRefreshScopes,
} from '../../../lib/rules/scope-rules.js';
import type { InteractionRecord } from '../../../lib/stores/oauth-store.interface.js';

const SUPPORTED = ['notes:read', 'notes:write', 'notes', 'files:read', 'admin'];
const DECLARATION = { notes: ['notes:read', 'notes:write'], admin: ['*'] };

function hierarchy(declaration: ScopeHierarchyDeclaration = DECLARATION, supported = SUPPORTED): ScopeHierarchy {
  const built = ScopeHierarchy.build(declaration, supported);
  if (!(built instanceof ScopeHierarchy)) throw new Error(built.problem);
  return built;
}

const token = (scopes: string[]) =>
  toRequestAuth({ token: 'raw', clientId: 'c', subject: 's', scopes, resource: 'https://h/mcp' });

describe('S64 ScopeHierarchy', () => {
  it('S64 a broad scope satisfies the scopes it implies, and only those', () => {
    const scopes = hierarchy();
    expect(scopes.hasAll(['notes'], ['notes:read', 'notes:write'])).toBe(true);
    expect(scopes.missing(['notes:read', 'files:read'], ['notes'])).toEqual(['files:read']);
    expect(scopes.hasAll(['notes:read'], ['notes'])).toBe(false);
    expect(ScopeHierarchy.flat.hasAll(['notes'], ['notes:read'])).toBe(false);
  });

  it("S64 '*' means every supported scope; implication is transitive", () => {
    const scopes = hierarchy({ notes: ['notes:read', 'notes:write'], files: ['files:read', 'notes'], admin: ['*'] }, [
      ...SUPPORTED,
      'files',
    ]);
    expect(scopes.hasAll(['admin'], [...SUPPORTED, 'files'])).toBe(true);
    expect(scopes.hasAll(['files'], ['notes:write'])).toBe(true);
    expect(scopes.impliedScopes('files')).toEqual(['notes:read', 'notes:write', 'notes', 'files:read']);
    expect(scopes.impliedScopes('notes:read')).toEqual([]);
  });

  it('S64 minimal drops a required scope that another required scope implies', () => {
    expect(hierarchy().minimal(['notes:read', 'notes', 'files:read'])).toEqual(['notes', 'files:read']);
    expect(hierarchy().minimal(['notes:read', 'notes:write'])).toEqual(['notes:read', 'notes:write']);
    expect(ScopeHierarchy.flat.minimal(['notes:read', 'notes'])).toEqual(['notes:read', 'notes']);
  });

  it('S64 refresh down-scoping: notes:read from a notes grant is allowed, a scope outside it is not', () => {
    expect(resolveRefreshScopes(['notes'], 'notes:read', hierarchy())).toEqual(['notes:read']);
    expect(() => resolveRefreshScopes(['notes'], 'files:read', hierarchy())).toThrowError(
      expect.objectContaining({ error: 'invalid_scope' }),
    );
    expect(() => resolveRefreshScopes(['notes'], 'notes:read')).toThrowError(
      expect.objectContaining({ error: 'invalid_scope' }),
    );
  });
});

describe('S64 scopeHierarchy option is validated at boot', () => {
  const provider = { loadAccessToken: async () => undefined } as unknown as OAuthAuthorizationServerProvider;
  const base = { resourceServerUrl: 'https://mcp.example.com/mcp', issuerUrl: 'https://as.example', provider };
  const boot = (scopeHierarchy: unknown, scopesSupported: string[] | undefined = SUPPORTED) =>
    resolveMcpAuthConfig({ ...base, scopesSupported, scopeHierarchy: scopeHierarchy as ScopeHierarchyDeclaration });

  it('S64 accepts a valid hierarchy and precomputes it into the configuration', () => {
    const config = boot(DECLARATION);
    expect(config.scopeHierarchy.hasAll(['notes'], ['notes:write'])).toBe(true);
    expect(boot(undefined).scopeHierarchy).toBe(ScopeHierarchy.flat);
  });

  it.each([
    [{ notes: ['notes:delete'] }, 'scopeHierarchy "notes" implies "notes:delete", which is not in scopesSupported'],
    [{ everything: ['notes'] }, 'scopeHierarchy "everything" is not in scopesSupported'],
    [{ notes: ['notes:read'], 'notes:read': ['notes'] }, 'scopeHierarchy has a cycle: notes → notes:read → notes'],
    [{ notes: ['notes'] }, 'scopeHierarchy has a cycle: notes → notes'],
    [{ notes: [] }, `scopeHierarchy "notes" must list the scopes it implies (or '*')`],
    [{ notes: 'notes:read' }, `scopeHierarchy "notes" must list the scopes it implies (or '*')`],
    [{ notes: ['admin'], admin: ['*'] }, `scopeHierarchy "notes" implies "admin", which implies every scope ('*')`],
    [['notes'], 'scopeHierarchy must be an object'],
  ])('S64 refuses %j with a plain message', (declaration, message) => {
    expect(() => boot(declaration)).toThrow(McpAuthConfigurationError);
    expect(() => boot(declaration)).toThrow(message);
  });

  it('S64 refuses a hierarchy without scopesSupported (names cannot be checked)', () => {
    expect(() => boot(DECLARATION, [])).toThrow('scopeHierarchy needs scopesSupported');
  });
});

describe('S64 the hierarchy in AuthContext, @RequireScopes, tools/list filtering and the consent page', () => {
  class Tools {
    @RequireScopes('notes:write')
    write(): string {
      return 'written';
    }
  }

  it('S64 AuthContext.hasScope accounts for the injected hierarchy and for the one of the async context', () => {
    const request = { [REQUEST_AUTH_PROPERTY]: token(['notes']) };
    const injected = new AuthContext(request, { scopeHierarchy: hierarchy() });
    expect(injected.hasScope('notes:read', 'notes:write')).toBe(true);
    expect(injected.hasScope('files:read')).toBe(false);
    expect(() => injected.requireScopes('notes:write')).not.toThrow();
    expect(new AuthContext(request).hasScope('notes:read')).toBe(false);
    const fromStorage = runWithAuthHolder(() => AuthContext.current().hasScope('notes:write'), {
      accessToken: token(['notes']),
      scopeHierarchy: hierarchy(),
    });
    expect(fromStorage).toBe(true);
  });

  it('S64 @RequireScopes at call time accepts a broad scope of the module hierarchy', () => {
    const tools = new Tools();
    expect(runWithAuthHolder(() => tools.write(), { accessToken: token(['notes']), scopeHierarchy: hierarchy() })).toBe(
      'written',
    );
    expect(() => runWithAuthHolder(() => tools.write(), { accessToken: token(['notes']) })).toThrowError(
      expect.objectContaining({ error: 'insufficient_scope', requiredScopes: ['notes:write'] }),
    );
  });

  it('S64 filterToolsByScopes keeps tools a broad scope covers', () => {
    const registry = { scopesFor: (name: string) => ({ add: ['notes:write'], files: ['files:read'] })[name] ?? [] };
    const tools = [{ name: 'add' }, { name: 'files' }, { name: 'open' }];
    expect(filterToolsByScopes(tools, ['notes'], registry, hierarchy()).map((t) => t.name)).toEqual(['add', 'open']);
    expect(filterToolsByScopes(tools, ['notes'], registry).map((t) => t.name)).toEqual(['open']);
  });

  it('S64 the consent page shows what a broad scope includes', () => {
    const interaction = {
      clientId: 'c',
      clientName: 'Notes app',
      redirectUri: 'https://app.example/cb',
      clientRedirectUris: ['https://app.example/cb'],
      scopes: ['notes', 'files:read'],
      csrfToken: 'csrf',
    } as unknown as InteractionRecord;
    const html = renderConsentPage({
      interactionId: 'i',
      interaction,
      formAction: '/consent',
      userName: 'alice',
      csrfToken: 'csrf',
      scopeHierarchy: hierarchy(),
    });
    expect(html).toContain(
      '<li><code>notes</code> <span class="includes">(includes <code>notes:read</code>, <code>notes:write</code>)</span></li>',
    );
    expect(html).toContain('<li><code>files:read</code></li>');
  });
});
