import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/common/clock.js';
import { OutputService } from '../../../src/portal/output/output.service.js';
import { DatabaseService as PortalDatabase } from '../../../src/portal/storage/database.service.js';
import { BOTFRAMEWORK_CONNECTOR } from '../../../src/server/connectors/botframework/botframework.definition.js';
import { BOT_ACCOUNT, messageActivity, USER_ACCOUNT } from '../../factories/botframework-activity.factory.js';
import { startPortal, type TestPortal } from '../../support/portal.js';
import { BotFrameworkStandIn } from '../../support/stand-ins/botframework.js';
import { addLine, startServer, type TestServer } from '../support/server.js';
import { APP_ID, APP_PASSWORD } from './support.js';

/** Polls until `check` holds: the portal's workers run on their own timers. */
async function until<T>(what: string, check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen`);
}

describe('Bot Framework with the real portal', () => {
  let bf: BotFrameworkStandIn;
  let server: TestServer;
  let portal: TestPortal;
  beforeAll(async () => {
    // The portal keeps real time; the server and the Bot Framework stand-in start at the same moment.
    const clock = new ManualClock(Date.now());
    bf = await new BotFrameworkStandIn(clock).start();
    bf.apps.set(APP_ID, APP_PASSWORD);
    server = await startServer({ connectors: [BOTFRAMEWORK_CONNECTOR], clock, env: bf.env() });
    portal = await startPortal({ env: { CONNECTOR_SERVER_URL: server.url } });
    await server.registry.add({ id: portal.config.portalId, baseUrl: portal.url, keySpec: portal.keySpec });
  });
  afterAll(async () => {
    await portal.close();
    await server.close();
    await bf.close();
  });

  it('should bring an activity to the portal’s chat and the operator’s reply back to the conversation', async () => {
    const line = await addLine(server, {
      portalId: portal.config.portalId,
      connector: 'botframework',
      lineId: '1',
      settings: { appId: APP_ID, appPassword: APP_PASSWORD },
    });
    const activity = messageActivity({
      serviceUrl: bf.serviceUrl,
      channelId: 'msteams',
      conversationId: 'conv-42',
    });
    const res = await bf.post(`${server.url}/hook?h=${encodeURIComponent(line.hash)}`, activity, {
      appId: APP_ID,
    });
    expect(res.status).toBe(200);

    const db = portal.app.get(PortalDatabase).client;
    const key = { connector: 'botframework.msteams', lineId: '1', externalChatId: 'conv-42' };
    await until('delivery to the portal', async () => {
      await server.queue.tick();
      return (await server.db.queueItem.count()) === 0 && (await db.chat.findFirst({ where: key }));
    });
    // The portal's Bot Framework step kept the chat's sender data for the reply.
    await until('the sender data', () => db.botframeworkSender.findFirst({ where: key }));

    await portal.app
      .get(OutputService)
      .connector('botframework.msteams', '1')
      .sendMessage([
        {
          im: { chat_id: '1', message_id: '1' },
          chat: { id: 'conv-42' },
          message: { text: 'Hello from [b]support[/b]' },
        },
      ]);
    await until('the reply at the Bot Connector', async () => {
      await server.outbound.tick();
      return bf.calls.length > 0;
    });

    expect(bf.calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/amer/v3/conversations/conv-42/activities',
        body: {
          type: 'message',
          from: BOT_ACCOUNT,
          recipient: USER_ACCOUNT,
          conversation: { id: 'conv-42', name: "conversation's name" },
          text: 'Hello from **support**',
          textFormat: 'markdown',
        },
      }),
    ]);
  });
});
