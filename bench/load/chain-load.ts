import http from 'node:http';
import type { LoadResult } from './http-load.js';

/** One step of a chain: builds the next request body from the chain state, and reads the new state from the response. */
export interface ChainStep<S> {
  /** Form body of the next request, or `undefined` when the chain has nothing left to send. */
  body(state: S): string | undefined;
  /** The chain's next state, from the JSON response; throw when the response is not what was expected. */
  advance(state: S, response: Record<string, unknown>): S;
}

export interface ChainLoadOptions<S> {
  origin: string;
  path: string;
  /** One initial state per chain; `initialStates.length` chains run concurrently. */
  initialStates: S[];
  step: ChainStep<S>;
  durationSeconds: number;
}

/**
 * A load loop for requests that depend on the previous response (refresh-token
 * rotation): N concurrent chains, each strictly sequential, on keep-alive
 * connections, for a fixed duration. autocannon cannot feed one response into
 * the next request, hence this.
 */
export async function runChainLoad<S>(options: ChainLoadOptions<S>): Promise<LoadResult & { finalStates: S[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.initialStates.length });
  const url = new URL(options.path, options.origin);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;

  const runChain = async (initial: S): Promise<S> => {
    let state = initial;
    while (performance.now() < deadline) {
      const body = options.step.body(state);
      if (body === undefined) break;
      const t0 = performance.now();
      const { status, json } = await postForm(agent, url, body);
      latencies.push(performance.now() - t0);
      if (status !== 200) {
        errors++;
        break;
      }
      try {
        state = options.step.advance(state, json);
      } catch {
        errors++;
        break;
      }
    }
    return state;
  };

  const finalStates = await Promise.all(options.initialStates.map(runChain));
  const elapsedSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
  return {
    requestsPerSecond: latencies.length / elapsedSeconds,
    latencyP50Ms: round2(at(0.5)),
    latencyP99Ms: round2(at(0.99)),
    requests: latencies.length,
    errors,
    finalStates,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function postForm(
  agent: http.Agent,
  url: URL,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            /* non-JSON body: the status code tells */
          }
          resolve({ status: response.statusCode ?? 0, json });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
