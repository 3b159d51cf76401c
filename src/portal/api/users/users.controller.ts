import { Body, Delete, Get, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { z } from 'zod';
import { toUserResponse, userResponse, type UserResponse } from '../auth/auth.dto.js';
import { CurrentUser, Roles, type Principal } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import { UserAccessService } from './user-access.service.js';
import {
  createUserRequest,
  type CreateUserRequest,
  removedUserResponse,
  type RemovedUserResponse,
  setUserStatusRequest,
  type SetUserStatusRequest,
} from './users.dto.js';
import { UsersService } from './users.service.js';

@ApiController('users')
@Roles('admin')
@ApiForbiddenResponse({ description: 'Admins only' })
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly access: UserAccessService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'All operators and admins (removed ones are not listed)' })
  @ApiOkResponse({ standardSchema: z.array(userResponse) })
  async list(): Promise<UserResponse[]> {
    return (await this.users.list()).map(toUserResponse);
  }

  @Post()
  @ApiOperation({ summary: 'Add an operator or admin' })
  @ApiCreatedResponse({ standardSchema: userResponse })
  @ApiConflictResponse({ description: 'The email is already in use' })
  async create(@Body(validated(createUserRequest)) body: CreateUserRequest): Promise<UserResponse> {
    return toUserResponse(await this.users.create(body));
  }

  @Put(':id/status')
  @ApiOperation({
    summary:
      'Disable (no sign-in, every token and stream ends, chats handed on) or enable again an operator or admin',
  })
  @ApiOkResponse({ standardSchema: userResponse })
  @ApiBadRequestResponse({ description: 'Yourself, or the last active admin' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async setStatus(
    @CurrentUser() actor: Principal,
    @Param('id', validated(rowId)) id: number,
    @Body(validated(setUserStatusRequest)) body: SetUserStatusRequest,
  ): Promise<UserResponse> {
    return toUserResponse(await this.access.setStatus(actor, id, body.status));
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Remove an operator or admin for good: every token and stream ends, chats go back to the queue',
  })
  @ApiOkResponse({ standardSchema: removedUserResponse })
  @ApiBadRequestResponse({ description: 'Yourself, or the last active admin' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async remove(
    @CurrentUser() actor: Principal,
    @Param('id', validated(rowId)) id: number,
  ): Promise<RemovedUserResponse> {
    return { id, handedOn: await this.access.remove(actor, id) };
  }
}
