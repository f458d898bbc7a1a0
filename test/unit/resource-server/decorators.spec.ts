import { Controller, Get, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { runWithAuthHolder } from '../../../lib/context/auth-storage.js';
import { AuthContext } from '../../../lib/context/auth-context.js';
import { toRequestAuth } from '../../../lib/context/request-auth.js';
import { Public } from '../../../lib/decorators/public.decorator.js';
import { RequireScopes, RequiredScopes } from '../../../lib/decorators/require-scopes.decorator.js';
import { McpToolName } from '../../../lib/decorators/mcp-tool-name.decorator.js';
import { PUBLIC_ROUTE_METADATA, REQUIRED_SCOPES_METADATA } from '../../../lib/mcp-auth.constants.js';
import { toolNameOfMethod } from '../../../lib/services/tool-name-adapter.js';

const token = (scopes: string[]) =>
  toRequestAuth({ token: 'raw-secret', clientId: 'c', subject: 's', scopes, resource: 'https://h/mcp' });

@RequireScopes('class:a')
@RequireScopes('class:b')
class Tools {
  @RequireScopes('m:1')
  @RequireScopes('m:2', 'm:1')
  @McpToolName('do_it')
  doIt(x: number): number {
    return x * 2;
  }

  @SetMetadata('mcp:tool', { name: 'later' })
  @RequireScopes('m:3')
  async later(): Promise<string> {
    return 'done';
  }
}

@Controller('c')
@RequireScopes('ctl')
class SomeController {
  @Get()
  @RequireScopes('handler')
  handle(): string {
    return 'handled';
  }

  @Public()
  @Get('open')
  open(): string {
    return 'open';
  }
}

describe('@RequireScopes', () => {
  const reflector = new Reflector();

  it('S7 stacks on a class and on a method (union, in order)', () => {
    expect(reflector.get(RequiredScopes, Tools)).toEqual(['class:b', 'class:a']);
    expect(reflector.get(RequiredScopes, Tools.prototype.doIt)).toEqual(['m:2', 'm:1']);
    expect(Reflect.getMetadata(REQUIRED_SCOPES_METADATA, SomeController.prototype.handle)).toEqual(['handler']);
  });

  it('keeps metadata set by decorators applied before or after it on the wrapped method', () => {
    expect(toolNameOfMethod(Tools.prototype.doIt, 'doIt')).toBe('do_it');
    expect(toolNameOfMethod(Tools.prototype.later, 'later')).toBe('later');
    expect(Reflect.getMetadata('path', SomeController.prototype.handle)).toBe('/');
    expect(Tools.prototype.doIt.name).toBe('doIt');
  });

  it('S7 asserts the scopes at call time on a service method (defence in depth)', async () => {
    const tools = new Tools();
    expect(() => tools.doIt(2)).toThrowError(
      expect.objectContaining({ error: 'insufficient_scope', requiredScopes: ['m:2', 'm:1'] }),
    );
    runWithAuthHolder(
      () => expect(() => tools.doIt(2)).toThrowError(expect.objectContaining({ error: 'insufficient_scope' })),
      {
        accessToken: token(['m:1']),
      },
    );
    expect(runWithAuthHolder(() => tools.doIt(2), { accessToken: token(['m:1', 'm:2']) })).toBe(4);
    await expect(tools.later()).rejects.toMatchObject({ error: 'insufficient_scope', requiredScopes: ['m:3'] });
    await expect(runWithAuthHolder(() => tools.later(), { accessToken: token(['m:3']) })).resolves.toBe('done');
  });

  it('leaves controller handlers to the guard (no call-time check there)', () => {
    expect(new SomeController().handle()).toBe('handled');
  });
});

describe('@Public', () => {
  it('sets the public metadata', () => {
    expect(Reflect.getMetadata(PUBLIC_ROUTE_METADATA, SomeController.prototype.open)).toBe(true);
  });
});

describe('AuthContext', () => {
  it('S8 exposes the identity without an enumerable raw token, and checks scopes', () => {
    const context = new AuthContext({ auth: token(['a', 'b']) });
    expect(context.isAuthenticated).toBe(true);
    expect(context.clientId).toBe('c');
    expect(context.subject).toBe('s');
    expect(context.scopes).toEqual(['a', 'b']);
    expect(context.claims).toEqual({});
    expect(context.hasScope('a', 'b')).toBe(true);
    expect(context.hasScope('c')).toBe(false);
    expect(() => context.requireScopes('a', 'c')).toThrowError(
      expect.objectContaining({ error: 'insufficient_scope', requiredScopes: ['a', 'c'] }),
    );
    expect(JSON.stringify(context.accessToken)).not.toContain('raw-secret');
    expect(JSON.stringify({ ...context.accessToken })).not.toContain('raw-secret');
    expect(context.accessToken?.token).toBe('raw-secret');
    expect(Object.isFrozen(context.accessToken)).toBe(true);
  });

  it('is unauthenticated without a token', () => {
    const context = new AuthContext({});
    expect(context.isAuthenticated).toBe(false);
    expect(context.hasScope()).toBe(false);
    expect(() => context.requireScopes('a')).toThrowError(expect.objectContaining({ error: 'insufficient_scope' }));
  });

  it('current() reads AsyncLocalStorage', () => {
    expect(runWithAuthHolder(() => AuthContext.current().subject, { accessToken: token([]) })).toBe('s');
    expect(AuthContext.current().isAuthenticated).toBe(false);
  });
});

describe('ToolScopeRegistry discovery', () => {
  it('S7 collects tool scopes (class ∪ method) from @McpToolName and @rekog/mcp-nest @Tool methods', async () => {
    const { MetadataScanner } = await import('@nestjs/core');
    const { ToolScopeRegistry } = await import('../../../lib/services/tool-scope-registry.js');
    const discovery = {
      getProviders: () => [{ metatype: Tools }, { metatype: null, instance: undefined }],
      getControllers: () => [],
    };
    const registry = new ToolScopeRegistry(discovery as never, new MetadataScanner());
    registry.onModuleInit();
    expect(Object.fromEntries(registry.entries())).toEqual({
      do_it: ['class:b', 'class:a', 'm:2', 'm:1'],
      later: ['class:b', 'class:a', 'm:3'],
    });
  });
});
