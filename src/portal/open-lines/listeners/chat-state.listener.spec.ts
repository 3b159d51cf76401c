import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { receivedMessagePayload } from '../../../../test/factories/open-lines.factory.js';
import { startOpenLines, type OpenLinesHarness } from '../../../../test/support/open-lines.js';
import { ChatStateListener } from './chat-state.listener.js';

describe(ChatStateListener.name, () => {
  let h: OpenLinesHarness;

  beforeAll(async () => {
    h = await startOpenLines();
    await h.events.emit(
      'OnReceivedMessage',
      receivedMessagePayload({ connector: 'viber', line: '3', chatId: 'c-1', chat: { name: 'Old name' } }),
    );
  });
  afterAll(async () => {
    await h.close();
  });

  const chat = (externalChatId: string, connector = 'viber') =>
    h.storage.db.client.chat.findUnique({
      where: { connector_lineId_externalChatId: { connector, lineId: '3', externalChatId } },
    });

  describe('OnNewChatName', () => {
    it('should rename the chat found by connector, line and external chat id', async () => {
      h.storage.clock.advance(1000);
      await h.events.emit('OnNewChatName', {
        connector: 'viber',
        line: '3',
        items: [{ chatId: 'c-1', name: 'New name' }],
      });
      expect(await chat('c-1')).toMatchObject({ name: 'New name', updatedAt: h.storage.clock.now() });
      expect(await chat('c-1', 'telegrambot')).toBeNull();
    });

    it('should keep the name of a chat whose first message is still on its way', async () => {
      await h.events.emit('OnNewChatName', {
        connector: 'viber',
        line: '3',
        items: [{ chatId: 'c-early', name: 'Early' }],
      });
      expect(await chat('c-early')).toMatchObject({ name: 'Early', blocked: false, customerId: null });
    });
  });

  describe('OnReceivedStatusBlock', () => {
    it('should mark the chat blocked', async () => {
      await h.events.emit('OnReceivedStatusBlock', {
        connector: 'viber',
        line: '3',
        items: [{ chatId: 'c-1', userId: 'u-1' }],
      });
      expect((await chat('c-1'))?.blocked).toBe(true);
    });
  });
});
