import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { olpBody, olpMessage, signedPost } from '../factories/packet.factory.js';
import { PortalConfig } from '../../src/portal/config.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { StandInServer } from '../files/stand-in-server.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../support/database.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { kill9, killAll, root, spawnBuilt, type SpawnedProcess } from '../support/spawned.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';
const FILE_HOST = '127.0.0.2';
/** Far below the inbox lease (5 min by default) that held a killed process's rows before. */
const TAKEN_BACK_WITHIN_MS = 8_000;

async function eventually(pred: () => Promise<boolean>, what: string, withinMs = 30_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await pred().catch(() => false))) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * kill -9 of the portal while a message of a chat is being processed (its file download hangs),
 * then a new portal process on the same database: the chat's held row and the chat's later
 * message are processed within seconds, not when the dead process's lease (5 min) runs out.
 */
describe('Input: a portal killed in the middle of processing', () => {
  const dir = tempDir('sb-kill-');
  const keySpec = generateKeySpec('srv1');
  let database: TestDatabase;
  let peer: OlpPeer;
  let files: StandInServer;
  let reader: DatabaseService;
  const children: ChildProcess[] = [];
  /** Requests per file path: the first of each never answers (its process is killed during it). */
  const downloads = new Map<string, number>();

  beforeAll(async () => {
    // The processes run the built portal, as `npm start` does.
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    database = await createTestDatabase(dir.path);
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    files = await StandInServer.start(FILE_HOST);
  }, 120_000);
  afterAll(async () => {
    await killAll(children);
    await reader?.onModuleDestroy();
    await files?.close();
    await peer?.close();
    await database?.drop();
    dir.remove();
  });

  const env = (extra: Record<string, string>): Record<string, string> => ({
    DATA_DIR: dir.path,
    DATABASE_URL: database.url,
    OLP_KEYS: keySpec,
    PORTAL_ID,
    SERVER_ID,
    CONNECTOR_SERVER_URL: peer.url,
    ADMIN_PASSWORD: 'admin-password',
    FILE_ALLOW_HOSTS: FILE_HOST,
    FILE_ATTEMPTS: '1',
    FILE_READ_TIMEOUT_MS: '600000',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    ...extra,
  });

  /** Spawns `node dist/portal/main.js` and resolves with its URL once /health answers. */
  const spawnPortal = (extra: Record<string, string>, port?: string): Promise<SpawnedProcess> =>
    spawnBuilt({ entry: 'dist/portal/main.js', env: env(extra), port, children });

  const post = (url: string, messages: ReturnType<typeof olpMessage>[]) =>
    signedPost(`${url}/olp/v1/input`, olpBody('receivingMessage', messages), {
      keySpec,
      iss: SERVER_ID,
      aud: PORTAL_ID,
    });

  const stateOf = async (messageId: string) =>
    (await reader.client.inboxMessage.findFirst({ where: { messageId } }))?.state;

  it.each<{
    how: string;
    chat: string;
    first: Record<string, string>;
    second: Record<string, string>;
    samePort: boolean;
  }>([
    {
      how: 'the process restarted on its port (the default instance), at once',
      // A liveness window far above the figure asserted: the new process takes the rows back
      // because it supersedes its predecessor, not because a heartbeat went stale.
      chat: 'same-port',
      first: { WORKER_OWNER_TIMEOUT: '10m' },
      second: { WORKER_OWNER_TIMEOUT: '10m' },
      samePort: true,
    },
    {
      how: 'a new process of its named instance, at once',
      chat: 'named',
      first: { WORKER_INSTANCE: 'portal-1', WORKER_OWNER_TIMEOUT: '10m' },
      second: { WORKER_INSTANCE: 'portal-1', WORKER_OWNER_TIMEOUT: '10m' },
      samePort: false,
    },
    {
      how: 'a process of another instance once the dead one’s heartbeat is past the window',
      chat: 'silent',
      first: { WORKER_INSTANCE: 'portal-a', WORKER_OWNER_TIMEOUT: '2s' },
      second: { WORKER_INSTANCE: 'portal-b', WORKER_OWNER_TIMEOUT: '2s' },
      samePort: false,
    },
  ])(
    'should have the killed process’s row taken back by $how, and the chat go on within seconds',
    async ({ chat, first: firstEnv, second: secondEnv, samePort }) => {
      const path = `/slow-${chat}.txt`;
      files.route(path, (res) => {
        downloads.set(path, (downloads.get(path) ?? 0) + 1);
        if (downloads.get(path)! > 1) res.end('the file');
      });
      const first = await spawnPortal(firstEnv);
      if (!reader) {
        reader = new DatabaseService(PortalConfig.fromEnv({ ...env({}), PORT: '0' }));
        await reader.connect();
      }

      const held = olpMessage({
        chatId: chat,
        message: { files: [{ url: files.url(path), name: 'slow.txt' }] },
      });
      const later = olpMessage({ chatId: chat });
      expect((await post(first.url, [held])).status).toBe(200);
      await eventually(
        async () => downloads.get(path) === 1 && (await stateOf(held.message.id)) === 'processing',
        'the download',
      );
      expect((await post(first.url, [later])).status).toBe(200);
      // The later message waits behind the held one of its chat.
      await new Promise((r) => setTimeout(r, 500));
      expect(await stateOf(later.message.id)).toBe('pending');

      await kill9(first);
      expect(first.child.signalCode).toBe('SIGKILL');
      expect(await stateOf(held.message.id)).toBe('processing');

      const restartedAt = Date.now();
      const second = await spawnPortal(secondEnv, samePort ? first.port : undefined);
      await eventually(
        async () =>
          (await stateOf(held.message.id)) === 'done' && (await stateOf(later.message.id)) === 'done',
        'both messages of the chat to be processed',
        TAKEN_BACK_WITHIN_MS,
      );
      const tookMs = Date.now() - restartedAt;
      console.log(`${chat}: both messages processed ${tookMs} ms after the restart (lease: 5 min)`);
      expect(tookMs).toBeLessThan(TAKEN_BACK_WITHIN_MS);
      expect(downloads.get(path)).toBe(2);
      const row = await reader.client.inboxMessage.findFirst({ where: { messageId: held.message.id } });
      expect(row?.attempts).toBe(2);

      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    },
    120_000,
  );
});
