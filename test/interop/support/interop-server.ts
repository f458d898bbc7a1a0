import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSampleApp, type SampleOptions } from '../../../sample/app.js';
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

/** Starts the sample MCP server (`sample/`, `createSampleApp`) in-process on 127.0.0.1, rate limits off. */
export async function startSampleServer(options: Omit<SampleOptions, 'baseUrl'> = {}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await createSampleApp({ rateLimits: false, logger: false, ...options, baseUrl });
  await app.listen(port, '127.0.0.1');
  return { baseUrl, mcpUrl: `${baseUrl}/mcp`, close: () => app.close() };
}

/**
 * Starts the interop fixture app (notes tools on the official SDK server, every AS
 * feature on: revocation, introspection, optional CIMD) in-process on 127.0.0.1 (the issuer must be known before the module is built). */
export async function startInteropServer(options: Omit<NotesFixtureOptions, 'baseUrl'> = {}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await createNotesFixtureApp({ ...options, baseUrl });
  await app.listen(port, '127.0.0.1');
  return { baseUrl, mcpUrl: `${baseUrl}/mcp`, close: () => app.close() };
}
