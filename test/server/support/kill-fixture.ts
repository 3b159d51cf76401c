import { afterEach, beforeAll, beforeEach } from '@jest/globals';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { Clock } from '../../../src/common/clock.js';
import { generateKeySpec, parseKeyRing } from '../../../src/protocol/index.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../../support/database.js';
import { TelegramApiStandIn, type StandInBot } from '../../support/stand-ins/telegram-api.js';
import { PortalStandIn, postSigned } from './portal-stand-in.js';
import { killAll, root, spawnBuilt, type SpawnedProcess } from '../../support/spawned.js';

export const SERVER_ID = 'server-test';
export const PORTAL_ID = 'portal-test';

export interface KillFixture {
  readonly telegram: TelegramApiStandIn;
  readonly portal: PortalStandIn;
  /** Spawns the built server on the test's database and points the portal stand-in at it. */
  spawnServer(env: Record<string, string>, port?: string): Promise<SpawnedProcess>;
  /** A signed portal-to-server call on the Telegram line '1'; throws unless it is taken. */
  olp(url: string, command: string, data: unknown[]): Promise<void>;
  /** saveSettings, testConnect and register of the bot on line '1'. */
  connect(url: string): Promise<void>;
}

/**
 * For a kill -9 test of the connector server: builds once, and gives each test its own database,
 * a Telegram API stand-in with `bot`, and a portal stand-in; whatever is left running is killed.
 */
export function useKillFixture(bot: StandInBot): KillFixture {
  const clock = new Clock();
  const keySpec = generateKeySpec('k1');
  const children: ChildProcess[] = [];
  let dir: ReturnType<typeof tempDir>;
  let database: TestDatabase;
  let telegram: TelegramApiStandIn;
  let portal: PortalStandIn;

  beforeAll(() => {
    // The processes run the built server, as `npm start` does.
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }, 120_000);
  beforeEach(async () => {
    dir = tempDir('sb-kill-');
    database = await createTestDatabase(dir.path);
    telegram = await new TelegramApiStandIn().addBot(bot).start();
    portal = await new PortalStandIn({
      portalId: PORTAL_ID,
      serverId: SERVER_ID,
      keySpec,
      clock,
      serverUrl: '',
    }).start();
  });
  afterEach(async () => {
    await killAll(children);
    await portal.close();
    await telegram.close();
    await database.drop();
    dir.remove();
  });

  const olp: KillFixture['olp'] = async (url, command, data) => {
    const res = await postSigned({
      url: `${url}/olp/v1/portal`,
      iss: PORTAL_ID,
      aud: SERVER_ID,
      keys: parseKeyRing(keySpec),
      clock,
      body: { command, connector: 'telegrambot', line: '1', data },
    });
    if (res.status >= 300) throw new Error(`${command}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  return {
    get telegram() {
      return telegram;
    },
    get portal() {
      return portal;
    },
    spawnServer: async (env, port) => {
      const server = await spawnBuilt({
        entry: 'dist/server/main.js',
        env: {
          DATA_DIR: dir.path,
          DATABASE_URL: database.url,
          SERVER_ID,
          PORTAL_ID,
          PORTAL_URL: portal.url,
          OLP_KEYS: keySpec,
          TELEGRAM_API_URL: telegram.url,
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'error',
          ...env,
        },
        port,
        children,
      });
      portal.serverUrl = server.url;
      return server;
    },
    olp,
    connect: async (url) => {
      await olp(url, 'saveSettings', [{ token: bot.token }]);
      await olp(url, 'testConnect', []);
      await olp(url, 'register', []);
    },
  };
}
