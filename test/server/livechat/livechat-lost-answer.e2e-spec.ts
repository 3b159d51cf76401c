import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/common/clock.js';
import { OutputService } from '../../../src/portal/output/output.service.js';
import { DatabaseService as PortalDatabase } from '../../../src/portal/storage/database.service.js';
import { liveChatDefinition } from '../../../src/server/connectors/livechat/livechat.connector.js';
import { insertOutgoingMessage } from '../../factories/open-lines.factory.js';
import { api, login, testAdmin } from '../../support/api-client.js';
import { connectLiveChat } from '../../support/livechat.js';
import { startPortal, type TestPortal } from '../../support/portal.js';
import { AnswerDroppingProxy } from '../support/answer-dropping-proxy.js';
import { startServer, type TestServer } from '../support/server.js';
import { Visitor } from './visitor.js';

/** Runs `step` until `done` holds (bounded, so a regression fails instead of hanging). */
async function until(done: () => Promise<boolean>, step: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await done()) return;
    await step();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('gave up waiting');
}

describe('live chat reply whose 202 the portal never got', () => {
  const proxy = new AnswerDroppingProxy();
  let server: TestServer;
  let portal: TestPortal;
  let portalDb: PortalDatabase['client'];
  let visitor: Visitor;
  let lineId: number;

  beforeAll(async () => {
    const proxyUrl = await proxy.start();
    server = await startServer({ connectors: [liveChatDefinition], clock: new ManualClock(Date.now()) });
    proxy.target = server.url;
    portal = await startPortal({ env: { CONNECTOR_SERVER_URL: proxyUrl } });
    await server.registry.add({ id: portal.config.portalId, baseUrl: portal.url, keySpec: portal.keySpec });
    portalDb = portal.app.get(PortalDatabase).client;
    const token = await login(portal, testAdmin.email, testAdmin.password);
    lineId = (await api<{ id: number }>(portal, 'POST', '/api/lines', { token, body: { name: 'Web' } })).body
      .id;
    visitor = new Visitor(server.url, await connectLiveChat(portal, token, lineId));
  });
  afterAll(async () => {
    await portal.close();
    await server.close();
    await proxy.close();
  });

  it('should reach the visitor once though the outbox sent the call twice', async () => {
    const session = await visitor.start({ name: 'Ann' });
    await visitor.post({ text: 'Hello?' });
    const findChat = () =>
      portalDb.chat.findFirst({ where: { connector: 'livechat', externalChatId: session.chatId } });
    await until(
      async () => !!(await findChat()),
      () => server.queue.tick(),
    );
    const chat = (await findChat())!;
    const reply = await insertOutgoingMessage(portal.app.get(PortalDatabase), {
      chatId: chat.id,
      text: 'Hi Ann',
    });

    proxy.drop.push('sendMessage');
    await portal.app
      .get(OutputService)
      .connector('livechat', String(lineId))
      .sendMessage([
        {
          im: { chat_id: String(chat.id), message_id: String(reply.id) },
          chat: { id: session.chatId },
          message: { text: 'Hi Ann' },
        },
      ]);
    // The outbox retries the call it got no answer to; meanwhile the server delivers the first one.
    const sends = () => proxy.calls.filter((c) => c.command === 'sendMessage');
    await until(
      () => Promise.resolve(sends().length === 2),
      () => server.outbound.tick(),
    );
    await until(
      async () =>
        (await portalDb.message.findUniqueOrThrow({ where: { id: reply.id } })).status === 'delivered',
      async () => {
        await server.outbound.tick();
        await server.queue.tick();
      },
    );

    // The server took both calls (the first answer was lost), and the visitor got one message.
    expect(sends()).toEqual([
      { command: 'sendMessage', status: 202, dropped: true },
      { command: 'sendMessage', status: 202, dropped: false },
    ]);
    expect(await server.db.outboundReceipt.count()).toBe(1);
    expect(await server.db.outboundCall.count()).toBe(0);
    const { events } = await visitor.poll(0, 0);
    expect(events.map((e) => `${e.type}:${e.message.text ?? ''}`)).toEqual(['message:Hi Ann']);
  });
});
