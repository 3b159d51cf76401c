import { Injectable } from '@nestjs/common';
import { QueueRepository, type QueueInsert } from '../queue/queue.repository.js';
import { isUniqueViolation } from '../storage/prisma-errors.js';
import { DatabaseService } from '../storage/database.service.js';

/** Webhook deliveries already queued per line, by the channel's own delivery id. */
@Injectable()
export class HookReceiptsRepository {
  constructor(
    private readonly db: DatabaseService,
    private readonly queue: QueueRepository,
  ) {}

  /**
   * Stores the receipt and appends the items in one transaction, so a delivery is either queued
   * with its receipt or not at all (the channel's retry then queues it). Resolves false, storing
   * nothing, when the line already has the receipt.
   */
  async appendOnce(opts: {
    lineRef: number;
    key: string;
    items: QueueInsert[];
    now: Date;
  }): Promise<boolean> {
    const { lineRef, key, now } = opts;
    try {
      const fresh = await this.db.transaction(async (tx) => {
        const seen = await tx.hookReceipt.findUnique({
          where: { lineRef_receiptKey: { lineRef, receiptKey: key } },
        });
        if (seen) return false;
        await tx.hookReceipt.create({ data: { lineRef, receiptKey: key, receivedAt: now } });
        await this.queue.appendIn(tx, { lineRef, items: opts.items, now });
        return true;
      });
      if (fresh) await this.queue.wake({ lineRef, now });
      return fresh;
    } catch (err) {
      // The same delivery arrived twice at once (PostgreSQL): the other request queued it.
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Forgets receipts older than `before` (channels stop redelivering long before). */
  async purgeBefore(opts: { before: Date }): Promise<number> {
    const { count } = await this.db.client.hookReceipt.deleteMany({
      where: { receivedAt: { lt: opts.before } },
    });
    return count;
  }
}
