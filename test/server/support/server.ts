import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ManualClock } from '../../../src/common/clock.js';
import type { OlpMessage } from '../../../src/protocol/index.js';
import { createServerApp } from '../../../src/server/bootstrap.js';
import { ServerConfig } from '../../../src/server/config.js';
import type { ConnectorDefinition } from '../../../src/server/connectors/connector.js';
import { LineSettings } from '../../../src/server/lines/line-settings.service.js';
import type { LineRow } from '../../../src/server/lines/lines.repository.js';
import { OutboundWorker } from '../../../src/server/outbound/outbound-worker.js';
import { PortalRegistry } from '../../../src/server/portals/portal-registry.service.js';
import { PortalQueue } from '../../../src/server/queue/portal-queue.service.js';
import { QueueWorker } from '../../../src/server/queue/queue-worker.js';
import { DatabaseService, type DbClient } from '../../../src/server/storage/database.service.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../../support/database.js';

export const SERVER_ID = 'server-test';

export interface TestServer {
  app: NestFastifyApplication;
  url: string;
  config: ServerConfig;
  clock: ManualClock;
  database: TestDatabase;
  dataDir: string;
  env: Record<string, string>;
  db: DbClient;
  queue: QueueWorker;
  outbound: OutboundWorker;
  registry: PortalRegistry;
  /** Closes the app; data and database stay, for restart tests. */
  stop(): Promise<void>;
  /** Removes the data and database (when this server created them). */
  removeData(): Promise<void>;
  /** Closes the app and removes its data and database. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  connectors?: ConnectorDefinition[];
  clock?: ManualClock;
  env?: Record<string, string>;
  /** Reuse the data, database and clock of an earlier server (restart, or a second process). */
  reuse?: TestServer;
}

/** Starts the real connector server on a random port, workers off: tests drive them with tick(). */
export async function startServer(opts: StartServerOptions = {}): Promise<TestServer> {
  const dir = opts.reuse ? { path: opts.reuse.dataDir, remove: () => undefined } : tempDir('sb-server-');
  const database = opts.reuse?.database ?? (await createTestDatabase(dir.path));
  const clock = opts.clock ?? opts.reuse?.clock ?? new ManualClock();
  const env = opts.reuse?.env ?? {
    PORT: '0',
    DATA_DIR: dir.path,
    DATABASE_URL: database.url,
    SERVER_ID,
    SERVER_KEY: randomBytes(32).toString('base64url'),
    DEFAULT_PORTAL: 'false',
    WORKERS: 'false',
    LOG_LEVEL: 'fatal',
    ...opts.env,
  };
  const config = ServerConfig.fromEnv(env);
  const app = await createServerApp(config, { connectors: opts.connectors ?? [], clock });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const stop = () => app.close();
  const removeData = async () => {
    if (opts.reuse) return;
    await database.drop();
    dir.remove();
  };
  return {
    app,
    url,
    config,
    clock,
    database,
    dataDir: dir.path,
    env,
    db: app.get(DatabaseService).client,
    queue: app.get(QueueWorker),
    outbound: app.get(OutboundWorker),
    registry: app.get(PortalRegistry),
    stop,
    removeData,
    close: async () => {
      await stop();
      await removeData();
    },
  };
}

/** A connector line with settings, as saveSettings would leave it. */
export function addLine(
  server: TestServer,
  key: { portalId: string; connector?: string; lineId: string; settings?: Record<string, unknown> },
): Promise<LineRow> {
  return server.app.get(LineSettings).save({
    portalId: key.portalId,
    connector: key.connector ?? 'test',
    lineId: key.lineId,
    hashIfNew: `hash-${key.portalId}-${key.lineId}-${randomBytes(4).toString('hex')}`,
    settings: key.settings ?? { token: 'token', secret: 'secret' },
  });
}

/** An OLP message from a customer. */
export function customerMessage(n: number, chat = 'chat-1'): OlpMessage {
  return {
    type_message: 'message',
    user: { id: `user-${chat}` },
    chat: { id: chat },
    message: { id: `m${n}`, date: 1_767_225_600 + n, text: `message ${n}` },
  };
}

/** Queues customer messages on a line, as a webhook would. */
export function enqueueMessages(server: TestServer, line: LineRow, messages: OlpMessage[]): Promise<void> {
  return server.app.get(PortalQueue).enqueue(
    line.id,
    messages.map((item) => ({ command: 'receivingMessage' as const, item })),
  );
}
