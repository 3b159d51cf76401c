import { Body, Get, HttpCode, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
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
import { AuthService } from './auth.service.js';
import { CurrentUser, Public, type Principal } from './principal.js';

@ApiController('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns a bearer token (12 h)' })
  @ApiOkResponse({ standardSchema: loginResponse })
  async login(@Body(validated(loginRequest)) body: LoginRequest): Promise<LoginResponse> {
    const { token, expiresAt, user } = await this.auth.login(body.email, body.password);
    return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: toUserResponse(user) };
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change my password (the current one is required)' })
  @ApiNoContentResponse({ description: 'Changed; tokens already issued stay valid until they expire' })
  @ApiForbiddenResponse({ description: 'The current password is not right' })
  async changePassword(
    @CurrentUser() principal: Principal,
    @Body(validated(changePasswordRequest)) body: ChangePasswordRequest,
  ): Promise<void> {
    await this.auth.changePassword(principal, body.currentPassword, body.newPassword);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ standardSchema: userResponse })
  async me(@CurrentUser() principal: Principal): Promise<UserResponse> {
    return toUserResponse(await this.auth.me(principal));
  }
}
