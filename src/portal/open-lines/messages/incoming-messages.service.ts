import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { ChatMessagePayload, ReceivedMessagePayload } from '../../events/events.js';
import { PortalEvents } from '../../events/portal-events.js';
import { ChatsRepository, type ChatKey } from '../chats/chats.repository.js';
import { MessagesRepository, type IncomingRef } from './messages.repository.js';

/**
 * Stores customers' messages and their edits and deletions. Every operation is idempotent
 * and order-independent: an edit or deletion that overtakes its original creates the row,
 * and the original then finds it and is dropped as a duplicate.
 */
@Injectable()
export class IncomingMessagesService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly clock: Clock,
    private readonly events: PortalEvents,
  ) {}

  async receive(p: ReceivedMessagePayload): Promise<void> {
    const at = this.clock.now();
    const { chat } = p.message;
    const existed = (await this.chats.findByKey(chatKey(p))) !== null;
    // A customer who writes again has unblocked the bot.
    const saved = await this.chats.saveActivity(
      chatKey(p),
      { customerId: p.userId, name: chat.name, description: chat.description ?? chat.url, blocked: false },
      at,
    );
    const { message } = await this.messages.insertIncoming(
      { chatId: saved.id, externalId: p.message.message.id },
      { authorId: p.userId, text: p.text, fileIds: p.fileIds, at },
    );
    // A retried event announces its message again (the stream's writer drops the repeat); a
    // tombstone left by an earlier deletion is not news.
    if (message.deletedAt === null) await this.announce(p, saved.id, message.id, 'created', !existed);
  }

  async edit(p: ReceivedMessagePayload): Promise<void> {
    const at = this.clock.now();
    const ref = await this.incomingRef(p, at);
    const content = { text: p.text, fileIds: p.fileIds, at };
    if (!(await this.messages.editIncoming(ref, content))) {
      const { created } = await this.messages.insertIncoming(ref, { authorId: p.userId, ...content });
      // The original was stored between the two calls: apply the edit to it.
      if (!created) await this.messages.editIncoming(ref, content);
    }
    await this.announceRef(p, ref, 'edited');
  }

  async remove(p: ReceivedMessagePayload): Promise<void> {
    const at = this.clock.now();
    const ref = await this.incomingRef(p, at);
    if (await this.messages.markIncomingDeleted(ref, at)) return this.announceRef(p, ref, 'deleted');
    // A tombstone, so that an original arriving later stays deleted.
    const { created } = await this.messages.insertIncoming(ref, {
      authorId: p.userId,
      text: '',
      fileIds: [],
      deletedAt: at,
      at,
    });
    if (!created) await this.messages.markIncomingDeleted(ref, at);
    await this.announceRef(p, ref, 'deleted');
  }

  private async announceRef(
    p: ReceivedMessagePayload,
    ref: IncomingRef,
    change: ChatMessagePayload['change'],
  ): Promise<void> {
    const row = await this.messages.findIncoming(ref);
    if (row) await this.announce(p, ref.chatId, row.id, change, false);
  }

  private async announce(
    p: ReceivedMessagePayload,
    chatId: number,
    messageId: number,
    change: ChatMessagePayload['change'],
    chatCreated: boolean,
  ): Promise<void> {
    await this.events.emit('OnChatMessage', {
      chatId,
      messageId,
      connector: p.connector,
      line: p.line,
      direction: 'in',
      change,
      ...(chatCreated && { chatCreated }),
    });
  }

  private async incomingRef(p: ReceivedMessagePayload, at: Date): Promise<IncomingRef> {
    const { chat } = p.message;
    const found = await this.chats.findOrCreate(
      chatKey(p),
      { customerId: p.userId, name: chat.name, description: chat.description ?? chat.url, blocked: false },
      at,
    );
    return { chatId: found.id, externalId: p.message.message.id };
  }
}

function chatKey(p: ReceivedMessagePayload): ChatKey {
  return { connector: p.connector, lineId: p.line, externalChatId: p.message.chat.id };
}
