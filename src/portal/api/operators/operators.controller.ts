import { Body, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { PresenceService } from '../../open-lines/operators/presence.service.js';
import { toRole } from '../auth/auth.dto.js';
import { CurrentUser, type Principal } from '../auth/principal.js';
import { UsersRepository } from '../auth/users.repository.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import {
  colleagueResponse,
  type ColleagueResponse,
  presenceResponse,
  setPresenceRequest,
  toPresenceResponse,
  type PresenceResponse,
  type SetPresenceRequest,
} from './operators.dto.js';

@ApiController('operators')
export class OperatorsController {
  constructor(
    private readonly presence: PresenceService,
    private readonly users: UsersRepository,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Colleagues with their presence: whom an operator can transfer a chat to (any signed-in user)',
  })
  @ApiOkResponse({ standardSchema: colleagueResponse.array() })
  async list(): Promise<ColleagueResponse[]> {
    const users = await this.users.listAll();
    const presence = await this.presence.list(users.map((u) => u.id));
    return users.map((u, i) => ({
      id: u.id,
      name: u.name,
      role: toRole(u.role),
      status: presence[i].status,
    }));
  }

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
