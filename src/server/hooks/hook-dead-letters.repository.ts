import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service.js';

/** Webhook deliveries a connector could not use, kept with the reason. */
@Injectable()
export class HookDeadLettersRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Keeps one delivery; resolves its id. */
  async add(opts: {
    lineRef: number;
    receiptKey: string | null;
    reason: string;
    body: string;
    now: Date;
  }): Promise<number> {
    const { id } = await this.db.client.hookDeadLetter.create({
      data: {
        lineRef: opts.lineRef,
        receiptKey: opts.receiptKey,
        reason: opts.reason,
        body: opts.body,
        receivedAt: opts.now,
      },
      select: { id: true },
    });
    return id;
  }

  /** Forgets letters received before `before`. */
  async purgeBefore(opts: { before: Date }): Promise<number> {
    const { count } = await this.db.client.hookDeadLetter.deleteMany({
      where: { receivedAt: { lt: opts.before } },
    });
    return count;
  }
}
