import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

type Handler = (req: IncomingMessage, res: ServerResponse, server: StubMetadataServer) => void;

/** A loopback HTTPS server with a throwaway self-signed certificate that counts connections and hits per path. */
export class StubMetadataServer {
  readonly certificate = createSelfSignedCertificate();
  connections = 0;
  readonly hits = new Map<string, number>();
  readonly remoteAddresses: string[] = [];
  /** How many requests have closed (to see that an aborted fetch freed its socket). */
  closedRequests = 0;
  private readonly server: Server;
  private readonly routes = new Map<string, Handler>();
  port = 0;

  constructor() {
    this.server = createServer({ cert: this.certificate.certPem, key: this.certificate.keyPem }, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      this.remoteAddresses.push(req.socket.remoteAddress ?? '');
      req.on('close', () => this.closedRequests++);
      const route = this.routes.get(path);
      if (route) route(req, res, this);
      else res.writeHead(404).end();
    });
    this.server.on('connection', () => this.connections++);
  }

  /** `https://localhost:<port><path>`. */
  url(path: string, host = 'localhost'): string {
    return `https://${host}:${this.port}${path}`;
  }

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  hitCount(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
