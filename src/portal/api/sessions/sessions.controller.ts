import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { z } from 'zod';
import { SessionQueryService } from '../../open-lines/sessions/session-query.service.js';
import { CurrentUser, Roles, type Principal } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import {
  listSessionsQuery,
  queueEntryResponse,
  queueQuery,
  sessionHistoryResponse,
  sessionResponse,
  toSessionHistoryResponse,
  toSessionResponse,
  transferRequest,
  type ListSessionsQuery,
  type QueueEntryResponse,
  type QueueQuery,
  type SessionHistoryResponse,
  type SessionResponse,
  type TransferRequest,
} from './sessions.dto.js';
import { SessionActionsService } from './session-actions.service.js';

/**
 * Sessions of Open Lines and the operator's actions on them (each checked against the assignee);
 * a session on none of the caller's lines answers 404.
 */
@ApiController('sessions')
export class SessionsController {
  constructor(
    private readonly query: SessionQueryService,
    private readonly actions: SessionActionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Sessions, newest first (mine=true: those assigned to me)' })
  @ApiOkResponse({ standardSchema: z.array(sessionResponse) })
  async list(
    @CurrentUser() user: Principal,
    @Query(validated(listSessionsQuery)) q: ListSessionsQuery,
  ): Promise<SessionResponse[]> {
    return (await this.query.list(user, q)).map(toSessionResponse);
  }

  @Get('queue')
  @ApiOperation({ summary: "A line's queue of waiting sessions, with each one's position" })
  @ApiOkResponse({ standardSchema: z.array(queueEntryResponse) })
  @ApiForbiddenResponse({ description: 'Not an operator of the line' })
  async queue(
    @CurrentUser() user: Principal,
    @Query(validated(queueQuery)) q: QueueQuery,
  ): Promise<QueueEntryResponse[]> {
    const waiting = await this.query.queue(user, q);
    return waiting.map((s, i) => ({ position: i + 1, session: toSessionResponse(s) }));
  }

  @Get(':id')
  @ApiOkResponse({ standardSchema: sessionResponse })
  @ApiNotFoundResponse({ description: 'No such session on your lines' })
  async get(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<SessionResponse> {
    return toSessionResponse(await this.query.get(user, id));
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Every status change of the session and every routing decision with its reason' })
  @ApiOkResponse({ standardSchema: sessionHistoryResponse })
  @ApiNotFoundResponse({ description: 'No such session on your lines' })
  async history(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<SessionHistoryResponse> {
    const { history, decisions } = await this.query.history(user, id);
    return toSessionHistoryResponse(history, decisions);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('operator', 'admin')
  @ApiNotFoundResponse({ description: 'No such session on your lines' })
  @ApiOperation({ summary: 'Accept a session offered to me' })
  @ApiOkResponse({ standardSchema: sessionResponse })
  @ApiForbiddenResponse({ description: 'Not offered to me' })
  @ApiConflictResponse({ description: 'Taken by someone else, closed, or I am at capacity' })
  async accept(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<SessionResponse> {
    return toSessionResponse(await this.actions.accept(user, id));
  }

  @Post(':id/skip')
  @HttpCode(200)
  @Roles('operator', 'admin')
  @ApiNotFoundResponse({ description: 'No such session on your lines' })
  @ApiOperation({ summary: 'Give my session to the next operator' })
  @ApiOkResponse({ standardSchema: sessionResponse })
  @ApiForbiddenResponse({ description: 'Not assigned to me' })
  async skip(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<SessionResponse> {
    return toSessionResponse(await this.actions.skip(user, id));
  }

  @Post(':id/transfer')
  @HttpCode(200)
  @Roles('operator', 'admin')
  @ApiNotFoundResponse({ description: 'No such session on your lines' })
  @ApiOperation({ summary: 'Transfer my session to another operator or another line' })
  @ApiOkResponse({ standardSchema: sessionResponse })
  @ApiForbiddenResponse({ description: 'Not assigned to me' })
  async transfer(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
    @Body(validated(transferRequest)) body: TransferRequest,
  ): Promise<SessionResponse> {
    return toSessionResponse(await this.actions.transfer(user, id, body));
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('operator', 'admin')
  @ApiNotFoundResponse({ description: 'No such session on your lines' })
  @ApiOperation({ summary: 'Close my session (the rating request goes out if the line asks for one)' })
  @ApiOkResponse({ standardSchema: sessionResponse })
  @ApiForbiddenResponse({ description: 'Not assigned to me' })
  async close(
    @CurrentUser() user: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<SessionResponse> {
    return toSessionResponse(await this.actions.close(user, id));
  }
}
