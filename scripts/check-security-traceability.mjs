#!/usr/bin/env node
/**
 * Security traceability check: every behaviour id (S1, S2, ...) of the required-behaviour list must be
 * carried by the title of at least one test (`it(`, `test(`, `it.each(...)(`, `test.for(...)(`) in the
 * TypeScript files under `test/` (specs and the shared suites they run), unless `test/security/not-applicable.json` lists it with a reason.
 *
 * Sources of the list: `../shared/SECURITY.md` beside the repository (the project's shared folder) and the
 * committed copy `test/security/SECURITY-REQUIREMENTS.md`. When both exist they must list the same
 * behaviours with the same text (drift fails the check); when the shared folder is absent the copy is used.
 *
 * Usage: `node scripts/check-security-traceability.mjs` (exit 1 on failure). Also run by `npm test`
 * through `test/security/traceability.spec.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** Path of the committed copy of the requirement list, relative to the repository root. */
export const REQUIREMENTS_COPY = 'test/security/SECURITY-REQUIREMENTS.md';
/** Path of the one list of ids not applicable yet, relative to the repository root. */
export const NOT_APPLICABLE_FILE = 'test/security/not-applicable.json';
/** Path of the shared requirement list, relative to the repository root. */
export const SHARED_REQUIREMENTS = '../shared/SECURITY.md';

/**
 * The behaviours of a requirement list: `- S<n> text` items, continuation lines folded in.
 * @param {string} markdown
 * @returns {Map<string, string>} id → normalized text
 */
export function parseRequirements(markdown) {
  const items = new Map();
  let current;
  for (const line of markdown.split(/\r?\n/)) {
    const item = /^- (S\d+)\s+(.*)$/.exec(line);
    if (item) {
      current = item[1];
      items.set(current, item[2].trim());
    } else if (current && /^\s+\S/.test(line)) {
      items.set(current, `${items.get(current)} ${line.trim()}`);
    } else {
      current = undefined;
    }
  }
  return items;
}

/**
 * Skips a string literal, comment or balanced bracket group starting at `start`; returns the index after it.
 * @param {string} text
 * @param {number} start
 */
function skipToken(text, start) {
  const ch = text[start];
  if (ch === "'" || ch === '"' || ch === '`') {
    let i = start + 1;
    while (i < text.length && text[i] !== ch) i += text[i] === '\\' ? 2 : 1;
    return i + 1;
  }
  if (ch === '/' && text[start + 1] === '/') {
    const end = text.indexOf('\n', start);
    return end < 0 ? text.length : end;
  }
  if (ch === '/' && text[start + 1] === '*') {
    const end = text.indexOf('*/', start + 2);
    return end < 0 ? text.length : end + 2;
  }
  if (ch === '(' || ch === '[' || ch === '{') {
    const close = { '(': ')', '[': ']', '{': '}' }[ch];
    let i = start + 1;
    while (i < text.length && text[i] !== close) i = skipToken(text, i);
    return i + 1;
  }
  return start + 1;
}

/**
 * Titles of the tests declared in a spec file: the first argument of `it(`/`test(` (with modifiers such as
 * `.skip`, `.only`, `.concurrent`), and of the call that follows `it.each(table)` / `it.for(table)`.
 * @param {string} source
 * @returns {string[]}
 */
export function extractTestTitles(source) {
  const titles = [];
  const call = /(?<![\w$.])(?:it|test)((?:\s*\.\s*[A-Za-z]+)*)\s*\(/g;
  let match;
  while ((match = call.exec(source))) {
    let i = match.index + match[0].length - 1;
    if (/\b(each|for)\b/.test(match[1])) {
      i = skipToken(source, i);
      while (/\s/.test(source[i] ?? '')) i += 1;
      if (source[i] !== '(') continue;
    }
    i += 1;
    while (/\s/.test(source[i] ?? '')) i += 1;
    const quote = source[i];
    if (quote !== "'" && quote !== '"' && quote !== '`') continue;
    titles.push(source.slice(i + 1, skipToken(source, i) - 1));
  }
  return titles;
}

/**
 * Every TypeScript file under `dir` (spec files, and shared suites such as store contracts that specs run).
 * @param {string} dir
 * @returns {string[]}
 */
export function listTestFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') files.push(...listTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

/**
 * Runs the check against a repository checkout.
 * @param {string} root repository root
 * @returns {{ rows: Array<{ id: string, tests: number, notApplicable?: string }>, problems: string[], source: string }}
 */
export function checkTraceability(root) {
  const problems = [];
  const sharedPath = resolve(root, SHARED_REQUIREMENTS);
  const copyPath = resolve(root, REQUIREMENTS_COPY);
  const shared = existsSync(sharedPath) ? parseRequirements(readFileSync(sharedPath, 'utf8')) : undefined;
  const copy = existsSync(copyPath) ? parseRequirements(readFileSync(copyPath, 'utf8')) : undefined;
  const requirements = shared ?? copy;
  if (!requirements || requirements.size === 0) {
    return {
      rows: [],
      problems: [`no requirement list at ${SHARED_REQUIREMENTS} or ${REQUIREMENTS_COPY}`],
      source: '',
    };
  }
  if (shared && copy) {
    for (const id of new Set([...shared.keys(), ...copy.keys()])) {
      if (shared.get(id) !== copy.get(id)) {
        problems.push(`${id} differs between ${SHARED_REQUIREMENTS} and ${REQUIREMENTS_COPY}: refresh the copy`);
      }
    }
  }

  const notApplicablePath = resolve(root, NOT_APPLICABLE_FILE);
  /** @type {Record<string, string>} */
  const notApplicable = existsSync(notApplicablePath) ? JSON.parse(readFileSync(notApplicablePath, 'utf8')) : {};
  for (const [id, reason] of Object.entries(notApplicable)) {
    if (!requirements.has(id)) problems.push(`${NOT_APPLICABLE_FILE} lists ${id}, which is not a requirement`);
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      problems.push(`${NOT_APPLICABLE_FILE}: ${id} needs a reason`);
    }
  }

  const counts = new Map([...requirements.keys()].map((id) => [id, 0]));
  for (const file of listTestFiles(resolve(root, 'test'))) {
    for (const title of extractTestTitles(readFileSync(file, 'utf8'))) {
      for (const id of new Set(title.match(/\bS\d+\b/g) ?? [])) {
        if (counts.has(id)) counts.set(id, counts.get(id) + 1);
        else problems.push(`${relative(root, file)}: test "${title}" names ${id}, which is not a requirement`);
      }
    }
  }

  const rows = [...counts].map(([id, tests]) => ({ id, tests, notApplicable: notApplicable[id] }));
  for (const row of rows) {
    if (row.tests === 0 && !row.notApplicable) problems.push(`${row.id} has no test whose title names it`);
    if (row.tests > 0 && row.notApplicable) {
      problems.push(`${row.id} is tested now: remove it from ${NOT_APPLICABLE_FILE}`);
    }
  }
  return { rows, problems, source: shared ? SHARED_REQUIREMENTS : REQUIREMENTS_COPY };
}

/**
 * The id → test count table as text.
 * @param {Array<{ id: string, tests: number, notApplicable?: string }>} rows
 */
export function formatTable(rows) {
  const lines = ['id    tests  note'];
  for (const row of rows) {
    const note = row.notApplicable ? `not applicable: ${row.notApplicable}` : row.tests === 0 ? 'MISSING' : '';
    lines.push(`${row.id.padEnd(5)} ${String(row.tests).padStart(5)}  ${note}`.trimEnd());
  }
  return lines.join('\n');
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { rows, problems, source } = checkTraceability(root);
  process.stdout.write(`Security traceability (requirements from ${source})\n${formatTable(rows)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`\n${problems.map((problem) => `- ${problem}`).join('\n')}\n`);
    process.exit(1);
  }
}
