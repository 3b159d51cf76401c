import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/common/clock.js';
import { OutputService } from '../../../src/portal/output/output.service.js';
import { DatabaseService as PortalDatabase } from '../../../src/portal/storage/database.service.js';
import { liveChatDefinition } from '../../../src/server/connectors/livechat/livechat.connector.js';
import { insertOutgoingMessage } from '../../factories/open-lines.factory.js';
import { api, login, testAdmin } from '../../support/api-client.js';
import { startPortal, type TestPortal } from '../../support/portal.js';
import { startServer, type TestServer } from '../support/server.js';
import { Visitor } from './visitor.js';

/** Runs `step` until `done` holds (bounded, so a regression fails instead of hanging). */
async function until(done: () => Promise<boolean>, step: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await done()) return;
    await step();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('gave up waiting');
}

describe('live chat with the real portal', () => {
  let server: TestServer;
  let portal: TestPortal;
  let portalDb: PortalDatabase['client'];
  let lineId: number;
  let visitor: Visitor;

  beforeAll(async () => {
    // The portal keeps real time; the server's clock starts at the same moment.
    server = await startServer({ connectors: [liveChatDefinition], clock: new ManualClock(Date.now()) });
    portal = await startPortal({ env: { CONNECTOR_SERVER_URL: server.url } });
    portalDb = portal.app.get(PortalDatabase).client;
    await server.registry.add({ id: portal.config.portalId, baseUrl: portal.url, keySpec: portal.keySpec });

    // An admin connects the live chat to a line with the portal's channel wizard.
    const token = await login(portal, testAdmin.email, testAdmin.password);
    const line = await api<{ id: number }>(portal, 'POST', '/api/lines', {
      token,
      body: { name: 'Website' },
    });
    lineId = line.body.id;
    const setup = await api<{ ok: boolean; steps: { step: string; data?: { url?: string } }[] }>(
      portal,
      'POST',
      `/api/lines/${lineId}/connectors/livechat/setup`,
      { token, body: { params: {} } },
    );
    expect(setup.body.ok).toBe(true);
    // register answers with the widget's address, which names the line's hash.
    const demo = setup.body.steps.find((s) => s.step === 'register')?.data?.url ?? '';
    const hash = decodeURIComponent(/\/livechat\/([^/]+)\/demo$/.exec(demo)?.[1] ?? '');
    visitor = new Visitor(server.url, hash);
  });
  afterAll(async () => {
    await portal.close();
    await server.close();
  });

  it('should bring a visitor’s message to the portal’s chat and the operator’s reply to the visitor', async () => {
    const session = await visitor.start({ name: 'Ann' });
    expect((await visitor.post({ text: 'Hello, anyone there?' })).status).toBe(202);

    const findChat = () =>
      portalDb.chat.findFirst({
        where: { connector: 'livechat', lineId: String(lineId), externalChatId: session.chatId },
      });
    await until(
      async () => !!(await findChat()) && (await portalDb.message.count({ where: { direction: 'in' } })) > 0,
      () => server.queue.tick(),
    );
    const chat = (await findChat())!;
    expect(await portalDb.message.findMany({ where: { chatId: chat.id }, select: { text: true } })).toEqual([
      { text: 'Hello, anyone there?' },
    ]);
    // The portal confirmed: nothing stays queued on the server.
    await until(
      async () => (await server.db.queueItem.count()) === 0,
      () => server.queue.tick(),
    );

    const reply = await insertOutgoingMessage(portal.app.get(PortalDatabase), {
      chatId: chat.id,
      text: 'Yes, how can I help?',
    });
    const stream = visitor.stream(1);
    await portal.app
      .get(OutputService)
      .connector('livechat', String(lineId))
      .sendMessage([
        {
          im: { chat_id: String(chat.id), message_id: String(reply.id) },
          chat: { id: session.chatId },
          message: { text: 'Yes, how can I help?' },
        },
      ]);
    await until(
      async () => (await server.db.liveChatEvent.count()) > 0,
      () => server.outbound.tick(),
    );
    const [frame] = await stream;
    expect(frame.data).toMatchObject({ type: 'message', message: { text: 'Yes, how can I help?' } });

    await until(
      async () =>
        (await portalDb.message.findUniqueOrThrow({ where: { id: reply.id } })).status === 'delivered',
      () => server.queue.tick(),
    );
    expect(await portalDb.message.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({
      status: 'delivered',
    });
  });
});
