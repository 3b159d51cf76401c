import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Clock } from '../../src/common/clock.js';
import { generateKeySpec, parseKeyRing } from '../../src/protocol/index.js';
import { botToken } from '../factories/telegram.factory.js';
import { TelegramApiStandIn } from '../support/stand-ins/telegram-api.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../support/database.js';
import { PortalStandIn, postSigned } from './support/portal-stand-in.js';
import { killAll, root, spawnBuiltServer } from './support/spawned-server.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';
const BOT = { token: botToken(987654321), id: 987654321, username: 'kill_bot', first_name: 'Kill' };
/** Far below the outbound lease (OUTBOUND_LEASE, 5 min by default) that held a killed server's line. */
const TAKEN_BACK_WITHIN_MS = 8_000;

async function eventually(pred: () => Promise<boolean>, what: string, withinMs = 30_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await pred().catch(() => false))) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * kill -9 of the connector server while its outbound worker holds a line (Telegram's sendMessage
 * hangs), then a new server process on the same database: the reply goes out within seconds, not
 * when the dead process's outbound lease (5 min) runs out.
 */
describe('Outbound: a server killed in the middle of sending a reply', () => {
  const clock = new Clock();
  const keySpec = generateKeySpec('k1');
  let dir: ReturnType<typeof tempDir>;
  let database: TestDatabase;
  let telegram: TelegramApiStandIn;
  let portal: PortalStandIn;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    // The processes run the built server, as `npm start` does.
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }, 120_000);
  beforeEach(async () => {
    dir = tempDir('sb-outkill-');
    database = await createTestDatabase(dir.path);
    telegram = await new TelegramApiStandIn().addBot(BOT).start();
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

  /** Spawns the built server on the test's database and points the portal stand-in at it. */
  const spawnServer = async (extra: Record<string, string>, port?: string) => {
    const server = await spawnBuiltServer({
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
        ...extra,
      },
      port,
      children,
    });
    portal.serverUrl = server.url;
    return server;
  };

  const olp = async (url: string, command: string, data: unknown[]) => {
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

  it.each<{ how: string; first: Record<string, string>; second: Record<string, string>; samePort: boolean }>([
    {
      how: 'the process restarted on its port (the default instance), at once',
      // A liveness window far above the figure asserted: the new process takes the line back
      // because it supersedes its predecessor, not because a heartbeat went stale.
      first: { WORKER_OWNER_TIMEOUT: '10m' },
      second: { WORKER_OWNER_TIMEOUT: '10m' },
      samePort: true,
    },
    {
      how: 'a process of another instance once the dead one’s heartbeat is past the window',
      first: { WORKER_INSTANCE: 'server-a', WORKER_OWNER_TIMEOUT: '2s' },
      second: { WORKER_INSTANCE: 'server-b', WORKER_OWNER_TIMEOUT: '2s' },
      samePort: false,
    },
  ])(
    'should have the killed process’s line taken back by $how, and the reply sent within seconds',
    async ({ first: firstEnv, second: secondEnv, samePort }) => {
      const first = await spawnServer(firstEnv);
      await olp(first.url, 'saveSettings', [{ token: BOT.token }]);
      await olp(first.url, 'testConnect', []);
      await olp(first.url, 'register', []);

      telegram.hangNext('sendMessage');
      await olp(first.url, 'sendMessage', [
        [{ im: { chat_id: 1, message_id: 1 }, chat: { id: '1111111' }, message: { text: 'On its way' } }],
      ]);
      await eventually(async () => telegram.callsOf('sendMessage').length === 1, 'the hanging send');

      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
      expect(first.child.signalCode).toBe('SIGKILL');

      const restartedAt = Date.now();
      await spawnServer(secondEnv, samePort ? first.port : undefined);
      await eventually(
        async () => telegram.callsOf('sendMessage').length === 2,
        'the reply to be sent again',
        TAKEN_BACK_WITHIN_MS,
      );
      const tookMs = Date.now() - restartedAt;
      console.log(`reply sent ${tookMs} ms after the restart (outbound lease: 5 min)`);
      expect(tookMs).toBeLessThan(TAKEN_BACK_WITHIN_MS);
      expect(telegram.callsOf('sendMessage').map((c) => c.params.text)).toEqual(['On its way', 'On its way']);
      // The portal hears of the delivery, from the new process.
      await eventually(
        async () => portal.received.some((p) => p.command === 'receivingStatusDelivery'),
        'the delivery report',
      );
    },
    120_000,
  );
});
