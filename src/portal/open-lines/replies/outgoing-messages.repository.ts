import { Injectable } from '@nestjs/common';
import { Prisma, type Message } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import type { MessageStatus } from '../messages/messages.repository.js';
import { messagesInScope, type LineScope } from './line-scope.js';

/** Operators' messages (direction 'out') as the replies room writes them. */
@Injectable()
export class OutgoingMessagesRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Stores a new operator message, pending and handed to the outbox once (send_count 1). With a
   * client key already used in the chat, returns that message instead (a retried request).
   */
  async insert(opts: {
    chatId: number;
    authorId: number | null;
    text: string;
    fileIds: string[];
    clientKey: string | null;
    at: Date;
  }): Promise<{ message: Message; created: boolean }> {
    const byKey = async () =>
      opts.clientKey === null
        ? null
        : this.db.client.message.findFirst({
            where: { chatId: opts.chatId, clientKey: opts.clientKey, direction: 'out' },
          });
    const existing = await byKey();
    if (existing) return { message: existing, created: false };
    try {
      const message = await this.db.client.message.create({
        data: {
          chatId: opts.chatId,
          direction: 'out',
          authorId: opts.authorId,
          text: opts.text,
          files: JSON.stringify(opts.fileIds),
          status: 'pending' satisfies MessageStatus,
          clientKey: opts.clientKey,
          sendCount: 1,
          createdAt: opts.at,
          updatedAt: opts.at,
        },
      });
      return { message, created: true };
    } catch (err) {
      // A concurrent retry of the same request won (unique index messages_out_client_key_uq).
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
      const winner = await byKey();
      if (!winner) throw err;
      return { message: winner, created: false };
    }
  }

  findById(id: number): Promise<Message | null> {
    return this.db.client.message.findFirst({ where: { id, direction: 'out' } });
  }

  /** The operator message, if the scope sees its chat. */
  findInScope(opts: { id: number; scope: LineScope }): Promise<Message | null> {
    return this.db.client.message.findFirst({
      where: { id: opts.id, direction: 'out', ...messagesInScope(opts.scope) },
    });
  }

  /** pending → sent, only if still pending (a report of delivery may have come first). */
  async markSent(opts: { id: number; chatId: number; at: Date }): Promise<boolean> {
    const { count } = await this.db.client.message.updateMany({
      where: {
        id: opts.id,
        chatId: opts.chatId,
        direction: 'out',
        status: 'pending' satisfies MessageStatus,
      },
      data: { status: 'sent' satisfies MessageStatus, updatedAt: opts.at },
    });
    return count > 0;
  }

  /** pending or sent → failed: the outbox could not hand it over. */
  async markNotSent(opts: { id: number; chatId: number; reason: string; at: Date }): Promise<boolean> {
    const { count } = await this.db.client.message.updateMany({
      where: {
        id: opts.id,
        chatId: opts.chatId,
        direction: 'out',
        status: { in: ['pending', 'sent'] satisfies MessageStatus[] },
      },
      data: { status: 'failed' satisfies MessageStatus, error: opts.reason, updatedAt: opts.at },
    });
    return count > 0;
  }

  /** Records why an edit or a deletion did not go out, leaving the status as it is. */
  async noteError(opts: { id: number; reason: string; at: Date }): Promise<void> {
    await this.db.client.message.updateMany({
      where: { id: opts.id, direction: 'out' },
      data: { error: opts.reason, updatedAt: opts.at },
    });
  }

  /**
   * failed → pending with one more send; returns the message as updated, or null when it is not
   * failed (any more): a double click resends once.
   */
  async markResending(opts: { id: number; at: Date }): Promise<Message | null> {
    const { count } = await this.db.client.message.updateMany({
      where: { id: opts.id, direction: 'out', status: 'failed' satisfies MessageStatus, deletedAt: null },
      data: {
        status: 'pending' satisfies MessageStatus,
        error: null,
        sendCount: { increment: 1 },
        updatedAt: opts.at,
      },
    });
    return count > 0 ? this.findById(opts.id) : null;
  }

  /** New text, one more revision; null when the message is deleted or gone. */
  async edit(opts: { id: number; text: string; at: Date }): Promise<Message | null> {
    const { count } = await this.db.client.message.updateMany({
      where: { id: opts.id, direction: 'out', deletedAt: null },
      data: { text: opts.text, revision: { increment: 1 }, updatedAt: opts.at },
    });
    return count > 0 ? this.findById(opts.id) : null;
  }

  /** Returns whether this call deleted it (false when it was deleted already or is gone). */
  async markDeleted(opts: { id: number; at: Date }): Promise<boolean> {
    const { count } = await this.db.client.message.updateMany({
      where: { id: opts.id, direction: 'out', deletedAt: null },
      data: { deletedAt: opts.at, updatedAt: opts.at },
    });
    return count > 0;
  }

  /** The customer's messages in the chat that no operator has read yet, oldest first. */
  unreadIncoming(opts: { chatId: number; limit: number }): Promise<Message[]> {
    return this.db.client.message.findMany({
      where: {
        chatId: opts.chatId,
        direction: 'in',
        status: 'received' satisfies MessageStatus,
        deletedAt: null,
      },
      orderBy: { id: 'asc' },
      take: opts.limit,
    });
  }

  async markIncomingRead(opts: { ids: number[]; at: Date }): Promise<void> {
    await this.db.client.message.updateMany({
      where: { id: { in: opts.ids }, direction: 'in', status: 'received' satisfies MessageStatus },
      data: { status: 'read' satisfies MessageStatus, updatedAt: opts.at },
    });
  }
}
