import { Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentUser, type Principal } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import {
  chatResponse,
  listChatsQuery,
  listMessagesQuery,
  messageResponse,
  type ChatResponse,
  type ListChatsQuery,
  type ListMessagesQuery,
  type MessageResponse,
} from './chats.dto.js';
import { InboxQueryService } from './inbox-query.service.js';

@ApiController('chats')
export class ChatsController {
  constructor(private readonly inbox: InboxQueryService) {}

  @Get()
  @ApiOperation({
    summary:
      "A line's chats, most recently active first, with customer and last message (only those on your lines)",
  })
  @ApiOkResponse({ standardSchema: z.array(chatResponse) })
  list(
    @CurrentUser() user: Principal,
    @Query(validated(listChatsQuery)) query: ListChatsQuery,
  ): Promise<ChatResponse[]> {
    return this.inbox.listChats(user, query);
  }

  @Get(':id/messages')
  @ApiOperation({ summary: "A page of a chat's messages, oldest first; page back with ?before=<first id>" })
  @ApiOkResponse({ standardSchema: z.array(messageResponse) })
  @ApiNotFoundResponse({ description: 'No such chat on your lines' })
  messages(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
    @Query(validated(listMessagesQuery)) query: ListMessagesQuery,
  ): Promise<MessageResponse[]> {
    return this.inbox.listMessages(user, id, query);
  }
}
