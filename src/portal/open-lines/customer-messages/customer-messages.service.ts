import { Injectable } from '@nestjs/common';
import type { Chat, Message } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { OutputService } from '../../output/output.service.js';
import type { OlpOutgoing } from '../../../protocol/index.js';
import { DatabaseService } from '../../storage/database.service.js';

/**
 * The one way the portal itself writes to a customer (welcome, no-answer, closing, rating
 * request, bot menu): the message is stored as direction 'out' without author, then queued with
 * Output.sendMessage under the key msg:<portal message id>, so a retry never sends it twice.
 */
@Injectable()
export class CustomerMessages {
  constructor(
    private readonly db: DatabaseService,
    private readonly output: OutputService,
    private readonly clock: Clock,
  ) {}

  async send(chat: Chat, text: string): Promise<Message> {
    const at = this.clock.now();
    const message = await this.db.client.message.create({
      data: {
        chatId: chat.id,
        direction: 'out',
        authorId: null,
        text,
        files: '[]',
        status: 'pending',
        createdAt: at,
        updatedAt: at,
      },
    });
    const outgoing: OlpOutgoing = {
      im: { chat_id: String(chat.id), message_id: String(message.id) },
      chat: { id: chat.externalChatId },
      message: { text },
    };
    await this.output
      .connector(chat.connector, chat.lineId, { key: `msg:${message.id}` })
      .sendMessage([outgoing]);
    return message;
  }
}
