import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/common/clock.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { CUT_MARKER, generateKeySpec, MAX_TEXT_LENGTH } from '../../src/protocol/index.js';
import { liveChatDefinition } from '../../src/server/connectors/livechat/livechat.connector.js';
import { telegramConnector } from '../../src/server/connectors/telegram/telegram.connector.js';
import { olpBody, olpMessage, signedPost } from '../factories/packet.factory.js';
import { tgUpdate } from '../factories/telegram.factory.js';
import { Visitor } from '../server/livechat/visitor.js';
import { startServer, type TestServer } from '../server/support/server.js';
import { BOT } from '../server/telegram/telegram-fixture.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { eventually } from '../support/eventually.js';
import { connectLiveChat } from '../support/livechat.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';
import { TelegramApiStandIn } from '../support/stand-ins/telegram-api.js';

const LONG = 'x'.repeat(MAX_TEXT_LENGTH);
const TOO_LONG = 'y'.repeat(MAX_TEXT_LENGTH + 2_000);
const CUT = `${'y'.repeat(MAX_TEXT_LENGTH - CUT_MARKER.length)}${CUT_MARKER}`;

/** What a customer sends, and what the portal must end up storing and showing. */
const CASES: [name: string, sent: string, stored: string][] = [
  ['a NUL', 'a\0b', 'ab'],
  ['a lone surrogate', 'c\ud800d\udfffe', 'cde'],
  ['an RTL override', 'invoice\u202efdp.exe', 'invoice\u202efdp.exe'],
  ['zero-width characters', 'pay\u200bp\ufeffal\u200d\u2060', 'pay\u200bp\ufeffal\u200d\u2060'],
  [`${MAX_TEXT_LENGTH} characters`, LONG, LONG],
];

type PortalDb = DatabaseService['client'];

/** Long texts by their start and length, so that a failure stays readable. */
const short = (text: string) =>
  text.length > 80 ? `${text.slice(0, 12)}…${text.slice(-48)} (${text.length})` : text;
const expected = (texts: string[]) => texts.map(short);

/** Every inbox row of the line ends processed (none parked failed); resolves the line's texts in order. */
async function processedTexts(db: PortalDb, connector: string, line: string, count: number) {
  const rows = await eventually(
    `${count} processed inbox rows of ${connector} line ${line}`,
    () => db.inboxMessage.findMany({ where: { connector, lineId: line }, orderBy: { id: 'asc' } }),
    (list) => list.length === count && list.every((r) => r.state === 'done' || r.state === 'failed'),
  );
  expect(rows.map((r) => [r.state, r.lastError])).toEqual(rows.map(() => ['done', null]));
  // Chats are processed in parallel: order by chat (external id), then by message within it.
  const chats = await db.chat.findMany({ where: { connector, lineId: line } });
  const external = new Map(chats.map((c) => [c.id, c.externalChatId]));
  const messages = (
    await db.message.findMany({
      where: { direction: 'in', chatId: { in: [...external.keys()] } },
      orderBy: { id: 'asc' },
    })
  ).sort((a, b) => external.get(a.chatId)!.localeCompare(external.get(b.chatId)!));
  return messages.map((m) => short(m.text));
}

describe('customer text from every edge, stored as acknowledged', () => {
  describe('channels through the connector server', () => {
    let telegram: TelegramApiStandIn;
    let server: TestServer;
    let portal: TestPortal;
    let db: PortalDb;
    let token: string;

    beforeAll(async () => {
      telegram = await new TelegramApiStandIn().addBot(BOT).start();
      server = await startServer({
        connectors: [liveChatDefinition, telegramConnector],
        clock: new ManualClock(Date.now()),
        env: { TELEGRAM_API_URL: telegram.url, WORKERS: 'true', WORKER_POLL: '50ms' },
      });
      portal = await startPortal({ env: { CONNECTOR_SERVER_URL: server.url } });
      await server.registry.add({ id: portal.config.portalId, baseUrl: portal.url, keySpec: portal.keySpec });
      db = portal.app.get(DatabaseService).client;
      token = await login(portal, testAdmin.email, testAdmin.password);
    });
    afterAll(async () => {
      await portal?.close();
      await server?.close();
      await telegram?.close();
    });

    const newLine = async (name: string) =>
      (await api<{ id: number }>(portal, 'POST', '/api/lines', { token, body: { name } })).body.id;

    it('should take every live chat case, refuse an over-long one naming the limit, and process what it took', async () => {
      const lineId = await newLine('Website');
      const visitor = new Visitor(server.url, await connectLiveChat(portal, token, lineId));
      await visitor.start({ name: 'Ann' });

      for (const [, sent] of CASES) expect((await visitor.post({ text: sent })).status).toBe(202);
      const queued = await server.db.queueItem.count();
      expect(await visitor.post({ text: TOO_LONG })).toEqual({
        status: 400,
        body: {
          ok: false,
          error: [{ code: 'HOOK_REJECTED', message: `text: at most ${MAX_TEXT_LENGTH} characters` }],
        },
      });
      expect(await server.db.queueItem.count()).toBeLessThanOrEqual(queued);

      expect(await processedTexts(db, 'livechat', String(lineId), CASES.length)).toEqual(
        expected(CASES.map(([, , stored]) => stored)),
      );
    });

    it("should take every Telegram case up to Telegram's own 4,096 characters and process them all", async () => {
      const lineId = String(await newLine('Telegram'));
      const setup = await api<{ ok: boolean }>(
        portal,
        'POST',
        `/api/lines/${lineId}/connectors/telegrambot/setup`,
        { token, body: { params: { token: BOT.token } } },
      );
      expect(setup.body.ok).toBe(true);
      const hook = telegram.webhooks.get(BOT.token)!;
      let messageId = 500;
      const deliver = (text: string) =>
        fetch(`${server.url}/hook${new URL(hook.url).search}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': hook.secret_token!,
          },
          body: JSON.stringify(
            tgUpdate({
              message_id: ++messageId,
              text,
              chat: { id: 4242, type: 'private', first_name: 'Bo\0b' },
            }),
          ),
        });

      // Telegram sends at most 4,096 characters (Bot API, Message.text): a longer "update" is not
      // one of Telegram's, so the hook keeps it as a dead letter (answered 200) instead of cutting it.
      const TELEGRAM_MAX = 'z'.repeat(4_096);
      const cases = [
        ...CASES.filter(([, sent]) => sent.length <= 4_096),
        ['4,096 characters', TELEGRAM_MAX, TELEGRAM_MAX],
      ];
      for (const [, sent] of [...cases, ['too long', TOO_LONG]])
        expect((await deliver(sent)).status).toBe(200);

      expect(await processedTexts(db, 'telegrambot', lineId, cases.length)).toEqual(
        expected(cases.map(([, , stored]) => stored)),
      );
    });
  });

  describe('REST input, whose sender can be told', () => {
    let portal: TestPortal;
    let token: string;
    beforeAll(async () => {
      portal = await startPortal();
      token = await login(portal, testAdmin.email, testAdmin.password);
    });
    afterAll(async () => {
      await portal?.close();
    });

    it.each([
      ['a NUL', 'Sup\0port'],
      ['a lone surrogate', 'Sup\ud800port'],
    ])('should refuse %s with 400 naming the field, storing nothing', async (_name, name) => {
      const res = await api<{ message: string[] }>(portal, 'POST', '/api/lines', { token, body: { name } });
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual([
        'name: contains NUL or an unpaired surrogate, which cannot be stored',
      ]);
      expect((await api<unknown[]>(portal, 'GET', '/api/lines', { token })).body).toEqual([]);
    });

    it('should keep bidi and zero-width characters', async () => {
      const name = 'Sup\u202eport\u200b';
      const res = await api<{ name: string }>(portal, 'POST', '/api/lines', { token, body: { name } });
      expect(res).toMatchObject({ status: 201, body: { name } });
    });
  });

  describe("an older server's packet at the portal's Input", () => {
    const keySpec = generateKeySpec('srv1');
    let peer: OlpPeer;
    let portal: TestPortal;
    let db: PortalDb;

    beforeAll(async () => {
      peer = await startOlpPeer({ keySpec, serverId: 'server-test', portalId: 'portal-test' });
      portal = await startPortal({ env: { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url } });
      db = portal.app.get(DatabaseService).client;
    });
    afterAll(async () => {
      await portal?.close();
      await peer?.close();
    });

    it('should acknowledge, store and process every case, cutting an over-long text', async () => {
      const messages = [...CASES, ['too long', TOO_LONG, CUT]].map(([, sent], i) =>
        olpMessage({ chatId: `chat\0-${i}`, user: { name: 'N\0ul \ud800' }, text: sent }),
      );
      const res = await signedPost<{ chat: { id: string } }[]>(
        `${portal.url}/olp/v1/input`,
        olpBody('receivingMessage', messages, { line: '77' }),
        { keySpec, iss: 'server-test', aud: 'portal-test' },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: true,
        data: messages.map((_, i) => ({ chat: { id: `chat-${i}` } })),
      });

      expect(await processedTexts(db, 'telegrambot', '77', messages.length)).toEqual(
        expected([...CASES.map(([, , stored]) => stored), CUT]),
      );
      const chats = await db.chat.findMany({ where: { lineId: '77' }, orderBy: { externalChatId: 'asc' } });
      expect(chats.map((c) => c.externalChatId)).toEqual(messages.map((_, i) => `chat-${i}`));
    });
  });
});
