import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createNotesFixtureApp, type NotesFixtureOptions } from './notes-fixture-app.js';

/** A running interop app on loopback. */
export interface RunningServer {
  /** Issuer and origin, `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** The MCP endpoint, `${baseUrl}/mcp`. */
  mcpUrl: string;
  close(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the notes MCP app in-process on 127.0.0.1 (the issuer must be known before the module is built). */
export async function startInteropServer(options: Omit<NotesFixtureOptions, 'baseUrl'> = {}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await createNotesFixtureApp({ ...options, baseUrl });
  await app.listen(port, '127.0.0.1');
  return { baseUrl, mcpUrl: `${baseUrl}/mcp`, close: () => app.close() };
}
