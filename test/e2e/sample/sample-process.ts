import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { testHttpAdapter } from '../../support/test-app.js';

/** Repository root (tests run with it as the working directory). */
const ROOT = process.cwd();
const MAIN = join(ROOT, 'dist/sample/main.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

/** Compiles the sample with `tsconfig.sample.json` unless `dist/sample/main.js` is newer than every source. */
export function ensureSampleBuilt(): void {
  const sources = ['lib', 'sample', 'tsconfig.json', 'tsconfig.sample.json'].map((p) => newestMtime(join(ROOT, p)));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs > Math.max(...sources)) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.sample.json'], { cwd: ROOT, stdio: 'pipe' });
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The sample running as a child process. */
export interface SampleProcess {
  child: ChildProcess;
  baseUrl: string;
  /** The MCP URL from the start-up log line. */
  mcpUrl: string;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (or signal name) once the process ended. */
  exited: Promise<number | string>;
}

/** Starts `node dist/sample/main.js` on a free loopback port and waits for its "MCP endpoint:" log line. */
export async function startSampleProcess(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<SampleProcess> {
  const port = await freeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      HTTP_ADAPTER: testHttpAdapter(),
      NO_COLOR: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: baseUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const mcpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Sample did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /MCP endpoint: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Sample exited (${code}) before starting:\n${output}`));
    });
  });
  return { child, baseUrl, mcpUrl, output: () => output, exited };
}
