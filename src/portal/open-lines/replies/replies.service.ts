import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { Chat, Message } from '../../../generated/portal-sqlite/client.js';
import type { OlpOutgoing } from '../../../protocol/index.js';
import { PortalConfig } from '../../config.js';
import { PortalEvents } from '../../events/portal-events.js';
import { FilesService } from '../../files/files.service.js';
import { OutputService } from '../../output/output.service.js';
import { ChatsRepository } from '../chats/chats.repository.js';
import { FileLinksRepository } from './file-links.repository.js';
import { OutgoingMessagesRepository } from './outgoing-messages.repository.js';

/** Why a reply operation did not happen; the API turns each into its HTTP status. */
export class ReplyError extends Error {
  constructor(
    readonly reason: 'no-chat' | 'no-message' | 'no-file' | 'deleted' | 'not-failed',
    message: string,
  ) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** Who a message is from: an operator (with the name the customer sees), or the system (null). */
export interface Author {
  id: number;
  name: string;
}

export interface ReplyRequest {
  chatId: number;
  author: Author | null;
  text: string;
  /** Stored file ids (uploaded before), sent as links the portal serves. */
  fileIds?: string[];
  /** The caller's key of this request: a retry with the same key returns the first message. */
  clientKey?: string;
}

const MAX_READ_BATCH = 1000;

/**
 * Operators' messages to customers. Every change goes out through the outbox
 * (OutputService fire-and-forget calls) under a key of its own derived from the portal's message
 * id, and the message carries that id in Outgoing.im: a retried call is queued once, and the
 * connector server stores an item it already holds (same im, same content) only once
 * (OutboundService.storeItems), so a call sent again after a lost answer reaches the customer
 * once. Status: pending → sent (the outbox handed it over, see OutboxSettledListener) →
 * delivered → read, or failed with the reason.
 */
@Injectable()
export class RepliesService {
  private readonly publicUrl: string;

  constructor(
    config: PortalConfig,
    private readonly chats: ChatsRepository,
    private readonly messages: OutgoingMessagesRepository,
    private readonly links: FileLinksRepository,
    private readonly files: FilesService,
    private readonly output: OutputService,
    private readonly events: PortalEvents,
    private readonly clock: Clock,
  ) {
    this.publicUrl = config.publicUrl;
  }

  /** Stores the operator's message and queues it. A retry (same clientKey) never queues twice. */
  async reply(req: ReplyRequest): Promise<Message> {
    const chat = await this.chatOrThrow(req.chatId);
    const fileIds = req.fileIds ?? [];
    for (const id of fileIds) {
      if (!(await this.files.find(id))) throw new ReplyError('no-file', `file ${id} does not exist`);
    }
    const at = this.clock.now();
    const { message, created } = await this.messages.insert({
      chatId: chat.id,
      authorId: req.author?.id ?? null,
      text: req.text,
      fileIds,
      clientKey: req.clientKey ?? null,
      at,
    });
    if (created) {
      for (const fileId of fileIds) {
        await this.links.create({ token: newToken(), fileId, messageId: message.id, createdAt: at });
      }
      await this.announce(chat, message, 'created');
    }
    // A retried request whose first try stored the message but did not queue it queues it now;
    // the outbox key makes this a no-op when it did.
    if (message.status === 'pending') return this.queueSend(chat, message, req.author);
    return message;
  }

  /** A message from the portal itself (welcome, closing, ...), shown to operators as system. */
  sendAsSystem(opts: { chatId: number; text: string; key?: string }): Promise<Message> {
    return this.reply({ chatId: opts.chatId, author: null, text: opts.text, clientKey: opts.key });
  }

  /** Sends a failed message again, as the same portal message id. */
  async resend(opts: { messageId: number; author: Author | null }): Promise<Message> {
    const current = await this.messageOrThrow(opts.messageId);
    const chat = await this.chatOrThrow(current.chatId);
    const message = await this.messages.markResending({ id: current.id, at: this.clock.now() });
    if (!message) {
      throw new ReplyError(
        'not-failed',
        `message ${current.id} is ${current.status}; only a failed one is resent`,
      );
    }
    await this.announceStatus(chat, message);
    return this.queueSend(chat, message, opts.author);
  }

  async edit(opts: { messageId: number; text: string; author: Author | null }): Promise<Message> {
    const current = await this.messageOrThrow(opts.messageId);
    const chat = await this.chatOrThrow(current.chatId);
    if (current.deletedAt !== null) throw new ReplyError('deleted', `message ${current.id} is deleted`);
    // The same text again (a retried request) changes nothing and sends nothing.
    if (current.text === opts.text) return current;
    const message = await this.messages.edit({ id: current.id, text: opts.text, at: this.clock.now() });
    if (!message) throw new ReplyError('deleted', `message ${current.id} is deleted`);
    await this.output
      .connector(chat.connector, chat.lineId, { key: `msg:${message.id}:edit:${message.revision}` })
      .updateMessage([await this.outgoing(chat, message, opts.author)]);
    await this.announce(chat, message, 'edited');
    return message;
  }

  /** Deletes the message here and on the channel, and revokes its file links. */
  async remove(opts: { messageId: number }): Promise<Message> {
    const current = await this.messageOrThrow(opts.messageId);
    const chat = await this.chatOrThrow(current.chatId);
    const at = this.clock.now();
    if (await this.messages.markDeleted({ id: current.id, at })) {
      await this.links.revokeForMessage({ messageId: current.id, at });
      const item: OlpOutgoing = {
        im: imOf(chat, current),
        chat: { id: chat.externalChatId },
        message: { ...channelIdsOf(current), text: '' },
      };
      await this.output
        .connector(chat.connector, chat.lineId, { key: `msg:${current.id}:delete` })
        .deleteMessage([item]);
    }
    const message = (await this.messages.findById(current.id)) ?? current;
    await this.announce(chat, message, 'deleted');
    return message;
  }

  /**
   * Marks the customer's unread messages in the chat read and tells the channel
   * (setStatusReading). Returns how many were marked.
   */
  async markRead(opts: { chatId: number }): Promise<number> {
    const chat = await this.chatOrThrow(opts.chatId);
    const unread = await this.messages.unreadIncoming({ chatId: chat.id, limit: MAX_READ_BATCH });
    const last = unread.at(-1);
    if (!last) return 0;
    const items = unread.flatMap((m) =>
      m.externalId === null ? [] : [{ chat: { id: chat.externalChatId }, message: { id: m.externalId } }],
    );
    if (items.length > 0) {
      await this.output
        .connector(chat.connector, chat.lineId, { key: `chat:${chat.id}:read:${last.id}` })
        .setStatusReading(items);
    }
    await this.messages.markIncomingRead({ ids: unread.map((m) => m.id), at: this.clock.now() });
    for (const m of unread) await this.announceStatus(chat, { ...m, status: 'read' });
    return unread.length;
  }

  private async queueSend(chat: Chat, message: Message, author: Author | null): Promise<Message> {
    try {
      await this.output
        .connector(chat.connector, chat.lineId, { key: `msg:${message.id}:send:${message.sendCount}` })
        .sendMessage([await this.outgoing(chat, message, author)]);
      return message;
    } catch (err) {
      // Not in the outbox, so nothing will ever send it: show it failed, so it can be resent.
      const reason = `not queued: ${err instanceof Error ? err.message : String(err)}`;
      await this.messages.markNotSent({ id: message.id, chatId: chat.id, reason, at: this.clock.now() });
      const failed = (await this.messages.findById(message.id)) ?? message;
      await this.announceStatus(chat, failed);
      return failed;
    }
  }

  private async outgoing(chat: Chat, message: Message, author: Author | null): Promise<OlpOutgoing> {
    const links = await this.links.forMessage(message.id);
    const files = [];
    for (const link of links) {
      const file = await this.files.find(link.fileId);
      if (!file) continue;
      files.push({
        url: `${this.publicUrl}/public/files/${link.token}`,
        name: file.name,
        size: file.size,
        type: file.mime,
      });
    }
    return {
      im: imOf(chat, message),
      chat: { id: chat.externalChatId },
      message: { ...channelIdsOf(message), text: message.text, ...(files.length > 0 && { files }) },
      ...(author && { user: { name: author.name } }),
    };
  }

  private async chatOrThrow(id: number): Promise<Chat> {
    const chat = await this.chats.findById(id);
    if (!chat) throw new ReplyError('no-chat', `chat ${id} does not exist`);
    return chat;
  }

  private async messageOrThrow(id: number): Promise<Message> {
    const message = await this.messages.findById(id);
    if (!message) throw new ReplyError('no-message', `operator message ${id} does not exist`);
    return message;
  }

  private announce(chat: Chat, message: Message, change: 'created' | 'edited' | 'deleted'): Promise<void> {
    return this.events.emit('OnChatMessage', {
      chatId: chat.id,
      messageId: message.id,
      connector: chat.connector,
      line: chat.lineId,
      direction: 'out',
      change,
    });
  }

  private announceStatus(chat: Chat, message: Message): Promise<void> {
    return this.events.emit('OnMessageStatus', {
      chatId: chat.id,
      messageId: message.id,
      line: chat.lineId,
      status: message.status,
      error: message.error,
    });
  }
}

/** Our ids, by which the channel's reports come back (OutgoingStatusService). */
function imOf(chat: Chat, message: Message): OlpOutgoing['im'] {
  return { chat_id: String(chat.id), message_id: String(message.id) };
}

/** The channel's ids of a delivered message, which an edit or deletion names. */
function channelIdsOf(message: Message): { id?: string[] } {
  if (message.externalId === null) return {};
  try {
    const ids: unknown = JSON.parse(message.externalId);
    if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) return { id: ids };
  } catch {
    // Not JSON: an id stored before the array form.
  }
  return { id: [message.externalId] };
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}
