// Routing figures for `npm run bench`: decisions per second with 1,000 operators on a line and
// 10,000 chats waiting in its queue, on the real RoutingService over SQLite or PostgreSQL.
import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Clock } from '../common/clock.js';
import { PortalConfig } from '../portal/config.js';
import { EventsModule } from '../portal/events/events.module.js';
import { LineSettingsService } from '../portal/open-lines/line-settings/line-settings.service.js';
import { RoutingModule } from '../portal/open-lines/routing/routing.module.js';
import { RoutingService } from '../portal/open-lines/routing/routing.service.js';
import { DatabaseService } from '../portal/storage/database.service.js';
import { WriteBatcher } from '../portal/storage/write-batcher.js';
import { generateKeySpec } from '../protocol/index.js';
import { fmt } from './stats.js';

const OPERATORS = 1000;
const WAITING = 10_000;
const CHUNK = 500;

@Module({})
class BenchStorageModule {}

async function seed(db: DatabaseService, clock: Clock): Promise<number> {
  const at = clock.now();
  const line = await db.client.line.create({ data: { name: 'bench', createdAt: at } });
  const users = Array.from({ length: OPERATORS }, (_, i) => ({
    email: `op${i}@bench.test`,
    name: `Operator ${i}`,
    role: 'operator',
    passwordHash: 'x',
    createdAt: at,
  }));
  for (let i = 0; i < users.length; i += CHUNK)
    await db.client.user.createMany({ data: users.slice(i, i + CHUNK) });
  const ids = (await db.client.user.findMany({ where: { role: 'operator' }, select: { id: true } })).map(
    (u) => u.id,
  );
  const lineOps = ids.map((userId, position) => ({ lineId: line.id, userId, position }));
  const presence = ids.map((userId) => ({ userId, status: 'online', changedAt: at }));
  for (let i = 0; i < ids.length; i += CHUNK) {
    await db.client.lineOperator.createMany({ data: lineOps.slice(i, i + CHUNK) });
    await db.client.operatorPresence.createMany({ data: presence.slice(i, i + CHUNK) });
  }
  const sessions = Array.from({ length: WAITING }, (_, i) => ({
    lineId: line.id,
    chatId: i + 1,
    status: 'waiting',
    tried: '[]',
    queuedAt: new Date(at.getTime() - WAITING + i),
    noAnswerSent: false,
    lastCustomerAt: at,
    ratingAsked: false,
    version: 1,
    createdAt: at,
    updatedAt: at,
  }));
  for (let i = 0; i < sessions.length; i += CHUNK)
    await db.client.session.createMany({ data: sessions.slice(i, i + CHUNK) });
  return line.id;
}

/** Prints routing decisions per second on one database (a fresh SQLite file, or the given URL). */
export async function routingFigures(label: string, dir: string, databaseUrl?: string): Promise<void> {
  const config = PortalConfig.fromEnv({
    DATA_DIR: join(dir, `routing-${label}`),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    OLP_KEYS: generateKeySpec('bench'),
    WORKERS: 'false',
    LOG_LEVEL: 'warn',
  });
  const db = new DatabaseService(config);
  await db.connect();
  const clock = new Clock();
  const storage: DynamicModule = {
    module: BenchStorageModule,
    global: true,
    providers: [
      { provide: DatabaseService, useValue: db },
      { provide: WriteBatcher, useValue: WriteBatcher.for(db) },
      { provide: Clock, useValue: clock },
      { provide: PortalConfig, useValue: config },
    ],
    exports: [DatabaseService, WriteBatcher, Clock, PortalConfig],
  };
  const app = await NestFactory.createApplicationContext(
    {
      module: class RoutingBench {},
      imports: [EventEmitterModule.forRoot(), storage, EventsModule, RoutingModule],
    },
    { logger: ['warn', 'error'] },
  );
  try {
    const lineId = await seed(db, clock);
    const routing = app.get(RoutingService);
    const settings = await app.get(LineSettingsService).get(lineId);

    // The scheduler's path: the queue in order, the line's operators read once per pass.
    await routing.routeLine(lineId, 100); // warm-up, not reported
    const batch = 500;
    let started = performance.now();
    const assigned = await routing.routeLine(lineId, batch);
    let seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${`${label}: queue pass (routeLine), evenly`.padEnd(52)} ${fmt(assigned / seconds).padStart(8)} decisions/s` +
        `  (${assigned} chats in ${fmt(seconds, 2)} s)`,
    );

    // A new customer message's path: one session, the line's 1,000 operators read for it.
    const single = await db.client.session.findMany({
      where: { lineId, status: 'waiting' },
      orderBy: { id: 'asc' },
      take: 50,
    });
    started = performance.now();
    for (const s of single) await routing.route(s, settings);
    seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${`${label}: one chat at a time (route), evenly`.padEnd(52)} ${fmt(single.length / seconds).padStart(8)} decisions/s` +
        `  (${single.length} chats in ${fmt(seconds, 2)} s)`,
    );
  } finally {
    await app.close();
    await db.onModuleDestroy();
  }
}
