import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { FilesService } from '../../files/files.service.js';
import { ChatsRepository } from '../../open-lines/chats/chats.repository.js';
import { MessagesRepository } from '../../open-lines/messages/messages.repository.js';
import { ChatAccessService, type Actor } from '../../open-lines/replies/chat-access.service.js';
import {
  fileIdsOf,
  toChatResponse,
  toMessageResponse,
  type ChatResponse,
  type FileMeta,
  type ListChatsQuery,
  type ListMessagesQuery,
  type MessageResponse,
} from './chats.dto.js';
import { CustomerNamesRepository } from './customer-names.repository.js';

/**
 * The operator inbox's read side: pages of chats and of their messages, with what they refer
 * to, of the chats the reader may see (their LineScope, in the query).
 */
@Injectable()
export class InboxQueryService {
  private readonly logger = new Logger(InboxQueryService.name);

  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly customers: CustomerNamesRepository,
    private readonly files: FilesService,
    private readonly access: ChatAccessService,
  ) {}

  /** A line's chats; of a line not theirs, an operator gets only what was moved to them. */
  async listChats(reader: Actor, q: ListChatsQuery): Promise<ChatResponse[]> {
    const scope = await this.access.scopeOf(reader);
    const chats = await this.chats.listForLine({ lineId: q.line, scope, limit: q.limit, offset: q.offset });
    const customerIds = [...new Set(chats.flatMap((c) => (c.customerId === null ? [] : [c.customerId])))];
    const [names, lastMessages] = await Promise.all([
      this.customers.namesByIds(customerIds),
      this.messages.lastOfChats(chats.map((c) => c.id)),
    ]);
    const lastByChat = new Map(lastMessages.map((m) => [m.chatId, m]));
    return chats.map((c) =>
      toChatResponse(c, c.customerId === null ? undefined : names.get(c.customerId), lastByChat.get(c.id)),
    );
  }

  async listMessages(reader: Actor, chatId: number, q: ListMessagesQuery): Promise<MessageResponse[]> {
    const scope = await this.access.scopeOf(reader);
    if (!(await this.chats.findInScope({ id: chatId, scope }))) {
      throw new NotFoundException(`chat ${chatId} does not exist`);
    }
    const rows = await this.messages.listForChat({ chatId, beforeId: q.before, limit: q.limit });
    const files = await this.fileMeta([...new Set(rows.flatMap(fileIdsOf))]);
    return rows.map((row) => toMessageResponse(row, files));
  }

  private async fileMeta(ids: string[]): Promise<Map<string, FileMeta>> {
    const found = await Promise.all(ids.map((id) => this.files.find(id)));
    const meta = new Map<string, FileMeta>();
    found.forEach((file, i) => {
      if (file) meta.set(file.id, file);
      else this.logger.warn(`message refers to stored file ${ids[i]}, which does not exist`);
    });
    return meta;
  }
}
