import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Chat } from '../../../generated/portal-sqlite/client.js';
import { insertOutgoingMessage } from '../../../../test/factories/open-lines.factory.js';
import { startOpenLines, type OpenLinesHarness } from '../../../../test/support/open-lines.js';
import type { OlpStatusItem } from '../../../protocol/index.js';
import { OutgoingStatusListener } from './outgoing-status.listener.js';

describe(OutgoingStatusListener.name, () => {
  let h: OpenLinesHarness;
  let chat: Chat;
  const origin = { connector: 'telegrambot', line: '7' };

  beforeAll(async () => {
    h = await startOpenLines();
    const at = h.storage.clock.now();
    chat = await h.storage.db.client.chat.create({
      data: {
        connector: origin.connector,
        lineId: origin.line,
        externalChatId: 'c-1',
        blocked: false,
        createdAt: at,
        updatedAt: at,
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const item = (messageId: number, externalIds: string[] = []): OlpStatusItem => ({
    im: { chat_id: String(chat.id), message_id: String(messageId) },
    message: { id: externalIds },
    chat: { id: 'c-1' },
  });
  const reload = (id: number) => h.storage.db.client.message.findUniqueOrThrow({ where: { id } });

  describe('OnReceivedStatusDelivery', () => {
    it('should mark the message delivered and store its channel ids', async () => {
      const msg = await insertOutgoingMessage(h.storage.db, { chatId: chat.id });
      await h.events.emit('OnReceivedStatusDelivery', { ...origin, items: [item(msg.id, ['501', '502'])] });
      expect(await reload(msg.id)).toMatchObject({ status: 'delivered', externalId: '["501","502"]' });
    });

    it('should not turn a read message back into delivered', async () => {
      const msg = await insertOutgoingMessage(h.storage.db, { chatId: chat.id });
      await h.events.emit('OnReceivedStatusReading', { ...origin, items: [item(msg.id)] });
      await h.events.emit('OnReceivedStatusDelivery', { ...origin, items: [item(msg.id, ['9'])] });
      expect(await reload(msg.id)).toMatchObject({ status: 'read', externalId: '["9"]' });
    });

    it("should leave another connector's messages alone", async () => {
      const msg = await insertOutgoingMessage(h.storage.db, { chatId: chat.id });
      await h.events.emit('OnReceivedStatusDelivery', {
        connector: 'viber',
        line: origin.line,
        items: [item(msg.id, ['1'])],
      });
      expect(await reload(msg.id)).toMatchObject({ status: 'sent', externalId: null });
    });

    it('should skip items naming messages that are not ours and apply the rest', async () => {
      const msg = await insertOutgoingMessage(h.storage.db, { chatId: chat.id });
      await h.events.emit('OnReceivedStatusDelivery', {
        ...origin,
        items: [
          { ...item(msg.id), im: { chat_id: 'not-a-number', message_id: String(msg.id) } },
          { ...item(msg.id), im: { chat_id: String(chat.id), message_id: '99999999999' } },
          item(2_000_000_000),
          item(msg.id, ['x1']),
        ],
      });
      expect((await reload(msg.id)).status).toBe('delivered');
    });
  });

  describe('OnReceivedStatusReading', () => {
    it('should mark the message read', async () => {
      const msg = await insertOutgoingMessage(h.storage.db, { chatId: chat.id });
      await h.events.emit('OnReceivedStatusReading', { ...origin, items: [item(msg.id)] });
      expect((await reload(msg.id)).status).toBe('read');
    });
  });

  describe('OnReceivedError', () => {
    it('should mark the message failed with the reason', async () => {
      const msg = await insertOutgoingMessage(h.storage.db, { chatId: chat.id });
      await h.events.emit('OnReceivedError', {
        ...origin,
        items: [
          {
            im: { chat_id: String(chat.id), message_id: String(msg.id) },
            chat: { id: 'c-1' },
            code: 'USER_BLOCKED',
            message: 'bot was blocked by the user',
          },
        ],
      });
      expect(await reload(msg.id)).toMatchObject({
        status: 'failed',
        error: 'USER_BLOCKED: bot was blocked by the user',
      });
    });
  });
});
