import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutputService } from '../../../src/portal/output/output.service.js';
import { DatabaseService as PortalDatabase } from '../../../src/portal/storage/database.service.js';
import { insertOutgoingMessage } from '../../factories/open-lines.factory.js';
import { api, login, testAdmin } from '../../support/api-client.js';
import { connectLiveChat, startLiveChatPair, type LiveChatPair } from '../../support/livechat.js';
import type { TestPortal } from '../../support/portal.js';
import type { TestServer } from '../support/server.js';
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
  let pair: LiveChatPair;
  let server: TestServer;
  let portal: TestPortal;
  let portalDb: PortalDatabase['client'];
  let lineId: number;
  let visitor: Visitor;

  beforeAll(async () => {
    pair = await startLiveChatPair();
    ({ server, portal } = pair);
    portalDb = portal.app.get(PortalDatabase).client;

    // An admin connects the live chat to a line with the portal's channel wizard.
    const token = await login(portal, testAdmin.email, testAdmin.password);
    const line = await api<{ id: number }>(portal, 'POST', '/api/lines', {
      token,
      body: { name: 'Website' },
    });
    lineId = line.body.id;
    visitor = new Visitor(server.url, await connectLiveChat(portal, token, lineId));
  });
  afterAll(async () => {
    await pair.close();
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
