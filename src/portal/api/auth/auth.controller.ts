import { Body, Get, HttpCode, Ip, Post, UseFilters } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ApiController } from '../common/api-controller.decorator.js';
import { validated } from '../common/validated.js';
import {
  changePasswordRequest,
  type ChangePasswordRequest,
  loginRequest,
  loginResponse,
  toUserResponse,
  userResponse,
  type LoginRequest,
  type LoginResponse,
  type UserResponse,
} from './auth.dto.js';
import { AuthService, type Issued } from './auth.service.js';
import { CurrentUser, Public, type Principal } from './principal.js';
import { RetryAfterFilter } from './retry-after.filter.js';

@ApiController('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns a bearer token (12 h)' })
  @ApiOkResponse({ standardSchema: loginResponse })
  @ApiTooManyRequestsResponse({
    description: 'Too many attempts for this account or address; Retry-After says how many seconds to wait',
  })
  @UseFilters(RetryAfterFilter)
  async login(
    @Body(validated(loginRequest)) body: LoginRequest,
    @Ip() address: string,
  ): Promise<LoginResponse> {
    return toLoginResponse(await this.auth.login({ ...body, address }));
  }

  @Post('password')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change my password (the current one is required); every older token stops working',
  })
  @ApiOkResponse({ standardSchema: loginResponse, description: 'Changed: a fresh token to go on with' })
  @ApiForbiddenResponse({ description: 'The current password is not right' })
  async changePassword(
    @CurrentUser() principal: Principal,
    @Body(validated(changePasswordRequest)) body: ChangePasswordRequest,
  ): Promise<LoginResponse> {
    return toLoginResponse(await this.auth.changePassword(principal, body.currentPassword, body.newPassword));
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ standardSchema: userResponse })
  async me(@CurrentUser() principal: Principal): Promise<UserResponse> {
    return toUserResponse(await this.auth.me(principal));
  }
}

function toLoginResponse({ token, expiresAt, user }: Issued): LoginResponse {
  return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: toUserResponse(user) };
}
