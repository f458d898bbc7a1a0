import { connect } from 'node:net';

/** What came back over a raw connection. */
export interface RawResponse {
  /** HTTP status from the status line, or 0 when the server closed without one. */
  status: number;
  raw: string;
}

/**
 * Sends bytes the Node HTTP client refuses to send (CR/LF in header values,
 * raw non-UTF-8 bytes in the request line) over a plain socket to a loopback
 * port and reads the answer until the server closes or 2 s pass (the request is half-closed after sending).
 */
export function rawRequest(port: number, bytes: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0), raw });
    };
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.end(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}
