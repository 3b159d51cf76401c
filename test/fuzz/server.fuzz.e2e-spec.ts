import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { tgUpdate } from '../factories/telegram.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { eventually } from '../support/eventually.js';
import { connectLiveChat, startLiveChatPair, type LiveChatPair } from '../support/livechat.js';
import { startBotframework, type BotframeworkFixture } from '../server/botframework/support.js';
import { Visitor } from '../server/livechat/visitor.js';
import { BOT, startTelegramFixture, type TelegramFixture } from '../server/telegram/telegram-fixture.js';
import {
  anyJson,
  fuzzParams,
  hostileText,
  idSegment,
  invalidUtf8Body,
  mutated,
  Tally,
} from './arbitraries.js';

/**
 * Seeded, time-bounded fuzzing of the connector server's public surfaces: each channel's webhook
 * (Telegram, Bot Framework) and the live chat. Nothing answers 5xx, and what the live chat
 * acknowledges reaches the real portal and is processed there.
 *
 * Telegram's Update (https://core.telegram.org/bots/api#update) and Bot Framework's Activity
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object)
 * are the shapes the valid cases start from; the fuzzer breaks them one field at a time.
 */
describe('Connector server under fuzzed input', () => {
  const tally = new Tally();
  afterAll(() => console.log(`fuzz cases tried on the connector server: ${tally.toString()}`));

  describe('Telegram webhook', () => {
    let f: TelegramFixture;
    beforeAll(async () => {
      f = await startTelegramFixture();
      await f.connect('portal-a', '1');
    });
    afterAll(() => f?.close());

    it('should answer any update with the right secret below 500', async () => {
      const update = fc.oneof(
        anyJson,
        mutated(tgUpdate()),
        mutated(tgUpdate({}, { edited: true })),
        hostileText.map((text) => tgUpdate({ text })),
        hostileText.map((caption) => tgUpdate({ caption })),
      );
      await fc.assert(
        fc.asyncProperty(update, async (u) => {
          tally.add('Telegram hook');
          const res = await f.deliver(BOT.token, u);
          const body = await res.text();
          if (res.status >= 500) throw new Error(`answered ${res.status}: ${body}`);
        }),
        fuzzParams(300, 20_000),
      );
    }, 60_000);
  });

  describe('Bot Framework webhook', () => {
    let f: BotframeworkFixture;
    beforeAll(async () => {
      f = await startBotframework();
    });
    afterAll(() => f?.close());

    it('should refuse any unauthenticated body below 500', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            anyJson.map((v) => JSON.stringify(v)),
            fc.string({ maxLength: 40 }),
            invalidUtf8Body,
          ),
          fc.constantFrom(undefined, 'Bearer x.y.z', 'Bearer', 'Basic abc', 'Bearer ' + 'a'.repeat(5000)),
          async (body, authorization) => {
            tally.add('Bot Framework hook');
            const res = await fetch(f.webhookUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
              body,
            });
            const text = await res.text();
            if (res.status >= 500) throw new Error(`answered ${res.status}: ${text}`);
            expect(res.status).toBeGreaterThanOrEqual(400);
          },
        ),
        fuzzParams(200, 15_000),
      );
    }, 60_000);
  });

  describe('Live chat', () => {
    let pair: LiveChatPair;
    let visitor: Visitor;
    beforeAll(async () => {
      pair = await startLiveChatPair({
        serverEnv: { WORKERS: 'true', WORKER_POLL: '50ms', LIVECHAT_POLL_TIMEOUT: '50ms' },
      });
      const admin = await login(pair.portal, testAdmin.email, testAdmin.password);
      const lineId = (
        await api<{ id: number }>(pair.portal, 'POST', '/api/lines', { token: admin, body: { name: 'Web' } })
      ).body.id;
      visitor = new Visitor(pair.server.url, await connectLiveChat(pair.portal, admin, lineId));
      await visitor.start({ name: 'Fuzz Visitor' });
    });
    afterAll(() => pair?.close());

    it('should answer any start, message or poll below 500, on any hash', async () => {
      const hash = fc.oneof(fc.constant(encodeURIComponent(visitor.hash)), idSegment);
      const body = fc.oneof(
        anyJson.map((v) => JSON.stringify(v)),
        mutated({ name: 'Ann', email: 'ann@example.test', text: 'hi' }).map((v) => JSON.stringify(v)),
        invalidUtf8Body,
        fc.string({ maxLength: 30 }),
      );
      await fc.assert(
        fc.asyncProperty(
          // Not `events`: an SSE stream stays open by design.
          fc.constantFrom('start', 'messages', 'poll?after=0&timeout=0', 'poll?after=x', ''),
          hash,
          body,
          fc.boolean(),
          async (route, h, payload, withToken) => {
            tally.add('live chat');
            const res = await fetch(`${pair.server.url}/livechat/${h}/${route}`, {
              method: route.startsWith('poll') ? 'GET' : 'POST',
              headers: {
                'content-type': 'application/json',
                ...(withToken && visitor.session && { authorization: `Bearer ${visitor.session.token}` }),
              },
              body: route.startsWith('poll') ? undefined : payload,
            });
            const text = await res.text();
            if (res.status >= 500) throw new Error(`${route} on ${h} answered ${res.status}: ${text}`);
          },
        ),
        fuzzParams(300, 20_000),
      );
    }, 60_000);

    it('should get every message it acknowledged processed by the portal, whatever its text', async () => {
      let acknowledged = 0;
      await fc.assert(
        fc.asyncProperty(hostileText, async (text) => {
          tally.add('live chat hostile text');
          const res = await visitor.post({ text });
          if (res.status >= 500) throw new Error(`answered ${res.status}: ${JSON.stringify(res.body)}`);
          if (res.status < 300) acknowledged++;
        }),
        fuzzParams(60, 15_000),
      );
      expect(acknowledged).toBeGreaterThan(0);
      const db = pair.portal.app.get(DatabaseService);
      const rows = await eventually(
        'the acknowledged messages to reach the portal and be processed',
        () => db.client.inboxMessage.findMany({ select: { messageId: true, state: true, lastError: true } }),
        (found) =>
          found.length >= acknowledged && found.every((r) => r.state === 'done' || r.lastError !== null),
        30_000,
      );
      expect(rows.filter((r) => r.state !== 'done')).toEqual([]);
    }, 90_000);
  });
});
