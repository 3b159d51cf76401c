import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service.js';

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

  appendEvent(opts: {
    visitorId: string;
    kind: string;
    messageId: string;
    payload: string;
    now: Date;
  }): Promise<LiveChatEventRow> {
    return this.db.client.liveChatEvent.create({
      data: {
        visitorId: opts.visitorId,
        kind: opts.kind,
        messageId: opts.messageId,
        payload: opts.payload,
        createdAt: opts.now,
      },
    });
  }

  eventsAfter(opts: { visitorId: string; afterId: number; limit: number }): Promise<LiveChatEventRow[]> {
    return this.db.client.liveChatEvent.findMany({
      where: { visitorId: opts.visitorId, id: { gt: opts.afterId } },
      orderBy: { id: 'asc' },
      take: opts.limit,
    });
  }
}
