import { Injectable } from '@nestjs/common';
import type { Chat, Message } from '../../../generated/portal-sqlite/client.js';
import { RepliesService } from '../replies/replies.service.js';

/**
 * The portal's own messages to a customer (welcome, no-answer, closing, rating request, bot
 * menu). They go out as system messages through RepliesService, the single path of outgoing
 * messages (stored as direction 'out', queued with Output.sendMessage under the portal message
 * id); `key` makes a retried event send a message once.
 */
@Injectable()
export class CustomerMessages {
  constructor(private readonly replies: RepliesService) {}

  send(chat: Chat, text: string, key?: string): Promise<Message> {
    return this.replies.sendAsSystem({ chatId: chat.id, text, key });
  }
}
