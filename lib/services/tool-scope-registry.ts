import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { REQUIRED_SCOPES_METADATA } from '../mcp-auth.constants.js';
import { toolCallName, toolNamesFromJsonRpcBody } from '../rules/json-rpc-tool-calls.js';
import { mergeScopes } from '../rules/scope-rules.js';
import { toolNameOfMethod } from './tool-name-adapter.js';

const NO_SCOPES: readonly string[] = Object.freeze([]);

/**
 * MCP tool name → scopes a `tools/call` of it needs (S7 step-up).
 *
 * Filled at bootstrap from every provider and controller method that is bound
 * to a tool (`@McpToolName`, or `@rekog/mcp-nest`'s `@Tool`) and carries
 * `@RequireScopes` on itself or its class; apps that register tools with the
 * official SDK's `registerTool` call {@link ToolScopeRegistry.register}.
 * A name registered twice needs the union of both scope lists.
 */
@Injectable()
export class ToolScopeRegistry implements OnModuleInit {
  private readonly scopesByTool = new Map<string, readonly string[]>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** Collects the declared tool scopes (runs once at module init). */
  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const type = (wrapper.metatype ?? (wrapper.instance as object | undefined)?.constructor) as Type | undefined;
      if (typeof type !== 'function' || !type.prototype) continue;
      this.collectFrom(type);
    }
  }

  /** Requires `scopes` for every `tools/call` of `toolName`. */
  register(toolName: string, scopes: readonly string[]): void {
    this.scopesByTool.set(toolName, Object.freeze(mergeScopes(this.scopesByTool.get(toolName), scopes)));
  }

  /** True once any tool declares scopes: the guard then reads every POST body it guards (S51). */
  get hasToolScopes(): boolean {
    return this.scopesByTool.size > 0;
  }

  /** Scopes a call of `toolName` needs (empty for unknown tools). */
  scopesFor(toolName: string): readonly string[] {
    return this.scopesByTool.get(toolName) ?? [];
  }

  /** Scopes every `tools/call` in a parsed JSON-RPC body (single message or batch) needs. */
  scopesForJsonRpcBody(body: unknown): string[] {
    if (this.scopesByTool.size === 0) return [];
    return mergeScopes(...toolNamesFromJsonRpcBody(body).map((name) => this.scopesFor(name)));
  }

  /**
   * @internal What {@link scopesForJsonRpcBody} answers, for the guard's hot path: for a
   * single message the registered (frozen) list itself, the same array until the tool is
   * registered again, so callers may cache what they derive from it by identity; for a
   * batch a fresh merged list.
   */
  scopesForJsonRpcBodyShared(body: unknown): readonly string[] {
    if (this.scopesByTool.size === 0) return NO_SCOPES;
    if (Array.isArray(body)) return this.scopesForJsonRpcBody(body);
    const name = toolCallName(body);
    return (name === undefined ? undefined : this.scopesByTool.get(name)) ?? NO_SCOPES;
  }

  /** A snapshot of the map. */
  entries(): Array<[string, readonly string[]]> {
    return [...this.scopesByTool.entries()];
  }

  private collectFrom(type: Type): void {
    const classScopes = Reflect.getMetadata(REQUIRED_SCOPES_METADATA, type) as string[] | undefined;
    for (const methodName of this.scanner.getAllMethodNames(type.prototype)) {
      const method = (type.prototype as Record<string, unknown>)[methodName];
      if (typeof method !== 'function') continue;
      const toolName = toolNameOfMethod(method, methodName);
      if (toolName === undefined) continue;
      const methodScopes = Reflect.getMetadata(REQUIRED_SCOPES_METADATA, method) as string[] | undefined;
      const scopes = mergeScopes(classScopes, methodScopes);
      if (scopes.length) this.register(toolName, scopes);
    }
  }
}
