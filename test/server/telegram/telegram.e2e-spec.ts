import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { telegramConnector } from '../../../src/server/connectors/telegram/telegram.connector.js';
import { Housekeeping } from '../../../src/server/workers/housekeeping.js';
import { botToken, tgUpdate } from '../../factories/telegram.factory.js';
import { drive } from '../support/fixture.js';
import { startServer } from '../support/server.js';
import { BOT, startTelegramFixture, type TelegramFixture } from './telegram-fixture.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const outgoing = (n: number, text: string, extra: Record<string, unknown> = {}) => ({
  im: { chat_id: 10, message_id: 100 + n },
  chat: { id: '1111111' },
  message: { text, ...extra },
});

describe('Telegram connector', () => {
  let f: TelegramFixture;
  beforeEach(async () => {
    f = await startTelegramFixture({
      env: { OUTBOUND_RETRY_SCHEDULE: '10s,1m', TELEGRAM_FILE_LINK_TTL: '1h' },
    });
  });
  afterEach(async () => {
    await f.close();
  });

  const portal = (id = 'portal-a') => f.portals.get(id)!.portal;
  const received = (id = 'portal-a') =>
    portal(id).received.flatMap((p) =>
      Array.isArray(p.data)
        ? p.data.map((item) => ({ command: p.command, item }))
        : [{ command: p.command, item: p.data }],
    );
  const push = () =>
    drive(
      f.server,
      [...f.portals.values()].map((p) => p.portal),
    );
  const send = async (command: string, items: unknown[], line = '1') => {
    const res = await f.olp('portal-a', command, line, [items]);
    expect(res.status).toBe(202);
    await f.server.outbound.tick();
    await push();
  };

  describe('settings and registration', () => {
    it('should refuse a token that is not shaped like a bot token, naming the field', async () => {
      const res = await f.olp('portal-a', 'saveSettings', '1', [{ token: 'not-a-token' }]);
      expect(res.body).toEqual({
        ok: false,
        error: [{ code: 'INVALID_SETTINGS', message: expect.any(String), field: 'token' }],
      });
      expect(await f.server.db.line.count()).toBe(0);
    });

    it('should check the token with getMe and set the webhook with a secret token', async () => {
      await f.connect('portal-a', '1');
      const line = await f.server.db.line.findFirstOrThrow();
      expect(f.telegram.calls.map((c) => c.method)).toEqual(['getMe', 'setWebhook']);
      const hook = f.telegram.webhooks.get(BOT.token)!;
      expect(hook.url).toBe(`${f.server.config.publicUrl}/hook?h=${encodeURIComponent(line.hash)}`);
      expect(hook.secret_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(hook.allowed_updates).toEqual(['message', 'edited_message', 'my_chat_member']);
      // The secret is kept sealed with the token.
      const params = await f.server.db.connectionParams.findFirstOrThrow();
      expect(params.data).not.toContain(hook.secret_token!);
      expect(params.data).not.toContain(BOT.token);
      expect(line.account).toBe('telegrambot:123456789');
    });

    it('should report a token Telegram does not know', async () => {
      await f.olp('portal-a', 'saveSettings', '1', [{ token: botToken(987) }]);
      const res = await f.olp('portal-a', 'testConnect', '1', []);
      expect(res.body).toEqual({ ok: false, error: [{ code: 'INVALID_TOKEN', message: 'Unauthorized' }] });
    });

    it('should give the bot link as line information and delete the webhook on unregister', async () => {
      await f.connect('portal-a', '1');
      const info = await f.olp('portal-a', 'infoConnectorsLine', '1', ['1']);
      expect(info.body.data?.telegrambot).toMatchObject({
        available: true,
        url: 'https://t.me/switchboard_bot',
      });
      await f.olp('portal-a', 'unregister', '1', []);
      expect(f.telegram.webhooks.has(BOT.token)).toBe(false);
    });
  });

  describe('updates', () => {
    beforeEach(async () => {
      await f.connect('portal-a', '1');
    });

    it('should bring a message with its formatting to the portal', async () => {
      const update = tgUpdate({ text: '👋 Hi there', entities: [{ type: 'bold', offset: 3, length: 2 }] });
      const res = await f.deliver(BOT.token, update);
      expect(res.status).toBe(200);
      await push();
      expect(received()).toEqual([
        {
          command: 'receivingMessage',
          item: expect.objectContaining({
            type_message: 'message',
            chat: expect.objectContaining({ id: '1111111' }),
            message: { id: '1365', date: 1_767_225_600, text: '👋 [b]Hi[/b] there' },
          }),
        },
      ]);
    });

    it('should queue a redelivered update_id once', async () => {
      const update = tgUpdate({ text: 'once' });
      for (let i = 0; i < 3; i++) expect((await f.deliver(BOT.token, update)).status).toBe(200);
      expect(await f.server.db.queueItem.count()).toBe(1);
      // Another update of the same message (an edit) is its own delivery.
      await f.deliver(BOT.token, tgUpdate({ text: 'edited' }, { edited: true }));
      await push();
      expect(received().map((r) => (r.item as { type_message: string }).type_message)).toEqual([
        'message',
        'message_update',
      ]);
    });

    it('should forget update receipts after a week, in housekeeping', async () => {
      await f.deliver(BOT.token, tgUpdate({ text: 'old' }));
      const housekeeping = f.server.app.get(Housekeeping);
      expect((await housekeeping.run()).hookReceipts).toBe(0);
      f.server.clock.advance(7 * 86_400_000 + 1);
      expect((await housekeeping.run()).hookReceipts).toBe(1);
      expect(await f.server.db.hookReceipt.count()).toBe(0);
    });

    it('should refuse a wrong or missing secret token and store nothing', async () => {
      const update = tgUpdate({ text: 'forged' });
      expect((await f.deliver(BOT.token, update, 'wrong-secret')).status).toBe(401);
      const hook = f.telegram.webhooks.get(BOT.token)!;
      const bare = await fetch(`${f.server.url}/hook${new URL(hook.url).search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(update),
      });
      expect(bare.status).toBe(401);
      expect(await f.server.db.queueItem.count()).toBe(0);
      expect(await f.server.db.hookReceipt.count()).toBe(0);
      // The genuine delivery of the same update is still taken afterwards.
      expect((await f.deliver(BOT.token, update)).status).toBe(200);
      expect(await f.server.db.queueItem.count()).toBe(1);
    });

    it('should keep a body that is not an Update as a dead letter, queueing nothing', async () => {
      expect((await f.deliver(BOT.token, { hello: 'world' })).status).toBe(200);
      expect(await f.server.db.queueItem.count()).toBe(0);
      expect(await f.server.db.hookDeadLetter.count()).toBe(1);
    });

    it('should turn /start into command_start', async () => {
      await f.deliver(
        BOT.token,
        tgUpdate({ text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }),
      );
      await push();
      expect(received()[0].item).toMatchObject({
        type_message: 'command_start',
        message: { text: '/start' },
      });
    });

    it('should link a photo through the server without the bot token, until the link expires', async () => {
      f.telegram.addFile({
        file_id: 'AgACAgQAAxk',
        file_unique_id: 'AQADu',
        file_size: PNG.length,
        file_path: 'photos/file_0.png',
        bytes: PNG,
      });
      await f.deliver(
        BOT.token,
        tgUpdate({
          text: undefined,
          photo: [
            { file_id: 'thumb', file_unique_id: 'AQADt', width: 90, height: 90, file_size: 100 },
            {
              file_id: 'AgACAgQAAxk',
              file_unique_id: 'AQADu',
              width: 800,
              height: 800,
              file_size: PNG.length,
            },
          ],
        }),
      );
      await push();
      const file = (received()[0].item as { message: { files: { url: string; type: string }[] } }).message
        .files[0];
      expect(file.url.startsWith(`${f.server.config.publicUrl}/files/telegram?t=`)).toBe(true);
      const link = file.url.replace(f.server.config.publicUrl, f.server.url);
      expect(file.url).not.toContain(BOT.token);
      expect(file.url).not.toContain(BOT.token.split(':')[1]);

      const res = await fetch(link);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
      expect(f.telegram.callsOf('getFile').map((c) => c.params)).toEqual([{ file_id: 'AgACAgQAAxk' }]);
      expect(f.telegram.downloads).toEqual(['photos/file_0.png']);

      f.server.clock.advance(3_600_000);
      expect((await fetch(link)).status).toBe(410);
      const forged = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      expect((await fetch(forged)).status).toBe(410);
    });

    it('should mark a file past Telegram’s 20 MB download limit as failed_big_file', async () => {
      await f.deliver(
        BOT.token,
        tgUpdate({
          text: undefined,
          caption: 'the video',
          document: {
            file_id: 'BQACAgQ',
            file_unique_id: 'AgAD',
            file_name: 'talk.mp4',
            mime_type: 'video/mp4',
            file_size: 52_428_800,
          },
        }),
      );
      await push();
      expect((received()[0].item as { message: unknown }).message).toEqual({
        id: '1365',
        date: 1_767_225_600,
        text: 'the video',
        failed_big_file: true,
      });
    });
  });

  describe('operator messages', () => {
    beforeEach(async () => {
      await f.connect('portal-a', '1');
    });

    it('should send BB-code as escaped HTML and report the Telegram message id', async () => {
      await send('sendMessage', [outgoing(1, '[b]Hello[/b] <Ada> & [url=https://example.com]docs[/url]')]);
      expect(f.telegram.callsOf('sendMessage').map((c) => c.params)).toEqual([
        {
          chat_id: '1111111',
          text: '<b>Hello</b> &lt;Ada&gt; &amp; <a href="https://example.com">docs</a>',
          parse_mode: 'HTML',
        },
      ]);
      expect(received()).toEqual([
        {
          command: 'receivingStatusDelivery',
          item: {
            im: { chat_id: '10', message_id: '101' },
            message: { id: ['1000'], date: expect.any(Number) },
            chat: { id: '1111111' },
          },
        },
      ]);
    });

    it('should send files as photo or document links, a short text as the first one’s caption', async () => {
      const files = [
        { url: 'https://portal.example.com/f/1', name: 'a.png', size: 10, type: 'image/png' },
        { url: 'https://portal.example.com/f/2', name: 'b.pdf', size: 20, type: 'application/pdf' },
      ];
      await send('sendMessage', [outgoing(1, '[b]see[/b]', { files })]);
      expect(f.telegram.calls.slice(2).map((c) => [c.method, c.params])).toEqual([
        [
          'sendPhoto',
          {
            chat_id: '1111111',
            photo: 'https://portal.example.com/f/1',
            caption: '<b>see</b>',
            parse_mode: 'HTML',
          },
        ],
        ['sendDocument', { chat_id: '1111111', document: 'https://portal.example.com/f/2' }],
      ]);
      expect((received()[0].item as { message: { id: string[] } }).message.id).toEqual(['1000', '1001']);
    });

    it('should send a text too long for a caption before the files', async () => {
      const files = [{ url: 'https://portal.example.com/f/1', name: 'a.png', size: 10, type: 'image/png' }];
      await send('sendMessage', [outgoing(1, 'x'.repeat(1025), { files })]);
      expect(f.telegram.calls.slice(2).map((c) => c.method)).toEqual(['sendMessage', 'sendPhoto']);
    });

    it('should send a text past Telegram’s 4,096 characters as several messages, and refuse to edit one', async () => {
      const paragraph = `${'[b]Step[/b] & more words to read. '.repeat(20)}\n`;
      await send('sendMessage', [outgoing(1, paragraph.repeat(14))]);
      const texts = f.telegram.callsOf('sendMessage').map((c) => String(c.params.text));
      expect(texts).toHaveLength(3);
      for (const text of texts) expect(text.replace(/<[^>]*>|&amp;/g, '_').length).toBeLessThanOrEqual(4096);
      expect(texts.join('').match(/<b>Step<\/b>/g)).toHaveLength(14 * 20);
      expect(received()).toEqual([
        expect.objectContaining({
          command: 'receivingStatusDelivery',
          item: expect.objectContaining({
            message: { id: ['1000', '1001', '1002'], date: expect.any(Number) },
          }),
        }),
      ]);

      await send('updateMessage', [outgoing(2, paragraph.repeat(12), { id: ['1000'] })]);
      expect(f.telegram.callsOf('editMessageText')).toEqual([]);
      expect(received()[1]).toMatchObject({ command: 'receivingError', item: { code: 'MESSAGE_TOO_LONG' } });
    });

    it('should wait out a short rate limit after a part went out, instead of sending that part again', async () => {
      const files = [{ url: 'https://portal.example.com/f/1', name: 'a.png', size: 10, type: 'image/png' }];
      f.telegram.refuseNext('sendPhoto', {
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
      await send('sendMessage', [outgoing(1, 'x'.repeat(1500), { files })]);
      expect(f.telegram.calls.slice(2).map((c) => c.method)).toEqual([
        'sendMessage',
        'sendPhoto',
        'sendPhoto',
      ]);
      expect(received()).toEqual([
        expect.objectContaining({
          command: 'receivingStatusDelivery',
          item: expect.objectContaining({ message: { id: ['1000', '1001'], date: expect.any(Number) } }),
        }),
      ]);
    });

    it('should edit and delete by the Telegram message id', async () => {
      await send('updateMessage', [outgoing(1, '[i]fixed[/i]', { id: ['1000'] })]);
      await send('deleteMessage', [outgoing(2, '', { id: ['1000'] })]);
      expect(f.telegram.calls.slice(2).map((c) => [c.method, c.params])).toEqual([
        [
          'editMessageText',
          { chat_id: '1111111', message_id: 1000, text: '<i>fixed</i>', parse_mode: 'HTML' },
        ],
        ['deleteMessage', { chat_id: '1111111', message_id: 1000 }],
      ]);
    });

    it('should report a message Telegram refuses as receivingError', async () => {
      f.telegram.refuseNext('sendMessage', {
        error_code: 403,
        description: 'Forbidden: bot was blocked by the user',
      });
      await send('sendMessage', [outgoing(1, 'hello')]);
      expect(received()).toEqual([
        {
          command: 'receivingError',
          item: {
            im: { chat_id: '10', message_id: '101' },
            chat: { id: '1111111' },
            code: 'TELEGRAM_403',
            message: 'Forbidden: bot was blocked by the user',
          },
        },
      ]);
    });

    it('should wait as long as a 429 retry_after says, not its own retry schedule', async () => {
      f.telegram.refuseNext('sendMessage', {
        error_code: 429,
        description: 'Too Many Requests: retry after 30',
        parameters: { retry_after: 30 },
      });
      await send('sendMessage', [outgoing(1, 'hello')]);
      expect(f.telegram.callsOf('sendMessage')).toHaveLength(1);
      expect(received()).toEqual([]);

      // The retry schedule's first wait (10 s) is shorter: the call is not tried again then.
      f.server.clock.advance(29_000);
      await f.server.outbound.tick();
      expect(f.telegram.callsOf('sendMessage')).toHaveLength(1);

      f.server.clock.advance(1_000);
      await f.server.outbound.tick();
      await push();
      expect(f.telegram.callsOf('sendMessage')).toHaveLength(2);
      expect(received().map((r) => r.command)).toEqual(['receivingStatusDelivery']);
    });
  });

  describe('one connection per bot', () => {
    it('should keep the newest connection and deactivate the old one on its portal', async () => {
      await f.connect('portal-a', '1');
      // Something is still queued for the old line when the bot moves.
      await f.deliver(BOT.token, tgUpdate({ text: 'for the old portal' }));
      const oldLine = await f.server.db.line.findFirstOrThrow({ where: { portalId: 'portal-a' } });

      await f.connect('portal-b', '7');
      await push();

      expect(received('portal-a')).toEqual([
        {
          command: 'deactivateConnector',
          item: { reason: expect.stringContaining('telegrambot:123456789 was connected to line 7') },
        },
      ]);
      expect(portal('portal-a').received[0]).toMatchObject({ connector: 'telegrambot', line: '1' });
      expect(await f.server.db.line.findUnique({ where: { id: oldLine.id } })).toBeNull();
      expect(await f.server.db.connectionParams.count({ where: { lineRef: oldLine.id } })).toBe(0);
      expect(await f.server.db.deadLetter.findMany({ select: { portalId: true, lineId: true } })).toEqual([
        { portalId: 'portal-a', lineId: '1' },
      ]);

      // The old line was not unregistered on Telegram: that would have removed the new webhook.
      expect(f.telegram.callsOf('deleteWebhook')).toEqual([]);
      // The new connection works: the webhook points at it and its updates reach portal-b.
      const newLine = await f.server.db.line.findFirstOrThrow({ where: { portalId: 'portal-b' } });
      expect(newLine.account).toBe('telegrambot:123456789');
      await f.deliver(BOT.token, tgUpdate({ text: 'for the new portal' }));
      await push();
      expect(portal('portal-b').messageIds()).toEqual(['1365']);
      expect(portal('portal-a').messageIds()).toEqual([]);
    });

    it('should keep the deactivateConnector notice queued while the old portal is down, across a restart', async () => {
      await f.connect('portal-a', '1');
      portal('portal-a').mode = 'error-500';
      await f.connect('portal-b', '7');
      await push();
      expect(portal('portal-a').requests).toBe(1);
      expect(received('portal-a')).toEqual([]);
      const queued = () =>
        f.server.db.queueItem.findMany({
          where: { line: { portalId: 'portal-a' } },
          select: { command: true, payload: true, line: { select: { lineId: true, connector: true } } },
        });
      expect(await queued()).toEqual([
        {
          command: 'deactivateConnector',
          payload: expect.stringContaining('telegrambot:123456789 was connected to line 7'),
          line: { lineId: '1', connector: 'telegrambot' },
        },
      ]);

      const old = f.server;
      await old.stop();
      const server = await startServer({ connectors: [telegramConnector], reuse: old });
      f.server = Object.assign(server, {
        close: async () => {
          await server.stop();
          await old.removeData();
        },
      });
      expect(await queued()).toHaveLength(1);
      portal('portal-a').mode = 'confirm-after';
      // The line is blocked for the schedule's first period (1 min) after the failed attempt.
      await push();
      expect(received('portal-a')).toEqual([]);
      f.server.clock.advance(60_000);
      await push();

      expect(received('portal-a')).toEqual([
        {
          command: 'deactivateConnector',
          item: { reason: expect.stringContaining('telegrambot:123456789 was connected to line 7') },
        },
      ]);
      expect(portal('portal-a').received[0]).toMatchObject({ connector: 'telegrambot', line: '1' });
      // Once told, the old line's last record is gone; the new one is untouched.
      expect(await f.server.db.line.findMany({ select: { portalId: true, lineId: true } })).toEqual([
        { portalId: 'portal-b', lineId: '7' },
      ]);
      expect(await f.server.db.queueItem.count()).toBe(0);
    });

    it('should move a bot between lines of the same portal, and leave other bots alone', async () => {
      const other = { token: botToken(555), id: 555, username: 'other_bot', first_name: 'Other' };
      f.telegram.addBot(other);
      await f.connect('portal-a', '1');
      await f.connect('portal-a', '3', other.token);
      await f.connect('portal-a', '2');
      await push();
      expect(portal().received.map((p) => [p.command, p.line])).toEqual([['deactivateConnector', '1']]);
      const lines = await f.server.db.line.findMany({ orderBy: { lineId: 'asc' } });
      expect(lines.map((l) => [l.lineId, l.account])).toEqual([
        ['2', 'telegrambot:123456789'],
        ['3', 'telegrambot:555'],
      ]);
    });
  });
});
