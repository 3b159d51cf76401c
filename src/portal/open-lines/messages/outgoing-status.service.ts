import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { ErrorPayload, Origin, StatusPayload } from '../../events/events.js';
import { PortalEvents } from '../../events/portal-events.js';
import { ChatsRepository } from '../chats/chats.repository.js';
import { parseRowId } from '../row-id.js';
import { MessagesRepository, type OutgoingRef } from './messages.repository.js';

/**
 * Applies the channel's reports about operators' messages. Items name our own ids (the
 * portal sent them in Outgoing.im); an item naming a message that is not ours on that
 * connector and line is skipped with a warning, since retrying could not make it valid.
 */
@Injectable()
export class OutgoingStatusService {
  private readonly logger = new Logger(OutgoingStatusService.name);

  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly clock: Clock,
    private readonly events: PortalEvents,
  ) {}

  async markDelivered(p: StatusPayload): Promise<void> {
    for (const item of p.items) {
      const ref = await this.resolve(p, item.im);
      if (!ref) continue;
      const found = await this.messages.markDelivered(ref, {
        externalIds: item.message.id,
        at: this.clock.now(),
      });
      if (!found) this.skip(p, item.im, 'delivery');
      else await this.changed(p, ref);
    }
  }

  async markRead(p: StatusPayload): Promise<void> {
    for (const item of p.items) {
      const ref = await this.resolve(p, item.im);
      if (!ref) continue;
      if (!(await this.messages.markRead(ref, this.clock.now()))) this.skip(p, item.im, 'reading');
      else await this.changed(p, ref);
    }
  }

  async markFailed(p: ErrorPayload): Promise<void> {
    for (const item of p.items) {
      const ref = await this.resolve(p, item.im);
      if (!ref) continue;
      const reason = item.code ? `${item.code}: ${item.message}` : item.message;
      const found = await this.messages.markFailed(ref, { reason, at: this.clock.now() });
      if (!found) this.skip(p, item.im, 'error');
      else await this.changed(p, ref);
    }
  }

  /** Tells the operators' stream what the message's status now is. */
  private async changed(origin: Origin, ref: OutgoingRef): Promise<void> {
    const row = await this.messages.findOutgoing(ref);
    if (!row) return;
    await this.events.emit('OnMessageStatus', {
      chatId: ref.chatId,
      messageId: ref.id,
      line: origin.line,
      status: row.status,
      error: row.error,
    });
  }

  private async resolve(
    origin: Origin,
    im: { chat_id: string; message_id: string },
  ): Promise<OutgoingRef | null> {
    const chatId = parseRowId(im.chat_id);
    const id = parseRowId(im.message_id);
    const chat =
      chatId === null
        ? null
        : await this.chats.findOwned({ id: chatId, connector: origin.connector, lineId: origin.line });
    if (chat && id !== null) return { id, chatId: chat.id };
    this.skip(origin, im, 'status');
    return null;
  }

  private skip(origin: Origin, im: { chat_id: string; message_id: string }, what: string): void {
    this.logger.warn(
      `${what} report for unknown message ${im.message_id} in chat ${im.chat_id} ` +
        `(connector ${origin.connector}, line ${origin.line}) skipped`,
    );
  }
}
