import { Body, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { PresenceService } from '../../open-lines/operators/presence.service.js';
import { CurrentUser, type Principal } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import {
  presenceResponse,
  setPresenceRequest,
  toPresenceResponse,
  type PresenceResponse,
  type SetPresenceRequest,
} from './operators.dto.js';

@ApiController('operators')
export class OperatorsController {
  constructor(private readonly presence: PresenceService) {}

  @Get('me/presence')
  @ApiOkResponse({ standardSchema: presenceResponse })
  async mine(@CurrentUser() user: Principal): Promise<PresenceResponse> {
    return toPresenceResponse(await this.presence.get(user.userId));
  }

  @Put('me/presence')
  @ApiOperation({ summary: 'Set my presence: online takes new chats; away and offline do not' })
  @ApiOkResponse({ standardSchema: presenceResponse })
  async set(
    @CurrentUser() user: Principal,
    @Body(validated(setPresenceRequest)) body: SetPresenceRequest,
  ): Promise<PresenceResponse> {
    return toPresenceResponse(await this.presence.set(user.userId, body.status));
  }

  @Get(':id/presence')
  @ApiOkResponse({ standardSchema: presenceResponse })
  async of(@Param('id', validated(rowId)) id: number): Promise<PresenceResponse> {
    return toPresenceResponse(await this.presence.get(id));
  }
}
