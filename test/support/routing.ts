import { type DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import { Clock, ManualClock } from '../../src/common/clock.js';
import { PortalConfig } from '../../src/portal/config.js';
import { EventsModule } from '../../src/portal/events/events.module.js';
import { PortalEvents } from '../../src/portal/events/portal-events.js';
import { LineSettingsService } from '../../src/portal/open-lines/line-settings/line-settings.service.js';
import { PresenceService } from '../../src/portal/open-lines/operators/presence.service.js';
import { RoutingModule } from '../../src/portal/open-lines/routing/routing.module.js';
import { RoutingScheduler } from '../../src/portal/open-lines/routing/routing.scheduler.js';
import { RoutingService } from '../../src/portal/open-lines/routing/routing.service.js';
import { SessionsService } from '../../src/portal/open-lines/sessions/sessions.service.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { WriteBatcher } from '../../src/portal/storage/write-batcher.js';
import { openTestStorage, type TestStorage } from './database-module.js';

@Module({})
class SharedStorageModule {}

export interface RoutingHarness {
  moduleRef: TestingModule;
  db: DatabaseService;
  clock: ManualClock;
  events: PortalEvents;
  settings: LineSettingsService;
  sessions: SessionsService;
  presence: PresenceService;
  routing: RoutingService;
  scheduler: RoutingScheduler;
  close(): Promise<void>;
}

async function compile(storage: DynamicModule): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [EventEmitterModule.forRoot(), storage, EventsModule, RoutingModule],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

function harness(
  moduleRef: TestingModule,
  db: DatabaseService,
  clock: ManualClock,
  close: () => Promise<void>,
): RoutingHarness {
  return {
    moduleRef,
    db,
    clock,
    events: moduleRef.get(PortalEvents),
    settings: moduleRef.get(LineSettingsService),
    sessions: moduleRef.get(SessionsService),
    presence: moduleRef.get(PresenceService),
    routing: moduleRef.get(RoutingService),
    scheduler: moduleRef.get(RoutingScheduler),
    close,
  };
}

/**
 * The routing module on a real database of the suite's provider, with a manual clock and no
 * workers (tests tick the scheduler themselves; the outbox keeps what would be sent).
 */
export async function startRouting(): Promise<RoutingHarness & { storage: TestStorage }> {
  const storage = await openTestStorage({ WORKERS: 'false' });
  const moduleRef = await compile(storage.module);
  const h = harness(moduleRef, storage.db, storage.clock, async () => {
    await moduleRef.close();
    await storage.close();
  });
  return { ...h, storage };
}

/**
 * A second "portal process" on the same database: its own Prisma client and module instance,
 * the same clock (so both agree on what is due).
 */
export async function startSecondRouting(first: { storage: TestStorage }): Promise<RoutingHarness> {
  const config: PortalConfig = first.storage.config;
  const db = new DatabaseService(config);
  await db.connect();
  const clock = first.storage.clock;
  const module: DynamicModule = {
    module: SharedStorageModule,
    global: true,
    providers: [
      { provide: DatabaseService, useValue: db },
      { provide: WriteBatcher, useValue: WriteBatcher.for(db) },
      { provide: Clock, useValue: clock },
      { provide: PortalConfig, useValue: config },
    ],
    exports: [DatabaseService, WriteBatcher, Clock, PortalConfig],
  };
  const moduleRef = await compile(module);
  return harness(moduleRef, db, clock, async () => {
    await moduleRef.close();
    await db.onModuleDestroy();
  });
}
