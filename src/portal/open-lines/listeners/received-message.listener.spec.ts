import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { receivedMessagePayload } from '../../../../test/factories/open-lines.factory.js';
import { startOpenLines, type OpenLinesHarness } from '../../../../test/support/open-lines.js';
import { ReceivedMessageListener } from './received-message.listener.js';

describe(ReceivedMessageListener.name, () => {
  let h: OpenLinesHarness;
  let line = 0;
  // Each test gets its own line so that rows of other tests never match.
  const nextLine = () => String(++line);

  beforeAll(async () => {
    h = await startOpenLines();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.storage.clock.advance(1000);
  });

  const chatsOf = (lineId: string) => h.storage.db.client.chat.findMany({ where: { lineId } });
  const messagesOf = (chatId: number) =>
    h.storage.db.client.message.findMany({ where: { chatId }, orderBy: { id: 'asc' } });

  describe('OnReceivedMessage', () => {
    it('should store the chat and the message', async () => {
      const lineId = nextLine();
      const payload = receivedMessagePayload({
        line: lineId,
        chatId: 'c-42',
        messageId: '777',
        userId: 9,
        text: '[b]hi[/b]',
        fileIds: ['f1', 'f2'],
        chat: { name: 'Ann Smith', url: 'https://t.me/ann' },
      });

      await h.events.emit('OnReceivedMessage', payload);

      const [chat] = await chatsOf(lineId);
      expect(chat).toMatchObject({
        connector: 'telegrambot',
        externalChatId: 'c-42',
        customerId: 9,
        name: 'Ann Smith',
        description: 'https://t.me/ann',
        blocked: false,
        createdAt: h.storage.clock.now(),
      });
      expect(await messagesOf(chat.id)).toEqual([
        expect.objectContaining({
          direction: 'in',
          externalId: '777',
          authorId: 9,
          text: '[b]hi[/b]',
          files: '["f1","f2"]',
          status: 'received',
          deletedAt: null,
        }),
      ]);
    });

    it('should prefer the chat description over its url', async () => {
      const lineId = nextLine();
      await h.events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line: lineId, chat: { url: 'https://x', description: 'VIP customer' } }),
      );
      expect((await chatsOf(lineId))[0]?.description).toBe('VIP customer');
    });

    it('should store a message once when the event is emitted again', async () => {
      const lineId = nextLine();
      const payload = receivedMessagePayload({ line: lineId });

      await h.events.emit('OnReceivedMessage', payload);
      await h.events.emit('OnReceivedMessage', payload);

      const chats = await chatsOf(lineId);
      expect(chats).toHaveLength(1);
      expect(await messagesOf(chats[0].id)).toHaveLength(1);
    });

    it('should keep messages of one chat together and bump its activity time', async () => {
      const lineId = nextLine();
      await h.events.emit('OnReceivedMessage', receivedMessagePayload({ line: lineId, messageId: 'a' }));
      h.storage.clock.advance(5000);
      await h.events.emit('OnReceivedMessage', receivedMessagePayload({ line: lineId, messageId: 'b' }));

      const [chat] = await chatsOf(lineId);
      expect(chat.updatedAt).toEqual(h.storage.clock.now());
      expect((await messagesOf(chat.id)).map((m) => m.externalId)).toEqual(['a', 'b']);
    });

    it('should store hostile text exactly as given', async () => {
      const lineId = nextLine();
      const text = '<script>alert(1)</script>[url=javascript:alert(2)]x[/url]';
      await h.events.emit('OnReceivedMessage', receivedMessagePayload({ line: lineId, text }));
      const [chat] = await chatsOf(lineId);
      expect((await messagesOf(chat.id))[0]?.text).toBe(text);
    });

    it('should unblock a chat whose customer writes again', async () => {
      const lineId = nextLine();
      await h.events.emit('OnReceivedStatusBlock', {
        connector: 'telegrambot',
        line: lineId,
        items: [{ chatId: 'chat-1', userId: 'u-1' }],
      });
      await h.events.emit('OnReceivedMessage', receivedMessagePayload({ line: lineId, chatId: 'chat-1' }));
      expect((await chatsOf(lineId))[0]?.blocked).toBe(false);
    });

    it('should fail the emit when the message cannot be stored, so the inbox retries it', async () => {
      const payload = receivedMessagePayload({ line: nextLine() });
      await expect(
        h.events.emit('OnReceivedMessage', { ...payload, text: null as unknown as string }),
      ).rejects.toThrow();
    });
  });

  describe('OnReceivedMessageUpdate', () => {
    it('should replace the text and files of the message', async () => {
      const lineId = nextLine();
      await h.events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line: lineId, messageId: 'm', text: 'old', fileIds: ['f1'] }),
      );
      await h.events.emit(
        'OnReceivedMessageUpdate',
        receivedMessagePayload({
          line: lineId,
          messageId: 'm',
          type: 'message_update',
          text: 'new',
          fileIds: [],
        }),
      );

      const [chat] = await chatsOf(lineId);
      const messages = await messagesOf(chat.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ text: 'new', files: '[]', updatedAt: h.storage.clock.now() });
    });

    it('should keep an edit that overtook its original', async () => {
      const lineId = nextLine();
      await h.events.emit(
        'OnReceivedMessageUpdate',
        receivedMessagePayload({ line: lineId, messageId: 'm', type: 'message_update', text: 'edited' }),
      );
      await h.events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line: lineId, messageId: 'm', text: 'first' }),
      );

      const [chat] = await chatsOf(lineId);
      const messages = await messagesOf(chat.id);
      expect(messages.map((m) => m.text)).toEqual(['edited']);
    });
  });

  describe('OnReceivedMessageDel', () => {
    it('should mark the message deleted and keep the first deletion time', async () => {
      const lineId = nextLine();
      await h.events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line: lineId, messageId: 'm', text: 'x' }),
      );
      const deletedAt = h.storage.clock.now();
      const del = receivedMessagePayload({ line: lineId, messageId: 'm', type: 'message_del', text: '' });
      await h.events.emit('OnReceivedMessageDel', del);
      h.storage.clock.advance(1000);
      await h.events.emit('OnReceivedMessageDel', del);

      const [chat] = await chatsOf(lineId);
      const messages = await messagesOf(chat.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ text: 'x', deletedAt });
    });

    it('should keep a message deleted when the deletion overtook it', async () => {
      const lineId = nextLine();
      await h.events.emit(
        'OnReceivedMessageDel',
        receivedMessagePayload({ line: lineId, messageId: 'm', type: 'message_del' }),
      );
      await h.events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line: lineId, messageId: 'm', text: 'late' }),
      );

      const [chat] = await chatsOf(lineId);
      const messages = await messagesOf(chat.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.deletedAt).not.toBeNull();
    });
  });
});
