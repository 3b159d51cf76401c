import { type DynamicModule, Module } from '@nestjs/common';
import { Clock, ManualClock } from '../../src/common/clock.js';
import { PortalConfig } from '../../src/portal/config.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { WriteBatcher } from '../../src/portal/storage/write-batcher.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { createTestDatabase, tempDir } from './database.js';

@Module({})
class TestStorageModule {}

export interface TestStorage {
  db: DatabaseService;
  /** The group-commit batcher of the hot write paths, over `db`. */
  batcher: WriteBatcher;
  clock: ManualClock;
  config: PortalConfig;
  /** Global module providing DatabaseService, WriteBatcher, Clock (the manual one) and PortalConfig. */
  module: DynamicModule;
  close(): Promise<void>;
}

/**
 * A migrated database of the suite's provider (TEST_DB) with a manual clock, for testing
 * modules on their own (TestingModule) instead of the whole app.
 */
export async function openTestStorage(env: Record<string, string> = {}): Promise<TestStorage> {
  const dir = tempDir();
  const database = await createTestDatabase(dir.path);
  const config = PortalConfig.fromEnv({
    DATA_DIR: dir.path,
    DATABASE_URL: database.url,
    OLP_KEYS: generateKeySpec('test1'),
    LOG_LEVEL: 'error',
    ...env,
  });
  const db = new DatabaseService(config);
  await db.connect();
  const batcher = WriteBatcher.for(db);
  const clock = new ManualClock();
  const module: DynamicModule = {
    module: TestStorageModule,
    global: true,
    providers: [
      { provide: DatabaseService, useValue: db },
      { provide: WriteBatcher, useValue: batcher },
      { provide: Clock, useValue: clock },
      { provide: PortalConfig, useValue: config },
    ],
    exports: [DatabaseService, WriteBatcher, Clock, PortalConfig],
  };
  return {
    db,
    batcher,
    clock,
    config,
    module,
    close: async () => {
      await db.onModuleDestroy();
      await database.drop();
      dir.remove();
    },
  };
}
