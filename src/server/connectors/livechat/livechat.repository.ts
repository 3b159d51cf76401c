import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service.js';
import { isUniqueViolation } from '../../storage/prisma-errors.js';

export interface LiveChatVisitorRow {
  id: string;
  lineRef: number;
  name: string | null;
  url: string | null;
  createdAt: Date;
}

export interface LiveChatEventRow {
  id: number;
  visitorId: string;
  kind: string;
  messageId: string;
  payload: string;
  sourceKey: string | null;
  createdAt: Date;
}

/** Visitors of live chat lines and the events each one's widget receives, in id order. */
@Injectable()
export class LiveChatRepository {
  constructor(private readonly db: DatabaseService) {}

  createVisitor(opts: {
    id: string;
    lineRef: number;
    name: string | null;
    url: string | null;
    now: Date;
  }): Promise<LiveChatVisitorRow> {
    return this.db.client.liveChatVisitor.create({
      data: { id: opts.id, lineRef: opts.lineRef, name: opts.name, url: opts.url, createdAt: opts.now },
    });
  }

  findVisitor(opts: { id: string; lineRef: number }): Promise<LiveChatVisitorRow | null> {
    return this.db.client.liveChatVisitor.findFirst({ where: { id: opts.id, lineRef: opts.lineRef } });
  }

  /**
   * Appends an event; with `sourceKey` (the outbound item that appends it) a second append of the
   * same key appends nothing and resolves the first event, so a repeated delivery shows once.
   */
  async appendEvent(opts: {
    visitorId: string;
    kind: string;
    messageId: string;
    payload: string;
    sourceKey?: string;
    now: Date;
  }): Promise<{ row: LiveChatEventRow; fresh: boolean }> {
    const key = opts.sourceKey;
    const earlier = () =>
      key === undefined
        ? null
        : this.db.client.liveChatEvent.findUnique({
            where: { visitorId_sourceKey: { visitorId: opts.visitorId, sourceKey: key } },
          });
    const seen = await earlier();
    if (seen) return { row: seen, fresh: false };
    try {
      const row = await this.db.client.liveChatEvent.create({
        data: {
          visitorId: opts.visitorId,
          kind: opts.kind,
          messageId: opts.messageId,
          payload: opts.payload,
          sourceKey: key ?? null,
          createdAt: opts.now,
        },
      });
      return { row, fresh: true };
    } catch (err) {
      // A worker that took the item over appended it at the same moment.
      const raced = isUniqueViolation(err) ? await earlier() : null;
      if (raced) return { row: raced, fresh: false };
      throw err;
    }
  }

  eventsAfter(opts: { visitorId: string; afterId: number; limit: number }): Promise<LiveChatEventRow[]> {
    return this.db.client.liveChatEvent.findMany({
      where: { visitorId: opts.visitorId, id: { gt: opts.afterId } },
      orderBy: { id: 'asc' },
      take: opts.limit,
    });
  }
}
