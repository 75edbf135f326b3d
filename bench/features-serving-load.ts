import { readFileSync } from 'node:fs';
import * as http from 'node:http';

/** Latency summary in milliseconds. */
export interface LatencySummary {
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { requests: sorted.length, p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

/** A keep-alive HTTP/1.1 client for one server: a request body in, status and body text out. */
export class LoadClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    private readonly apiKey: string,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  post(path: string, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}`, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One request after another: each sample (ms) is one request's full round trip on a warm connection. */
export async function sequentialSamples(client: LoadClient, path: string, bodies: () => string, requests: number, check: (text: string) => void): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const body = bodies();
    const started = performance.now();
    const answer = await client.post(path, body);
    samples.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.text.slice(0, 300)}`);
    if (i === 0) check(answer.text);
  }
  return samples;
}

export async function sequentialLatency(client: LoadClient, path: string, bodies: () => string, requests: number, check: (text: string) => void): Promise<LatencySummary> {
  return summarize(await sequentialSamples(client, path, bodies, requests, check));
}

/** `concurrency` requests in flight for `seconds`: completed requests per second, and their latency. */
export async function throughput(client: LoadClient, path: string, bodies: () => string, concurrency: number, seconds: number): Promise<{ requestsPerSecond: number; latency: LatencySummary }> {
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      const answer = await client.post(path, bodies());
      samples.push(performance.now() - sent);
      if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { requestsPerSecond: Math.round(samples.length / elapsed), latency: summarize(samples) };
}

/**
 * CPU time a process has used so far, in ms (Linux /proc, 10 ms ticks): the server's CPU per
 * request over a few thousand requests is its own cost, which a busy shared machine hardly moves,
 * unlike wall-clock latency. Undefined where /proc is not there.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the parenthesized command name; utime and stime are the 14th and 15th fields.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}
