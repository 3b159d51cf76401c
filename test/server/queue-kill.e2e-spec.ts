import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Clock } from '../../src/common/clock.js';
import { generateKeySpec, parseKeyRing } from '../../src/protocol/index.js';
import { botToken, tgUpdate } from '../factories/telegram.factory.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { TelegramApiStandIn } from '../support/stand-ins/telegram-api.js';
import { PortalStandIn, postSigned } from './support/portal-stand-in.js';
import { killAll, root, spawnBuiltServer } from './support/spawned-server.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';
const BOT = { token: botToken(876543219), id: 876543219, username: 'qkill_bot', first_name: 'QKill' };
/** Far below the queue's lease (QUEUE_CONFIRM_TIMEOUT, 60 s by default) that held a killed server's line. */
const TAKEN_BACK_WITHIN_MS = 8_000;

/**
 * kill -9 of the connector server while its queue worker pushes a customer's message to a portal
 * that never answers, then a new server process on the same database: the message is pushed again
 * within seconds, not when the dead process's lease (the confirmation timeout) runs out.
 */
describe('Queue: a server killed in the middle of a push to the portal', () => {
  const clock = new Clock();
  const keySpec = generateKeySpec('k1');
  let dir: ReturnType<typeof tempDir>;
  let database: TestDatabase;
  let telegram: TelegramApiStandIn;
  let portal: PortalStandIn;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }, 120_000);
  beforeEach(async () => {
    dir = tempDir('sb-queuekill-');
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

  const olp = async (url: string, command: string) => {
    const res = await postSigned({
      url: `${url}/olp/v1/portal`,
      iss: PORTAL_ID,
      aud: SERVER_ID,
      keys: parseKeyRing(keySpec),
      clock,
      body: {
        command,
        connector: 'telegrambot',
        line: '1',
        data: command === 'saveSettings' ? [{ token: BOT.token }] : [],
      },
    });
    if (res.status >= 300) throw new Error(`${command}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  /** Telegram delivers a customer's message to the server's webhook. */
  const customerWrites = async (url: string) => {
    const hook = telegram.webhooks.get(BOT.token);
    if (!hook) throw new Error('no webhook is set for the bot');
    const res = await fetch(
      `${url}/hook?h=${encodeURIComponent(new URL(hook.url).searchParams.get('h') ?? '')}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': hook.secret_token ?? '',
        },
        body: JSON.stringify(tgUpdate({ text: 'Hello?' })),
      },
    );
    expect(res.status).toBe(200);
  };

  const pushes = () => portal.received.filter((p) => p.command === 'receivingMessage');

  it.each<{ how: string; first: Record<string, string>; second: Record<string, string>; samePort: boolean }>([
    {
      how: 'the process restarted on its port (the default instance), at once',
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
    'should have the killed process’s line taken back by $how, and the message pushed within seconds',
    async ({ first: firstEnv, second: secondEnv, samePort }) => {
      const first = await spawnServer(firstEnv);
      for (const command of ['saveSettings', 'testConnect', 'register']) await olp(first.url, command);

      // The portal stand-in takes the first push and never answers it.
      portal.mode = 'hold';
      await customerWrites(first.url);
      await eventually(
        'the hanging push',
        () => pushes().length,
        (n) => n === 1,
      );

      first.child.kill('SIGKILL');
      await once(first.child, 'exit');
      expect(first.child.signalCode).toBe('SIGKILL');

      portal.mode = 'confirm-after';
      const restartedAt = Date.now();
      await spawnServer(secondEnv, samePort ? first.port : undefined);
      await eventually(
        'the message to be pushed again',
        () => pushes().length,
        (n) => n === 2,
        TAKEN_BACK_WITHIN_MS,
      );
      const tookMs = Date.now() - restartedAt;
      console.log(`message pushed ${tookMs} ms after the restart (queue lease: 60 s)`);
      expect(tookMs).toBeLessThan(TAKEN_BACK_WITHIN_MS);
      const [held, again] = pushes();
      expect(again.data).toEqual(held.data);
      // The portal's setStatusDelivered reaches the new process, which accepts it.
      await eventually(
        'the confirmation',
        () => portal.confirmations,
        (c) => c.includes(202),
      );
    },
    120_000,
  );
});
