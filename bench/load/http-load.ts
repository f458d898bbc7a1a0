import autocannon from 'autocannon';

/** One HTTP load run against a loopback server. */
export interface HttpLoadOptions {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Bearer tokens; with more than one, each request takes the next (round robin over all connections). */
  bearerTokens?: string[];
  connections: number;
  durationSeconds: number;
}

/** Throughput and latency of one run. */
export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  /** Non-2xx responses plus socket errors and timeouts: any of these means the run is not valid. */
  errors: number;
  /** CPU time the server process used per request during the run, in µs (when measured). */
  serverCpuMicrosPerRequest?: number;
}

/** Runs autocannon for a fixed duration; tokens rotate through `setupRequest`. */
export async function runHttpLoad(options: HttpLoadOptions): Promise<LoadResult> {
  const tokens = options.bearerTokens ?? [];
  let next = 0;
  const authorization = (): Record<string, string> =>
    tokens.length === 0 ? {} : { authorization: `Bearer ${tokens[next++ % tokens.length]}` };
  const baseHeaders = { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers };
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    requests: [
      {
        method: options.method,
        path: options.path,
        body: options.body,
        headers: { ...baseHeaders, ...authorization() },
        ...(tokens.length > 1
          ? {
              setupRequest: (request: any) => ({ ...request, headers: { ...baseHeaders, ...authorization() } }),
            }
          : {}),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / options.durationSeconds,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}
