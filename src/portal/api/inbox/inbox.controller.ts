import { ConflictException, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { z } from 'zod';
import { FailedInbox } from '../../input/inbox/failed-inbox.service.js';
import { Roles } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import {
  failedInboxResponse,
  type FailedInboxResponse,
  listFailedQuery,
  type ListFailedQuery,
  replayResponse,
  type ReplayResponse,
  toFailedInboxResponse,
} from './inbox.dto.js';

/** Received messages parked failed in the inbox, and their replay. */
@ApiController('inbox')
@Roles('admin')
@ApiForbiddenResponse({ description: 'Admins only' })
export class InboxController {
  constructor(private readonly failed: FailedInbox) {}

  @Get('failed')
  @ApiOperation({ summary: 'Received messages parked failed after their last attempt, newest first' })
  @ApiOkResponse({ standardSchema: z.array(failedInboxResponse) })
  async list(@Query(validated(listFailedQuery)) query: ListFailedQuery): Promise<FailedInboxResponse[]> {
    return (await this.failed.list(query.limit)).map(toFailedInboxResponse);
  }

  @Post('failed/:id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put a parked message back to pending: the inbox worker processes it again' })
  @ApiOkResponse({ standardSchema: replayResponse })
  @ApiNotFoundResponse({ description: 'No such inbox row' })
  @ApiConflictResponse({ description: 'The row is not parked failed' })
  async replay(@Param('id', validated(rowId)) id: number): Promise<ReplayResponse> {
    const outcome = await this.failed.replay(id);
    if (outcome === 'unknown') throw new NotFoundException(`inbox row ${id} does not exist`);
    if (outcome === 'not_failed') throw new ConflictException(`inbox row ${id} is not failed`);
    return { id, state: 'pending' };
  }
}
