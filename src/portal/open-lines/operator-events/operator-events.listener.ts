import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type {
  ChatMessagePayload,
  LineOperatorsPayload,
  MessageStatusPayload,
  SessionEventPayload,
} from '../../events/events.js';
import { ChatsRepository } from '../chats/chats.repository.js';
import { OnPortalEvent } from '../listeners/on-portal-event.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { toEventChat, toEventMessage, type OperatorEventType } from './operator-event.types.js';
import { OperatorEventsWriter } from './operator-events.writer.js';

/** Turns the portal's events into stored operator events, addressed to the chat's line. */
@Injectable()
export class OperatorEventsListener {
  constructor(
    private readonly writer: OperatorEventsWriter,
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly clock: Clock,
  ) {}

  @OnPortalEvent('OnChatMessage')
  async onChatMessage(p: ChatMessagePayload): Promise<void> {
    const at = this.clock.now();
    if (p.chatCreated) {
      const chat = await this.chats.findById(p.chatId);
      if (chat) {
        await this.writer.record({
          type: 'chat.created',
          payload: { chat: toEventChat(chat) },
          lineId: p.line,
          operatorId: null,
          dedupeKey: `chat.created:${p.chatId}`,
          at,
        });
      }
    }
    const row = await this.messages.findById(p.messageId);
    if (!row) return;
    const type = `message.${p.change}`;
    await this.writer.record({
      type,
      payload: { message: toEventMessage(row) },
      lineId: p.line,
      operatorId: null,
      // Creation and deletion happen once; a repeat comes from a retried event.
      ...(p.change !== 'edited' && { dedupeKey: `${type}:${p.messageId}` }),
      at,
    });
  }

  @OnPortalEvent('SessionStatusChanged')
  async onSessionStatus(p: SessionEventPayload): Promise<void> {
    await this.recordSession('session.status', p);
  }

  @OnPortalEvent('SessionAssigned')
  async onSessionAssigned(p: SessionEventPayload): Promise<void> {
    await this.recordSession('session.assigned', p);
  }

  @OnPortalEvent('SessionQueued')
  async onSessionQueued(p: SessionEventPayload & { position: number }): Promise<void> {
    await this.recordSession('session.queued', p);
  }

  /** For the line's operators and, when there is one, the session's operator. */
  private async recordSession(type: OperatorEventType, p: SessionEventPayload): Promise<void> {
    await this.writer.record({
      type,
      payload: p,
      lineId: String(p.lineId),
      operatorId: p.operatorId,
      at: this.clock.now(),
    });
  }

  /** For the line's operators (the new ones included); each stream applies it to its scope. */
  @OnPortalEvent('LineOperatorsChanged')
  async onLineOperators(p: LineOperatorsPayload): Promise<void> {
    const type: OperatorEventType = 'line.operators';
    await this.writer.record({
      type,
      payload: { lineId: p.lineId, userIds: p.userIds },
      lineId: String(p.lineId),
      operatorId: null,
      at: this.clock.now(),
    });
  }

  @OnPortalEvent('OnMessageStatus')
  async onMessageStatus(p: MessageStatusPayload): Promise<void> {
    await this.writer.record({
      type: 'message.status',
      payload: { chatId: p.chatId, messageId: p.messageId, status: p.status, error: p.error },
      lineId: p.line,
      operatorId: null,
      at: this.clock.now(),
    });
  }
}
