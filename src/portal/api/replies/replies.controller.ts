import { Body, Delete, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { CurrentUser, type Principal } from '../auth/principal.js';
import {
  fileResponse,
  messageResponse,
  type FileResponse,
  type MessageResponse,
} from '../chats/chats.dto.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import { RepliesApiService } from './replies-api.service.js';
import {
  editRequest,
  readResponse,
  replyRequest,
  uploadQuery,
  type EditRequest,
  type ReadResponse,
  type ReplyRequest,
  type UploadQuery,
} from './replies.dto.js';

@ApiController('chats')
@ApiForbiddenResponse({ description: 'The chat is assigned to someone else' })
export class ChatRepliesController {
  constructor(private readonly replies: RepliesApiService) {}

  @Post(':id/replies')
  @ApiOperation({ summary: 'Answer the customer (text and/or uploaded files); goes out through the outbox' })
  @ApiCreatedResponse({ standardSchema: messageResponse })
  @ApiNotFoundResponse({ description: 'No such chat on your lines' })
  reply(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
    @Body(validated(replyRequest)) body: ReplyRequest,
  ): Promise<MessageResponse> {
    return this.replies.reply(user, id, body);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: "Mark the customer's messages read; the channel is told (setStatusReading)" })
  @ApiOkResponse({ standardSchema: readResponse })
  @ApiNotFoundResponse({ description: 'No such chat on your lines' })
  markRead(@CurrentUser() user: Principal, @Param('id', validated(rowId)) id: number): Promise<ReadResponse> {
    return this.replies.markRead(user, id);
  }
}

@ApiController('messages')
@ApiForbiddenResponse({ description: 'The chat is assigned to someone else' })
@ApiNotFoundResponse({ description: 'No such operator message in a chat on your lines' })
export class OperatorMessagesController {
  constructor(private readonly replies: RepliesApiService) {}

  @Patch(':id')
  @ApiOperation({ summary: "Edit an operator's message; the edit goes out to the channel" })
  @ApiOkResponse({ standardSchema: messageResponse })
  @ApiConflictResponse({ description: 'The message is deleted' })
  edit(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
    @Body(validated(editRequest)) body: EditRequest,
  ): Promise<MessageResponse> {
    return this.replies.edit(user, id, body);
  }

  @Delete(':id')
  @ApiOperation({
    summary: "Delete an operator's message here and on the channel; its file links stop working",
  })
  @ApiOkResponse({ standardSchema: messageResponse })
  remove(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<MessageResponse> {
    return this.replies.remove(user, id);
  }

  @Post(':id/resend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed message again (same message id, so never twice)' })
  @ApiOkResponse({ standardSchema: messageResponse })
  @ApiConflictResponse({ description: 'The message has not failed' })
  resend(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<MessageResponse> {
    return this.replies.resend(user, id);
  }
}

@ApiController('uploads')
export class UploadsController {
  constructor(private readonly replies: RepliesApiService) {}

  @Post()
  @ApiOperation({ summary: 'Upload a file to send in a reply (body: the bytes, application/octet-stream)' })
  @ApiConsumes('application/octet-stream')
  @ApiCreatedResponse({ standardSchema: fileResponse })
  upload(
    @Req() req: { body?: unknown },
    @Query(validated(uploadQuery)) query: UploadQuery,
  ): Promise<FileResponse> {
    return this.replies.upload(req.body, query);
  }
}
