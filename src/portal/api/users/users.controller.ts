import { Body, Get, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { z } from 'zod';
import { toUserResponse, userResponse, type UserResponse } from '../auth/auth.dto.js';
import { Roles } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { validated } from '../common/validated.js';
import { createUserRequest, type CreateUserRequest } from './users.dto.js';
import { UsersService } from './users.service.js';

@ApiController('users')
@Roles('admin')
@ApiForbiddenResponse({ description: 'Admins only' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'All operators and admins' })
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
}
