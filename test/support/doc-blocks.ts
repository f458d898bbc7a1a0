import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The code blocks of the README and `docs/`, and what the test suite does with
 * each (the convention is in docs/index.md, "Contributing to the docs").
 */

/** Languages whose blocks must say what the suite does with them. */
export const CHECKED_LANGUAGES: ReadonlySet<string> = new Set(['ts', 'typescript', 'js', 'javascript']);

/** Wrappers a `doc-check=<wrapper>` block may name. */
export const DOC_CHECK_WRAPPERS = ['module-options'] as const;
export type DocCheckWrapper = (typeof DOC_CHECK_WRAPPERS)[number];

/** What the suite does with a block. */
export type DocBlockMode =
  | { kind: 'test'; name: string }
  | { kind: 'check' }
  | { kind: 'check-wrapped'; wrapper: DocCheckWrapper }
  | { kind: 'fragment' }
  | { kind: 'untagged' }
  | { kind: 'invalid'; reason: string };

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  /** The Markdown file, relative to the repository root (`README.md`, `docs/scopes.md`). */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** First word of the info string (`ts`, `bash`, ...), lowercased; empty when none. */
  lang: string;
  mode: DocBlockMode;
  /** The block's text, without the fences and the fence's indentation. */
  code: string;
}

/** `README.md` and every Markdown file under `docs/`, except the generated API reference (`docs/api/`). */
export function documentationFiles(repoRoot: string): string[] {
  const files = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (path !== 'docs/api') walk(path);
      } else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk('docs');
  return files;
}

/** Every fenced block of every documentation file. */
export function collectDocBlocks(repoRoot: string): DocBlock[] {
  return documentationFiles(repoRoot).flatMap((file) =>
    extractDocBlocks(readFileSync(join(repoRoot, file), 'utf8'), relative(repoRoot, join(repoRoot, file))),
  );
}

const OPENING_FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;

/** The fenced code blocks of one Markdown text (CommonMark fences: ``` or ~~~, closed by the same kind, as long or longer). */
export function extractDocBlocks(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPENING_FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const closing = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end]!)) {
      const text = lines[end]!;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
      end++;
    }
    const words = info.trim().split(/\s+/).filter(Boolean);
    const lang = (words[0] ?? '').toLowerCase();
    blocks.push({ file, line: i + 1, lang, mode: modeOf(lang, words.slice(1)), code: body.join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

function modeOf(lang: string, attributes: string[]): DocBlockMode {
  const tags = attributes.filter((word) => word.startsWith('doc-'));
  if (!CHECKED_LANGUAGES.has(lang)) {
    return tags.length ? { kind: 'invalid', reason: `doc tags on a ${lang || 'plain'} block` } : { kind: 'fragment' };
  }
  if (tags.length === 0) return { kind: 'untagged' };
  if (tags.length > 1) return { kind: 'invalid', reason: `more than one doc tag (${tags.join(' ')})` };
  const [tag] = tags as [string];
  if (tag === 'doc-check') return { kind: 'check' };
  if (tag === 'doc-fragment') return { kind: 'fragment' };
  const test = /^doc-test=([a-z0-9][a-z0-9-]*)$/.exec(tag);
  if (test) return { kind: 'test', name: test[1]! };
  const wrapped = /^doc-check=(.+)$/.exec(tag);
  if (wrapped && (DOC_CHECK_WRAPPERS as readonly string[]).includes(wrapped[1]!)) {
    return { kind: 'check-wrapped', wrapper: wrapped[1] as DocCheckWrapper };
  }
  return { kind: 'invalid', reason: `unknown doc tag ${tag}` };
}

/** Where a block is, for messages: `docs/scopes.md:42`. */
export function blockLocation(block: Pick<DocBlock, 'file' | 'line'>): string {
  return `${block.file}:${block.line}`;
}

/** The generated file name of a block: unique, stable, readable (`readme-md-47-quick-start.ts`). */
export function generatedFileName(block: DocBlock): string {
  const slug = block.file.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const name = block.mode.kind === 'test' ? `-${block.mode.name}` : '';
  return `${slug}-${block.line}${name}.ts`;
}

/** A generated TypeScript module and how its lines map back to the Markdown file. */
export interface GeneratedModule {
  source: string;
  /** Lines the wrapper put before the block's first line. */
  preludeLines: number;
}

/**
 * The module a block becomes. `doc-test` and `doc-check` blocks are modules as
 * they are. A `doc-check=module-options` block is the members of an
 * `McpAuthModuleOptions` object, with every runtime export of the package in
 * scope; the wrapper adds `resourceServerUrl` and, unless the block gives a
 * `tokenVerifier`, `issuerUrl` and a `DefaultOAuthProvider` (memory store,
 * a generated key), and exports the result as `options`.
 */
export function generatedModule(block: DocBlock, packageExports: readonly string[]): GeneratedModule {
  const header = `// Generated from ${blockLocation(block)} by test/docs/doc-blocks.spec.ts. Do not edit.\n`;
  if (block.mode.kind !== 'check-wrapped') return { source: header + block.code, preludeLines: 1 };
  const imported = [...new Set([...packageExports, 'DefaultOAuthProvider', 'MemoryOAuthStore'])].sort();
  const prelude = [
    header.trimEnd(),
    "import { generateKeyPairSync } from 'node:crypto';",
    `import { ${imported.join(', ')}, type McpAuthModuleOptions } from 'nestjs-mcp-auth';`,
    'const fragment: Partial<McpAuthModuleOptions> = {',
  ];
  const postlude = [
    '};',
    '',
    'export const options: McpAuthModuleOptions = {',
    "  resourceServerUrl: 'https://mcp.example.com/mcp',",
    '  ...(fragment.tokenVerifier',
    '    ? {}',
    '    : {',
    "        issuerUrl: 'https://auth.example.com',",
    '        provider: new DefaultOAuthProvider({',
    '          store: new MemoryOAuthStore({ sweepIntervalMs: 0 }),',
    "          signingKeys: [{ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }],",
    "          users: { alice: { password: 'alice' } },",
    '        }),',
    '      }),',
    '  ...fragment,',
    '};',
    '',
  ];
  return { source: [...prelude, block.code.trimEnd(), ...postlude].join('\n'), preludeLines: prelude.length };
}
