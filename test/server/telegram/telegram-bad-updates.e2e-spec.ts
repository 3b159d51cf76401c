import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Housekeeping } from '../../../src/server/workers/housekeeping.js';
import { tgMessage, tgUpdate } from '../../factories/telegram.factory.js';
import { BOT, startTelegramFixture, type TelegramFixture } from './telegram-fixture.js';

/**
 * Updates with the right secret token that are not as the Bot API reference documents the
 * Update object (https://core.telegram.org/bots/api#update) and the Message, User, Chat,
 * MessageOrigin and ChatMemberUpdated objects in it. Telegram resends an update that gets a 5xx,
 * so each one is answered 200 and kept as a dead letter with its reason, queueing nothing; only a
 * failure of the server's own storage is answered 5xx.
 */
describe('Telegram updates the connector cannot use', () => {
  let f: TelegramFixture;
  beforeAll(async () => {
    f = await startTelegramFixture();
    await f.connect('portal-a', '1');
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    await f.server.db.hookDeadLetter.deleteMany();
  });

  const id = 777_000;
  const withMessage = (fields: Record<string, unknown>) => ({
    update_id: id,
    message: { ...tgMessage(), ...fields },
  });
  const noChat: Record<string, unknown> = tgMessage();
  delete noChat.chat;

  it.each([
    ['a message that is a string', { update_id: id, message: 'hello' }, 'message'],
    ['a text that is a number', withMessage({ text: 42 }), 'message.text'],
    ['a text that is an object', withMessage({ text: { value: 'hi' } }), 'message.text'],
    ['a message without a chat', { update_id: id, message: noChat }, 'message.chat'],
    ['a date that is a string', withMessage({ date: '2026-01-01' }), 'message.date'],
    [
      'a text of 1 MB (the Bot API sends at most 4096 characters)',
      withMessage({ text: 'a'.repeat(1 << 20) }),
      'message.text',
    ],
    ['an edited_message that is a number', { update_id: id, edited_message: 42 }, 'edited_message'],
    [
      'an edited_message without a message_id',
      { update_id: id, edited_message: { chat: tgMessage().chat, date: 1 } },
      'edited_message.message_id',
    ],
    [
      'a my_chat_member with a chat that is a string',
      { update_id: id, my_chat_member: { chat: 'x', from: {}, date: 1 } },
      'my_chat_member.chat',
    ],
    [
      'a forward_origin of no documented type',
      withMessage({ forward_origin: { type: 'alien', date: 1 } }),
      'message.forward_origin.type',
    ],
    [
      'a forward_origin user without the user',
      withMessage({ forward_origin: { type: 'user', date: 1 } }),
      'message.forward_origin.sender_user',
    ],
    ['a caption that is an array', withMessage({ text: undefined, caption: ['look'] }), 'message.caption'],
    [
      'caption_entities that are a string',
      withMessage({ caption: 'look', caption_entities: 'bold' }),
      'message.caption_entities',
    ],
    [
      'an entity with a negative offset',
      withMessage({ entities: [{ type: 'bold', offset: -1, length: 2 }] }),
      'message.entities.0.offset',
    ],
    [
      'a reply_to_message without a chat',
      withMessage({ reply_to_message: { message_id: 1, date: 1 } }),
      'message.reply_to_message.chat',
    ],
  ])('should keep %s as a dead letter naming the field, queueing nothing', async (_what, update, field) => {
    const res = await f.deliver(BOT.token, update);
    expect(res.status).toBe(200);
    expect(await f.server.db.queueItem.count()).toBe(0);
    const letters = await f.server.db.hookDeadLetter.findMany();
    expect(letters).toEqual([
      expect.objectContaining({
        receiptKey: `update:${id}`,
        reason: expect.stringContaining(`not a Telegram Update: ${field}: `),
        body: JSON.stringify(update),
      }),
    ]);
  });

  it.each([
    ['random JSON', { hello: 'world' }, 'update_id'],
    ['an array', [1, 2, 3], '(root)'],
    ['a number', 42, '(root)'],
    ['a string', 'update', '(root)'],
    ['null', null, '(root)'],
    ['an update_id that is a string', { update_id: '12', message: tgMessage() }, 'update_id'],
  ])('should keep %s as a dead letter without a receipt key', async (_what, body, field) => {
    expect((await f.deliver(BOT.token, body)).status).toBe(200);
    expect(await f.server.db.queueItem.count()).toBe(0);
    expect(await f.server.db.hookDeadLetter.findMany()).toEqual([
      expect.objectContaining({ receiptKey: null, reason: expect.stringContaining(`: ${field}: `) }),
    ]);
  });

  it('should keep an update whose items OLP would refuse as a dead letter', async () => {
    const update = withMessage({ from: { id: 5, first_name: 'x'.repeat(2000) } });
    expect((await f.deliver(BOT.token, update)).status).toBe(200);
    expect(await f.server.db.queueItem.count()).toBe(0);
    expect(await f.server.db.hookDeadLetter.findMany()).toEqual([
      expect.objectContaining({ receiptKey: `update:${id}`, reason: expect.stringContaining('user.name') }),
    ]);
  });

  it('should still take a good update after bad ones', async () => {
    await f.deliver(BOT.token, { update_id: id, message: 'hello' });
    expect((await f.deliver(BOT.token, tgUpdate({ text: 'fine' }))).status).toBe(200);
    expect(await f.server.db.queueItem.count()).toBe(1);
    expect(await f.server.db.hookDeadLetter.count()).toBe(1);
    await f.server.db.queueItem.deleteMany();
  });

  it('should forget dead letters past the retention, in housekeeping', async () => {
    await f.deliver(BOT.token, { update_id: id, message: 'hello' });
    const housekeeping = f.server.app.get(Housekeeping);
    expect((await housekeeping.run()).hookDeadLetters).toBe(0);
    f.server.clock.advance(f.server.config.queue.deadLetterRetentionMs + 1);
    expect((await housekeeping.run()).hookDeadLetters).toBe(1);
    expect(await f.server.db.hookDeadLetter.count()).toBe(0);
  });

  it('should answer 5xx, so that Telegram resends it, when the dead letter cannot be stored', async () => {
    await f.server.db.$executeRawUnsafe('DROP TABLE hook_dead_letters');
    const res = await f.deliver(BOT.token, { update_id: id, message: 'hello' });
    expect(res.status).toBe(500);
    expect(await f.server.db.queueItem.count()).toBe(0);
  });
});
