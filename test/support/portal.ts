import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPortalApp } from '../../src/portal/bootstrap.js';
import { PortalConfig } from '../../src/portal/config.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { createTestDatabase, tempDir, type TestDatabase } from './database.js';

export interface TestPortal {
  app: NestFastifyApplication;
  url: string;
  config: PortalConfig;
  keySpec: string;
  dataDir: string;
  database: TestDatabase;
  /** Closes the app; the data and database stay, for restart tests. */
  stop(): Promise<void>;
  /** Closes the app and removes its data and database. */
  close(): Promise<void>;
}

export interface StartPortalOptions {
  env?: Record<string, string>;
  /** Reuse the data and database of an earlier portal (restart). */
  reuse?: TestPortal;
}

/** Starts the real portal app on a random port with its own data folder and database. */
export async function startPortal(opts: StartPortalOptions = {}): Promise<TestPortal> {
  const dir = opts.reuse ? { path: opts.reuse.dataDir, remove: () => undefined } : tempDir();
  const database = opts.reuse?.database ?? (await createTestDatabase(dir.path));
  const keySpec = opts.reuse?.keySpec ?? generateKeySpec('test1');
  const config = PortalConfig.fromEnv({
    PORT: '0',
    DATA_DIR: dir.path,
    DATABASE_URL: database.url,
    OLP_KEYS: keySpec,
    PORTAL_ID: 'portal-test',
    SERVER_ID: 'server-test',
    ADMIN_PASSWORD: 'admin-password',
    LOG_LEVEL: 'error',
    ...opts.env,
  });
  const app = await createPortalApp(config);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const stop = () => app.close();
  return {
    app,
    url,
    config,
    keySpec,
    dataDir: dir.path,
    database,
    stop,
    close: async () => {
      await stop();
      await database.drop();
      if (!opts.reuse) dir.remove();
    },
  };
}
