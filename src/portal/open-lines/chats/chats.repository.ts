import { Injectable } from '@nestjs/common';
import type { Chat } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { chatsInScope, type LineScope } from '../replies/line-scope.js';

/** A chat as the channel names it: unique per connector and line. */
export interface ChatKey {
  connector: string;
  lineId: string;
  externalChatId: string;
}

export interface ChatDetails {
  /** Undefined leaves the stored value as it is. */
  customerId?: number;
  name?: string;
  description?: string;
}

@Injectable()
export class ChatsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Creates the chat or refreshes its details, and records activity (updated_at) either way. */
  saveActivity(key: ChatKey, details: ChatDetails & { blocked: boolean }, at: Date): Promise<Chat> {
    return this.db.client.chat.upsert({
      where: { connector_lineId_externalChatId: key },
      create: { ...key, ...details, createdAt: at, updatedAt: at },
      update: { ...details, updatedAt: at },
    });
  }

  /** Returns the chat, creating it if it does not exist yet; an existing chat is left untouched. */
  findOrCreate(key: ChatKey, details: ChatDetails & { blocked: boolean }, at: Date): Promise<Chat> {
    return this.db.client.chat.upsert({
      where: { connector_lineId_externalChatId: key },
      create: { ...key, ...details, createdAt: at, updatedAt: at },
      update: {},
    });
  }

  rename(key: ChatKey, name: string, at: Date): Promise<Chat> {
    return this.db.client.chat.upsert({
      where: { connector_lineId_externalChatId: key },
      create: { ...key, name, blocked: false, createdAt: at, updatedAt: at },
      update: { name, updatedAt: at },
    });
  }

  markBlocked(key: ChatKey, at: Date): Promise<Chat> {
    return this.db.client.chat.upsert({
      where: { connector_lineId_externalChatId: key },
      create: { ...key, blocked: true, createdAt: at, updatedAt: at },
      update: { blocked: true, updatedAt: at },
    });
  }

  findByKey(key: ChatKey): Promise<Chat | null> {
    return this.db.client.chat.findUnique({ where: { connector_lineId_externalChatId: key } });
  }

  findById(id: number): Promise<Chat | null> {
    return this.db.client.chat.findUnique({ where: { id } });
  }

  /** The chat with this id, only if it belongs to that connector and line. */
  findOwned(opts: { id: number; connector: string; lineId: string }): Promise<Chat | null> {
    return this.db.client.chat.findFirst({
      where: { id: opts.id, connector: opts.connector, lineId: opts.lineId },
    });
  }

  /** The chat, if the scope sees it. */
  findInScope(opts: { id: number; scope: LineScope }): Promise<Chat | null> {
    return this.db.client.chat.findFirst({ where: { id: opts.id, ...chatsInScope(opts.scope) } });
  }

  /** The line's chats that the scope sees, most recently active first. */
  listForLine(opts: { lineId: string; scope: LineScope; limit: number; offset: number }): Promise<Chat[]> {
    return this.db.client.chat.findMany({
      where: { lineId: opts.lineId, ...chatsInScope(opts.scope) },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      skip: opts.offset,
    });
  }
}
