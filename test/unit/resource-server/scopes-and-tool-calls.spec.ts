import { describe, expect, it } from 'vitest';
import { filterToolsByScopes } from '../../../lib/rules/filter-tools-by-scopes.js';
import { toolNamesFromJsonRpcBody } from '../../../lib/rules/json-rpc-tool-calls.js';
import { hasAllScopes, mergeScopes, missingScopes } from '../../../lib/rules/scope-rules.js';
import { ToolScopeRegistry } from '../../../lib/services/tool-scope-registry.js';

const call = (name: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } });

describe('scope merging (S7)', () => {
  it('merges lists in order without duplicates, ignoring empty and missing lists', () => {
    expect(mergeScopes(['a', 'b'], undefined, ['b', 'c'], [], ['', 'a', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(mergeScopes()).toEqual([]);
  });

  it('names every missing scope, case-sensitively', () => {
    expect(missingScopes(['a', 'B', 'c'], ['a', 'b'])).toEqual(['B', 'c']);
    expect(missingScopes(['a'], undefined)).toEqual(['a']);
    expect(hasAllScopes(['a', 'b'], ['b'])).toBe(true);
    expect(hasAllScopes(['a'], [])).toBe(true);
  });
});

describe('tool calls in JSON-RPC bodies (S7)', () => {
  it('reads a single tools/call', () => {
    expect(toolNamesFromJsonRpcBody(call('add_note'))).toEqual(['add_note']);
  });

  it('reads every tools/call of a batch, once each, ignoring other methods', () => {
    const batch = [
      call('a'),
      { jsonrpc: '2.0', method: 'tools/list', id: 2 },
      call('b'),
      call('a'),
      { method: 'initialize' },
    ];
    expect(toolNamesFromJsonRpcBody(batch)).toEqual(['a', 'b']);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', '{"method":"tools/call","params":{"name":"a"}}'],
    ['a number', 7],
    ['a buffer', Buffer.from('x')],
    ['params missing', { method: 'tools/call' }],
    ['params an array', { method: 'tools/call', params: ['a'] }],
    ['name not a string', call(42)],
    ['name an object', call({ toString: () => 'a' })],
    ['nested arrays', [[call('a')]]],
    ['batch of junk', [null, 1, 'x', [], {}]],
  ])('malformed body (%s) yields no tools and does not throw', (_label, body) => {
    expect(toolNamesFromJsonRpcBody(body)).toEqual([]);
  });
});

describe('ToolScopeRegistry', () => {
  const registry = () =>
    new ToolScopeRegistry({ getProviders: () => [], getControllers: () => [] } as never, {} as never);

  it('registers programmatically, unions repeated registrations, and maps bodies to scopes', () => {
    const tools = registry();
    tools.register('add_note', ['notes:write']);
    tools.register('add_note', ['notes:write', 'notes:audit']);
    tools.register('purge', ['notes:admin']);
    expect(tools.scopesFor('add_note')).toEqual(['notes:write', 'notes:audit']);
    expect(tools.scopesFor('unknown')).toEqual([]);
    expect(tools.scopesForJsonRpcBody([call('add_note'), call('purge'), call('unknown')])).toEqual([
      'notes:write',
      'notes:audit',
      'notes:admin',
    ]);
    expect(tools.scopesForJsonRpcBody('garbage')).toEqual([]);
  });

  it('S7 the shared answer equals scopesForJsonRpcBody for every body shape, and changes when a tool is registered again', () => {
    const tools = registry();
    const bodies: unknown[] = [
      call('add_note'),
      call('purge'),
      call('unknown'),
      [call('add_note'), call('purge')],
      [call('add_note')],
      [],
      'garbage',
      null,
      { method: 'tools/call', params: { name: 42 } },
      { method: 'tools/list' },
    ];
    for (const body of bodies) expect(tools.scopesForJsonRpcBodyShared(body)).toEqual([]);
    tools.register('add_note', ['notes:write']);
    tools.register('purge', ['notes:admin']);
    for (const body of bodies) {
      expect([...tools.scopesForJsonRpcBodyShared(body)]).toEqual(tools.scopesForJsonRpcBody(body));
    }
    const before = tools.scopesForJsonRpcBodyShared(call('add_note'));
    expect(tools.scopesForJsonRpcBodyShared(call('add_note'))).toBe(before);
    tools.register('add_note', ['notes:audit']);
    const after = tools.scopesForJsonRpcBodyShared(call('add_note'));
    expect(after).not.toBe(before);
    expect(after).toEqual(['notes:write', 'notes:audit']);
  });

  it('filterToolsByScopes hides tools the caller cannot call and keeps unscoped ones', () => {
    const tools = registry();
    tools.register('add_note', ['notes:write']);
    const listed = [{ name: 'add_note' }, { name: 'list_notes' }];
    expect(filterToolsByScopes(listed, ['notes:read'], tools)).toEqual([{ name: 'list_notes' }]);
    expect(filterToolsByScopes(listed, ['notes:write'], tools)).toEqual(listed);
    expect(filterToolsByScopes(listed, undefined, tools)).toEqual([{ name: 'list_notes' }]);
  });
});
