import { join } from 'node:path';
import { signPacket } from '../protocol/index.js';
import { benchMessage, type Peer } from './messages.js';
import { startNode, type Child } from './processes.js';
import { openSse, type SseClient } from './sse-client.js';
import { fmt, percentile } from './stats.js';

const PASSWORD = 'bench-password';

async function login(portal: Child): Promise<string> {
  const res = await fetch(`${portal.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@switchboard.local', password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * Posts one signed receivingMessage packet and waits until the stream client sees its
 * message.created event; returns the milliseconds in between.
 */
async function oneTrip(portal: Child, client: SseClient, peer: Peer, chat: number): Promise<number> {
  const message = benchMessage(chat);
  // Plain text, which the pipelines leave as it is (the emoji step would rewrite a smiley).
  const text = `stream latency ${String((message.message as { id: string }).id)}`;
  Object.assign(message.message as object, { text });
  const marker = `"text":${JSON.stringify(text)}`;
  const body = JSON.stringify({
    command: 'receivingMessage',
    connector: 'telegrambot',
    line: '1',
    data: [message],
  });
  const token = await signPacket({
    iss: peer.iss,
    aud: peer.aud,
    command: 'receivingMessage',
    rawBody: body,
    keys: peer.keys,
  });
  const started = performance.now();
  const seen = client.waitFor((e) => e.event === 'message.created' && e.data.includes(marker), 30_000);
  const res = await fetch(`${portal.url}/olp/v1/input`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  if (res.status !== 200) throw new Error(`receivingMessage answered ${res.status}`);
  await seen;
  return performance.now() - started;
}

/**
 * Visitor-to-operator-stream latency: from a signed receivingMessage packet posted to the portal
 * until an SSE client of GET /api/stream sees the message.created event (through the inbox, the
 * pipelines, the listeners and the stored events). Measured one message at a time, against the
 * same process and against a second portal process on the same database (which finds the event
 * by polling, STREAM_POLL_MS at its default).
 */
export async function streamLatencyFigures(opts: {
  label: string;
  dir: string;
  env: Record<string, string>;
  peer: Peer;
  portalScript: string;
  databaseUrl?: string;
  samples?: number;
}): Promise<void> {
  const samples = opts.samples ?? 100;
  const env = {
    ...opts.env,
    DATA_DIR: join(opts.dir, `stream-${opts.label}`),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ADMIN_PASSWORD: PASSWORD,
    // Nothing listens there: delivery confirmations stay queued, which does not matter here.
    CONNECTOR_SERVER_URL: 'http://127.0.0.1:9',
  };
  const first = await startNode(opts.portalScript, env);
  const second = await startNode(opts.portalScript, { ...env, WORKERS: 'false' });
  try {
    const token = await login(first);
    const headers = { authorization: `Bearer ${token}` };
    for (const [where, target] of [
      ['same process', first],
      ['other process', second],
    ] as const) {
      const client = await openSse(`${target.url}/api/stream`, headers);
      try {
        for (let i = 0; i < 10; i++) await oneTrip(first, client, opts.peer, i % 50); // warm-up
        const times: number[] = [];
        for (let i = 0; i < samples; i++) times.push(await oneTrip(first, client, opts.peer, i % 50));
        console.log(
          `  ${`${opts.label}, stream client on the ${where}`.padEnd(44)} ${String(samples).padStart(5)} messages` +
            `   p50 ${fmt(percentile(times, 50), 1).padStart(6)} ms   p99 ${fmt(percentile(times, 99), 1).padStart(6)} ms`,
        );
      } finally {
        client.close();
      }
    }
  } finally {
    await second.stop();
    await first.stop();
  }
}
