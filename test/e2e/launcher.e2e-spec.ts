import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { launch, type Launched } from '../../src/launcher.js';
import { Visitor } from '../server/livechat/visitor.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { createTestDatabase, tempDir, testProvider, type TestDatabase } from '../support/database.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return String(port);
}

/** Runs `check` until it holds (bounded, so a regression fails instead of hanging). */
async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('npm start: the launcher runs portal and server together', () => {
  const dir = tempDir('sb-launch-');
  const databases: TestDatabase[] = [];
  let launched: Launched;
  let output = '';

  beforeAll(async () => {
    // The launcher starts the built processes, as `npm start` does.
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    const urls: Record<string, string> = {};
    if (testProvider === 'postgresql') {
      for (const side of ['PORTAL', 'SERVER']) {
        const db = await createTestDatabase(dir.path);
        databases.push(db);
        urls[`${side}_DATABASE_URL`] = db.url;
      }
    }
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launched = launch({
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dir.path,
        PORTAL_PORT: await freePort(),
        SERVER_PORT: await freePort(),
        ADMIN_PASSWORD: testAdmin.password,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
        ...urls,
      },
      out,
      distDir: join(root, 'dist'),
    });
  }, 300_000);
  afterAll(async () => {
    await launched.stop();
    for (const db of databases) await db.drop();
    dir.remove();
  });

  it('should start both, print the portal’s URLs, and carry a live chat message into the portal', async () => {
    for (const url of [launched.portalUrl, launched.serverUrl]) {
      const health = await until(async () => {
        const res = await fetch(`${url}/health`);
        return res.status === 200 ? ((await res.json()) as { status: string }) : undefined;
      }, `${url}/health`);
      expect(health.status).toBe('ok');
    }
    expect(output).toContain(`[portal] Switchboard portal listening on ${launched.portalUrl}`);
    expect(output).toContain(`[server] Switchboard connector server`);

    // The default configuration: shared development keys, the portal registered on the server.
    const portal = { url: launched.portalUrl };
    const token = await login(portal, testAdmin.email, testAdmin.password);
    const line = await api<{ id: number }>(portal, 'POST', '/api/lines', {
      token,
      body: { name: 'Website' },
    });
    const setup = await api<{ ok: boolean; steps: { step: string; data?: { url?: string } }[] }>(
      portal,
      'POST',
      `/api/lines/${line.body.id}/connectors/livechat/setup`,
      { token, body: { params: {} } },
    );
    expect(setup.body.ok).toBe(true);
    const demo = setup.body.steps.find((s) => s.step === 'register')?.data?.url ?? '';
    const hash = decodeURIComponent(/\/livechat\/([^/]+)\/demo$/.exec(demo)?.[1] ?? '');

    const visitor = new Visitor(launched.serverUrl, hash);
    const session = await visitor.start({ name: 'Ann' });
    expect((await visitor.post({ text: 'Hello from the website' })).status).toBe(202);

    const chat = await until(async () => {
      const res = await api<{ externalChatId: string; lastMessage: { text: string } | null }[]>(
        portal,
        'GET',
        `/api/chats?line=${line.body.id}`,
        { token },
      );
      return res.body.find((c) => c.externalChatId === session.chatId && c.lastMessage);
    }, 'the chat in the portal');
    expect(chat.lastMessage?.text).toBe('Hello from the website');
  }, 180_000);

  it('should stop both processes', async () => {
    await launched.stop();
    expect(await launched.exited).toBe(0);
    expect(output).toContain('[portal] exited');
    expect(output).toContain('[server] exited');
  });
});
