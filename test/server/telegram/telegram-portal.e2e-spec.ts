import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/common/clock.js';
import { OutputService } from '../../../src/portal/output/output.service.js';
import { telegramConnector } from '../../../src/server/connectors/telegram/telegram.connector.js';
import { tgUpdate } from '../../factories/telegram.factory.js';
import { api, login, testAdmin } from '../../support/api-client.js';
import { startPortal, type TestPortal } from '../../support/portal.js';
import { TelegramApiStandIn } from '../../support/stand-ins/telegram-api.js';
import { startServer, type TestServer } from '../support/server.js';
import { BOT } from './telegram-fixture.js';

/** Runs `step` until `done` holds; the portal and its workers keep their own (real) time. */
async function until(
  done: () => Promise<boolean>,
  step: () => Promise<unknown> = async () => {},
): Promise<void> {
  for (let round = 0; round < 500; round++) {
    await step();
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition never held');
}

interface ChatBody {
  id: number;
  connector: string;
  externalChatId: string;
  lastMessage: { text: string; direction: string } | null;
}

describe('Telegram through the connector server to the real portal and back', () => {
  let telegram: TelegramApiStandIn;
  let server: TestServer;
  let portal: TestPortal;
  let token: string;
  let lineId: string;

  beforeAll(async () => {
    telegram = await new TelegramApiStandIn().addBot(BOT).start();
    server = await startServer({
      connectors: [telegramConnector],
      clock: new ManualClock(Date.now()),
      env: { TELEGRAM_API_URL: telegram.url },
    });
    portal = await startPortal({ env: { CONNECTOR_SERVER_URL: server.url } });
    await server.registry.add({ id: portal.config.portalId, baseUrl: portal.url, keySpec: portal.keySpec });
    token = await login(portal, testAdmin.email, testAdmin.password);
    const line = await api<{ id: number }>(portal, 'POST', '/api/lines', {
      token,
      body: { name: 'Support' },
    });
    lineId = String(line.body.id);
  });
  afterAll(async () => {
    await portal.close();
    await server.close();
    await telegram.close();
  });

  it('should connect the bot from the portal’s channel setup', async () => {
    const res = await api<{ ok: boolean }>(
      portal,
      'POST',
      `/api/lines/${lineId}/connectors/telegrambot/setup`,
      {
        token,
        body: { params: { token: BOT.token } },
      },
    );
    expect(res.body.ok).toBe(true);
    expect(telegram.calls.map((c) => c.method)).toEqual(['getMe', 'setWebhook']);
    expect(telegram.webhooks.get(BOT.token)?.secret_token).toBeTruthy();
  });

  it('should bring a Telegram update into the portal’s chat', async () => {
    const hook = telegram.webhooks.get(BOT.token)!;
    const res = await fetch(`${server.url}/hook${new URL(hook.url).search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': hook.secret_token! },
      body: JSON.stringify(
        tgUpdate({ text: 'Where is my order?', entities: [{ type: 'italic', offset: 12, length: 5 }] }),
      ),
    });
    expect(res.status).toBe(200);

    let chats: ChatBody[] = [];
    await until(
      async () => {
        chats = (await api<ChatBody[]>(portal, 'GET', `/api/chats?line=${lineId}`, { token })).body;
        return chats.length > 0 && chats[0].lastMessage !== null;
      },
      () => server.queue.tick(),
    );
    expect(chats).toEqual([
      expect.objectContaining({
        connector: 'telegrambot',
        externalChatId: '1111111',
        lastMessage: expect.objectContaining({ text: 'Where is my [i]order[/i]?', direction: 'in' }),
      }),
    ]);
    // The portal's own setStatusDelivered (through its outbox) releases the server's queue.
    await until(
      async () => (await server.db.queueItem.count()) === 0,
      () => server.queue.tick(),
    );
  });

  it('should carry an operator message from Output.sendMessage to Telegram’s sendMessage', async () => {
    await portal.app
      .get(OutputService, { strict: false })
      .connector('telegrambot', lineId)
      .sendMessage([
        {
          im: { chat_id: 1, message_id: 1 },
          chat: { id: '1111111' },
          message: { text: '[b]On its way[/b] & soon' },
        },
      ]);
    await until(
      async () => telegram.callsOf('sendMessage').length > 0,
      () => server.outbound.tick(),
    );
    expect(telegram.callsOf('sendMessage').map((c) => c.params)).toEqual([
      { chat_id: '1111111', text: '<b>On its way</b> &amp; soon', parse_mode: 'HTML' },
    ]);
    // The delivery report with Telegram's message id goes back to the portal.
    await until(
      async () => (await server.db.queueItem.count()) === 0,
      () => server.queue.tick(),
    );
  });
});
