import { execFile, type ExecFileOptions } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);

/** execFile that puts the command's own output into the error, so a failed compile says why. */
async function run(file: string, args: string[], options: ExecFileOptions = {}): Promise<{ stdout: string }> {
  try {
    const { stdout } = await execFileAsync(file, args, options);
    return { stdout: String(stdout) };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${(error as Error).message}\n${stdout}\n${stderr}`);
  }
}
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const rootPackage = (await import(join(repoRoot, 'package.json'), { with: { type: 'json' } })).default as {
  devDependencies: Record<string, string>;
};

/** The versions this repository tests with, so the temporary app installs from the npm cache. */
const peers = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'rxjs', 'typescript', '@types/node'].map(
  (name) => `${name}@${rootPackage.devDependencies[name]}`,
);

/** A fresh ESM app that uses the package by its name only: compile with tsc, boot, read the metadata, exit. */
const APP_SOURCE = `
import 'reflect-metadata';
import { Controller, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { generateKeyPairSync } from 'node:crypto';
import { BearerAuthGuard, DefaultOAuthProvider, McpAuthModule, MemoryOAuthStore, RequireScopes } from 'nestjs-mcp-auth';

@Controller('mcp')
@UseGuards(BearerAuthGuard)
@RequireScopes('notes:read')
class McpController {
  @Post()
  handle(): string {
    return 'unreachable without a token';
  }
}

@Module({ controllers: [McpController] })
class NotesModule {}

const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

@Module({
  imports: [
    McpAuthModule.forRoot({
      issuerUrl: 'http://127.0.0.1:PORT',
      resourceServerUrl: 'http://127.0.0.1:PORT/mcp',
      scopesSupported: ['notes:read'],
      provider: new DefaultOAuthProvider({
        store: new MemoryOAuthStore(),
        signingKeys: [{ kid: 'k', privateKey }],
        users: async () => undefined,
      }),
    }),
    NotesModule,
  ],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const base = await app.getUrl();
const metadata = await (await fetch(base + '/.well-known/oauth-authorization-server')).json();
const unauthenticated = await fetch(base + '/mcp', { method: 'POST' });
console.log(JSON.stringify({ tokenEndpoint: metadata.token_endpoint, mcpStatus: unauthenticated.status }));
await app.close();
`;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/**
 * A copy of the repository as a fresh clone has it: the files git tracks (and new ones it does not
 * ignore), no `dist/`; `node_modules` is linked, as `npm install` would have filled it.
 */
async function freshClone(into: string): Promise<string> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  const clone = join(into, 'clone');
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(repoRoot, file))) continue;
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(clone, file));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'), 'dir');
  return clone;
}

describe('the packed library', () => {
  const work = mkdtempSync(join(tmpdir(), 'mcp-auth-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('npm pack of a fresh clone builds dist with declarations (prepare) and nothing stale (prepack), and a fresh app installs, type-checks and boots it', async () => {
    const clone = await freshClone(work);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    // What an old build of a file since removed leaves behind in a developer's dist/.
    mkdirSync(join(clone, 'dist/lib/controllers'), { recursive: true });
    writeFileSync(join(clone, 'dist/lib/controllers/removed-long-ago.js'), 'export {};\n');
    await run('npm', ['pack', '--pack-destination', work], { cwd: clone, timeout: 240_000 });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const { stdout: listing } = await run('tar', ['-tzf', join(work, tarball!)]);
    const files = listing.split('\n').filter(Boolean);
    expect(files).toContain('package/dist/lib/index.js');
    expect(files).toContain('package/dist/lib/index.d.ts');
    expect(files).toContain('package/package.json');
    expect(files.filter((file) => file.includes('removed-long-ago'))).toEqual([]);
    expect(files.filter((file) => !/^package\/(dist\/lib\/|package\.json$|README\.md$|LICENSE)/.test(file))).toEqual(
      [],
    );

    const app = join(work, 'app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
    await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball!), 'reflect-metadata', ...peers],
      { cwd: app, timeout: 300_000 },
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          // As in the tsconfig \`nest new\` writes: the library's declarations name the optional peer ioredis.
          skipLibCheck: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          types: ['node'],
          outDir: 'out',
        },
        include: ['app.ts'],
      }),
    );
    const port = String(await freePort());
    writeFileSync(join(app, 'app.ts'), APP_SOURCE.replaceAll('PORT', port).replace('listen(0', `listen(${port}`));
    await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app });
    const { stdout } = await run(process.execPath, [join(app, 'out/app.js')], { cwd: app, timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { tokenEndpoint: string; mcpStatus: number };
    expect(result).toEqual({ tokenEndpoint: `http://127.0.0.1:${port}/token`, mcpStatus: 401 });
  }, 600_000);
});
