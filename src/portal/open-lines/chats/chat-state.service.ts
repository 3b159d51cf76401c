import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { PortalEventMap } from '../../events/events.js';
import { ChatsRepository } from './chats.repository.js';

/**
 * Block and rename reports. They may arrive before the chat's first message has left the
 * inbox, so an unknown chat is created with the reported state rather than the report lost.
 */
@Injectable()
export class ChatStateService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly clock: Clock,
  ) {}

  async markBlocked(p: PortalEventMap['OnReceivedStatusBlock']): Promise<void> {
    for (const item of p.items) {
      await this.chats.markBlocked(
        { connector: p.connector, lineId: p.line, externalChatId: item.chatId },
        this.clock.now(),
      );
    }
  }

  async rename(p: PortalEventMap['OnNewChatName']): Promise<void> {
    for (const item of p.items) {
      await this.chats.rename(
        { connector: p.connector, lineId: p.line, externalChatId: item.chatId },
        item.name,
        this.clock.now(),
      );
    }
  }
}
