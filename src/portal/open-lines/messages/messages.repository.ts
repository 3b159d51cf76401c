import { Injectable } from '@nestjs/common';
import { Prisma, type Message } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { messagesInScope, type LineScope } from '../replies/line-scope.js';

export type MessageDirection = 'in' | 'out';
/**
 * Customers' messages are 'received', then 'read' once an operator read them. Operators'
 * messages: pending (in the outbox), sent (the connector server took it), delivered, read, or
 * failed (with the reason in `error`).
 */
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A customer's message, addressed by its chat and the channel's id. */
export interface IncomingRef {
  chatId: number;
  externalId: string;
}

/** An operator's message, addressed by our own ids as the portal sent them in Outgoing.im. */
export interface OutgoingRef {
  id: number;
  chatId: number;
}

/** Messages read to find one that carries a file: enough unless the id holds LIKE wildcards. */
const CARRIER_CANDIDATES = 20;

/** The ids in a message's files column (a JSON array of stored file ids). */
export function fileIdsIn(files: string): string[] {
  try {
    const ids: unknown = JSON.parse(files);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

@Injectable()
export class MessagesRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Stores a customer's message once: when (chat, external id) is already there (a retried
   * event, or an edit that overtook the original) the stored row is returned unchanged.
   */
  async insertIncoming(
    ref: IncomingRef,
    opts: { authorId: number | null; text: string; fileIds: string[]; deletedAt?: Date; at: Date },
  ): Promise<{ message: Message; created: boolean }> {
    const where = { chatId: ref.chatId, externalId: ref.externalId, direction: 'in' };
    const existing = await this.db.client.message.findFirst({ where });
    if (existing) return { message: existing, created: false };
    try {
      const message = await this.db.client.message.create({
        data: {
          ...where,
          authorId: opts.authorId,
          text: opts.text,
          files: JSON.stringify(opts.fileIds),
          status: 'received' satisfies MessageStatus,
          createdAt: opts.at,
          updatedAt: opts.at,
          deletedAt: opts.deletedAt ?? null,
        },
      });
      return { message, created: true };
    } catch (err) {
      // A concurrent insert of the same message won (unique index messages_in_external_id_uq).
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.db.client.message.findFirst({ where });
      if (!winner) throw err;
      return { message: winner, created: false };
    }
  }

  /** Returns whether the message exists. */
  async editIncoming(
    ref: IncomingRef,
    opts: { text: string; fileIds: string[]; at: Date },
  ): Promise<boolean> {
    const { count } = await this.db.client.message.updateMany({
      where: { chatId: ref.chatId, externalId: ref.externalId, direction: 'in' },
      data: { text: opts.text, files: JSON.stringify(opts.fileIds), updatedAt: opts.at },
    });
    return count > 0;
  }

  /** Returns whether the message exists; the first deletion time is kept. */
  async markIncomingDeleted(ref: IncomingRef, at: Date): Promise<boolean> {
    const where = { chatId: ref.chatId, externalId: ref.externalId, direction: 'in' };
    const { count } = await this.db.client.message.updateMany({
      where: { ...where, deletedAt: null },
      data: { deletedAt: at, updatedAt: at },
    });
    if (count > 0) return true;
    return (await this.db.client.message.count({ where })) > 0;
  }

  /**
   * Records the channel's ids of an operator's message and marks it delivered, unless it was
   * already read (the channel may report reading before delivery). Returns whether it exists.
   */
  async markDelivered(ref: OutgoingRef, opts: { externalIds: string[]; at: Date }): Promise<boolean> {
    const where = { id: ref.id, chatId: ref.chatId, direction: 'out' };
    const data = { updatedAt: opts.at, externalId: JSON.stringify(opts.externalIds) };
    const { count } = await this.db.client.message.updateMany({
      where: { ...where, status: { not: 'read' satisfies MessageStatus } },
      data: { ...data, status: 'delivered' satisfies MessageStatus, error: null },
    });
    if (count > 0) return true;
    return (await this.db.client.message.updateMany({ where, data })).count > 0;
  }

  /** Returns whether the message exists. */
  async markRead(ref: OutgoingRef, at: Date): Promise<boolean> {
    const { count } = await this.db.client.message.updateMany({
      where: { id: ref.id, chatId: ref.chatId, direction: 'out' },
      data: { status: 'read' satisfies MessageStatus, error: null, updatedAt: at },
    });
    return count > 0;
  }

  /** Returns whether the message exists. */
  async markFailed(ref: OutgoingRef, opts: { reason: string; at: Date }): Promise<boolean> {
    const { count } = await this.db.client.message.updateMany({
      where: { id: ref.id, chatId: ref.chatId, direction: 'out' },
      data: { status: 'failed' satisfies MessageStatus, error: opts.reason, updatedAt: opts.at },
    });
    return count > 0;
  }

  async findById(id: number): Promise<Message | null> {
    return this.db.client.message.findUnique({ where: { id } });
  }

  async findIncoming(ref: IncomingRef): Promise<Message | null> {
    return this.db.client.message.findFirst({
      where: { chatId: ref.chatId, externalId: ref.externalId, direction: 'in' },
    });
  }

  async findOutgoing(ref: OutgoingRef): Promise<Message | null> {
    return this.db.client.message.findFirst({ where: { id: ref.id, chatId: ref.chatId, direction: 'out' } });
  }

  /** A page of a chat's messages, oldest first, ending just before `beforeId` (or at the newest). */
  async listForChat(opts: { chatId: number; beforeId?: number; limit: number }): Promise<Message[]> {
    const rows = await this.db.client.message.findMany({
      where: { chatId: opts.chatId, ...(opts.beforeId !== undefined && { id: { lt: opts.beforeId } }) },
      orderBy: { id: 'desc' },
      take: opts.limit,
    });
    return rows.reverse();
  }

  /**
   * Whether a message the scope sees, not deleted (unless `deletedToo`), carries the stored
   * file: a file is reachable only through its message, so deleting the message takes the file
   * away from everyone.
   */
  async carriesFile(opts: { fileId: string; scope: LineScope; deletedToo?: boolean }): Promise<boolean> {
    const rows = await this.db.client.message.findMany({
      // The files column is a JSON array of ids, so the quoted id matches whole elements only;
      // but Prisma does not escape LIKE wildcards (_ and %), so each match is checked exactly.
      where: {
        files: { contains: JSON.stringify(opts.fileId) },
        ...(!opts.deletedToo && { deletedAt: null }),
        ...messagesInScope(opts.scope),
      },
      select: { files: true },
      take: CARRIER_CANDIDATES,
    });
    return rows.some((r) => fileIdsIn(r.files).includes(opts.fileId));
  }

  /** The newest message of each chat that has one, deleted messages left out. */
  async lastOfChats(chatIds: number[]): Promise<Message[]> {
    if (chatIds.length === 0) return [];
    const newest = await this.db.client.message.groupBy({
      by: ['chatId'],
      where: { chatId: { in: chatIds }, deletedAt: null },
      _max: { id: true },
    });
    const ids = newest.map((g) => g._max.id).filter((id): id is number => id !== null);
    return this.db.client.message.findMany({ where: { id: { in: ids } } });
  }
}
