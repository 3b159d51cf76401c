import { Agent, request } from 'node:http';
import { percentile } from './stats.js';

export interface PreparedRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** The first non-2xx answer, to explain failures. */
  firstFailure?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(base: URL, req: PreparedRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: base.hostname,
        port: base.port,
        path: req.path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(req.body),
          ...req.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

function summarize(
  latencies: number[],
  started: number,
  failures: number,
  firstFailure?: string,
): LoadResult {
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
    firstFailure,
  };
}

/** Closed loop: `concurrency` clients send the prepared requests back to back, as fast as answered. */
export async function closedLoop(
  baseUrl: string,
  requests: PreparedRequest[],
  concurrency: number,
): Promise<LoadResult> {
  const base = new URL(baseUrl);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const req = requests[next++];
      const t0 = performance.now();
      const res = await post(base, req);
      latencies.push(performance.now() - t0);
      if (res.status >= 300) {
        failures++;
        firstFailure ??= `${res.status} ${res.body.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarize(latencies, started, failures, firstFailure);
}

/** Open loop: one request every 1000/rate ms regardless of answers, so queueing shows in latency. */
export async function openLoop(
  baseUrl: string,
  requests: PreparedRequest[],
  rate: number,
): Promise<LoadResult> {
  const base = new URL(baseUrl);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const interval = 1000 / rate;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < requests.length; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const req = requests[i];
    // Latency is measured from the scheduled time, so a stalled sender cannot hide queueing.
    inflight.push(
      post(base, req).then((res) => {
        latencies.push(performance.now() - due);
        if (res.status >= 300) {
          failures++;
          firstFailure ??= `${res.status} ${res.body.slice(0, 300)}`;
        }
      }),
    );
  }
  await Promise.all(inflight);
  return summarize(latencies, started, failures, firstFailure);
}
