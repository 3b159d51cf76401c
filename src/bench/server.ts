// Connector server figures for `npm run bench`: webhook ingest, delivery to a portal, next-line claims.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeySpec } from '../protocol/index.js';
import { createServerApp } from '../server/bootstrap.js';
import { ServerConfig } from '../server/config.js';
import { LiveChatVisitors } from '../server/connectors/livechat/livechat-visitors.service.js';
import { LineSettings } from '../server/lines/line-settings.service.js';
import type { LineRow } from '../server/lines/lines.repository.js';
import { PortalRegistry } from '../server/portals/portal-registry.service.js';
import { PortalQueue } from '../server/queue/portal-queue.service.js';
import { QueueWorker } from '../server/queue/queue-worker.js';
import { DatabaseService } from '../server/storage/database.service.js';
import { claimDueLine } from '../server/storage/line-claims.js';
import { closedLoop } from './load.js';
import { fmt } from './stats.js';

const PORTAL_ID = 'bench-portal';

interface Bench {
  app: NestFastifyApplication;
  url: string;
  db: DatabaseService;
  close(): Promise<void>;
}

/** The real server app in this process, workers off: the bench drives them. */
async function startBenchServer(dir: string, portalUrl: string, databaseUrl?: string): Promise<Bench> {
  const config = ServerConfig.fromEnv({
    DATA_DIR: dir,
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    SERVER_KEY: randomBytes(32).toString('base64url'),
    DEFAULT_PORTAL: 'false',
    WORKERS: 'false',
    LOG_LEVEL: 'fatal',
    LOG_FORMAT: 'json',
  });
  const app = await createServerApp(config);
  await app.listen(0, '127.0.0.1');
  await app.get(PortalRegistry).add({ id: PORTAL_ID, baseUrl: portalUrl, keySpec: generateKeySpec('b1') });
  return { app, url: await app.getUrl(), db: app.get(DatabaseService), close: () => app.close() };
}

function liveChatLine(bench: Bench, lineId: string): Promise<LineRow> {
  return bench.app.get(LineSettings).save({
    portalId: PORTAL_ID,
    connector: 'livechat',
    lineId,
    hashIfNew: randomBytes(32).toString('base64url'),
    settings: {},
  });
}

/** Visitor messages posted to the live chat endpoint, each verified and queued durably before the answer. */
async function ingest(bench: Bench, label: string): Promise<void> {
  const line = await liveChatLine(bench, 'ingest');
  const visitors = bench.app.get(LiveChatVisitors);
  const tokens = await Promise.all(Array.from({ length: 20 }, () => visitors.start(line.hash, {})));
  const requests = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      path: `/livechat/${line.hash}/messages`,
      body: JSON.stringify({ text: `message ${i}` }),
      headers: { authorization: `Bearer ${tokens[i % tokens.length].token}` },
    }));
  await closedLoop(bench.url, requests(300), 8); // warm-up, not reported
  const r = await closedLoop(bench.url, requests(2000), 8);
  const fail = r.failures ? `  FAILURES ${r.failures}: ${r.firstFailure ?? ''}` : '';
  console.log(
    `  ${label}: webhook ingest (live chat), 8 clients   ${fmt(r.perSecond).padStart(7)} hooks/s` +
      `   p50 ${fmt(r.p50Ms, 1)} ms   p99 ${fmt(r.p99Ms, 1)} ms${fail}`,
  );
}

/** A portal that takes every push and confirms it at once (in process, as setStatusDelivered would). */
async function confirmingPortal(confirm: (line: string, data: unknown[]) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const packet = JSON.parse(Buffer.concat(chunks).toString()) as { line: string; data: unknown[] };
      const data = packet.data.map((m) => {
        const { chat, message } = m as { chat: { id: string }; message: { id: string } };
        return { chat, message: { id: message.id }, ok: true };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, data }));
      void confirm(packet.line, packet.data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Queued messages on 20 lines pushed in batches to the confirming portal until none is left. */
async function delivery(bench: Bench, lines: Map<string, LineRow>, label: string): Promise<void> {
  const queue = bench.app.get(PortalQueue);
  const worker = bench.app.get(QueueWorker);
  const perLine = 250;
  for (const line of lines.values()) {
    const items = Array.from({ length: perLine }, (_, i) => ({
      command: 'receivingMessage' as const,
      item: {
        type_message: 'message' as const,
        user: { id: 'u' },
        chat: { id: `c${i % 10}` },
        message: { id: randomUUID(), date: 1_767_225_600, text: `message ${i}` },
      },
    }));
    await queue.enqueue(line.id, items);
  }
  const total = lines.size * perLine;
  const started = performance.now();
  while ((await bench.db.client.queueItem.count()) > 0) {
    if (!(await worker.tick())) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  ${label}: delivery to a portal confirming at once   ${fmt(total / seconds).padStart(7)} msg/s` +
      `   (${total} messages on ${lines.size} lines, batches of 50)`,
  );
}

/** 100,000 lines, 10 % blocked into the future: time per claim of the next ready line, and its plan. */
async function claims(bench: Bench, label: string): Promise<void> {
  const db = bench.db;
  const pg = db.provider === 'postgresql';
  const now = new Date();
  const ts = (d: Date) => (pg ? `'${d.toISOString()}'` : String(d.getTime()));
  const ready = new Date(now.getTime() - 60_000);
  const blocked = new Date(now.getTime() + 3_600_000);
  for (let start = 0; start < 100_000; start += 1000) {
    const values = Array.from({ length: 1000 }, (_, k) => {
      const i = start + k;
      const due = i % 10 === 0 ? blocked : ready;
      return `('${PORTAL_ID}', 'claim', 'l${i}', 'h${i}', 'ready', ${i % 10 === 0 ? 1 : 0}, ${ts(due)}, ${ts(now)}, ${ts(now)})`;
    });
    await db.client.$executeRawUnsafe(
      `INSERT INTO lines (portal_id, connector, line_id, hash, phase, attempt, next_attempt_at, created_at, updated_at) VALUES ${values.join(',')}`,
    );
  }
  if (pg) await db.client.$executeRawUnsafe('ANALYZE lines');
  else await db.client.$executeRawUnsafe('ANALYZE');
  const count = 2000;
  const leaseUntil = new Date(now.getTime() + 300_000);
  const started = performance.now();
  for (let i = 0; i < count; i++)
    await claimDueLine(db, 'queue', { now, leaseUntil, token: `t${i}`, owner: 'bench' });
  const perClaimMs = (performance.now() - started) / count;
  const select = `SELECT id FROM lines WHERE next_attempt_at <= ${ts(now)} ORDER BY next_attempt_at LIMIT 1`;
  const plan = await db.client.$queryRawUnsafe<Record<string, unknown>[]>(
    pg ? `EXPLAIN ${select} FOR UPDATE SKIP LOCKED` : `EXPLAIN QUERY PLAN ${select}`,
  );
  const planText = plan.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join(' / ');
  console.log(
    `  ${label}: next ready line of 100,000 (10 % blocked)   ${fmt(perClaimMs, 3)} ms per claim (${count} claims)`,
  );
  console.log(`    plan: ${planText}`);
}

/** Runs the three server figures on one database (SQLite in `dir` when no URL is given). */
export async function serverFigures(label: string, dir: string, databaseUrl?: string): Promise<void> {
  const lines = new Map<string, LineRow>();
  const started: { bench?: Bench } = {};
  const portal = await confirmingPortal(async (lineId, data) => {
    const line = lines.get(lineId);
    if (!line || !started.bench) return;
    const marks = data.map((m) => {
      const { chat, message } = m as { chat: { id: string }; message: { id: string } };
      return { chat: { id: chat.id }, message: { id: [message.id] } };
    });
    await started.bench.app.get(PortalQueue).confirmDelivered(line.id, marks);
  });
  const portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  const bench = (started.bench = await startBenchServer(
    join(dir, `server-${label}`),
    portalUrl,
    databaseUrl,
  ));
  try {
    await ingest(bench, label);
    await bench.db.client.queueItem.deleteMany({});
    for (let i = 0; i < 20; i++) lines.set(`d${i}`, await liveChatLine(bench, `d${i}`));
    await delivery(bench, lines, label);
    await claims(bench, label);
  } finally {
    await bench.close();
    portal.closeAllConnections();
    await new Promise((resolve) => portal.close(resolve));
  }
}
