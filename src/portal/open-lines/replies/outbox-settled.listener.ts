import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { OutboxCallSettledPayload } from '../../events/events.js';
import { PortalEvents } from '../../events/portal-events.js';
import { ChatsRepository } from '../chats/chats.repository.js';
import { OnPortalEvent } from '../listeners/on-portal-event.js';
import { parseRowId } from '../row-id.js';
import { OutgoingMessagesRepository } from './outgoing-messages.repository.js';

const ITEM_METHODS = new Set(['sendMessage', 'updateMessage', 'deleteMessage']);

/**
 * Moves operators' messages on when the outbox is done with their call: a sendMessage the
 * server accepted makes them sent, one refused for good makes them failed with the server's
 * reason. A refused edit or deletion only records its reason on the message.
 */
@Injectable()
export class OutboxSettledListener {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: OutgoingMessagesRepository,
    private readonly events: PortalEvents,
    private readonly clock: Clock,
  ) {}

  @OnPortalEvent('OnOutboxCallSettled')
  async onSettled(p: OutboxCallSettledPayload): Promise<void> {
    if (!ITEM_METHODS.has(p.method) || p.line === null) return;
    for (const ref of messageRefs(p.data)) {
      const chat = await this.chats.findOwned({ id: ref.chatId, connector: p.connector, lineId: p.line });
      if (!chat) continue;
      const at = this.clock.now();
      const reason = p.error ?? 'refused';
      let changed: boolean;
      if (p.method !== 'sendMessage') {
        if (p.state === 'failed') {
          const what = p.method === 'updateMessage' ? 'edit' : 'deletion';
          await this.messages.noteError({ id: ref.id, reason: `${what} not delivered: ${reason}`, at });
        }
        changed = p.state === 'failed';
      } else if (p.state === 'sent') {
        changed = await this.messages.markSent({ id: ref.id, chatId: chat.id, at });
      } else {
        changed = await this.messages.markNotSent({ id: ref.id, chatId: chat.id, reason, at });
      }
      if (!changed) continue;
      const row = await this.messages.findById(ref.id);
      if (!row) continue;
      await this.events.emit('OnMessageStatus', {
        chatId: chat.id,
        messageId: row.id,
        line: chat.lineId,
        status: row.status,
        error: row.error,
      });
    }
  }
}

/** Our message ids in the items of a stored call (Outgoing.im); anything else is skipped. */
function messageRefs(data: string): { id: number; chatId: number }[] {
  let args: unknown;
  try {
    args = JSON.parse(data);
  } catch {
    return [];
  }
  const items: unknown = Array.isArray(args) ? args[0] : undefined;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item: unknown) => {
    const im = (item as { im?: { chat_id?: unknown; message_id?: unknown } } | null)?.im;
    if (typeof im?.chat_id !== 'string' || typeof im.message_id !== 'string') return [];
    const chatId = parseRowId(im.chat_id);
    const id = parseRowId(im.message_id);
    return chatId === null || id === null ? [] : [{ id, chatId }];
  });
}
