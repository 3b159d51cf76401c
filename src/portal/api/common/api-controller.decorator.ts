import { applyDecorators, Controller, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthGuard } from '../auth/auth.guard.js';
import { NoSniffInterceptor } from './no-sniff.interceptor.js';

/**
 * A controller under /api, behind the bearer-token guard. Every API controller uses this, so
 * a new one cannot forget the guard; @Public() opens single routes (login). Answers are nosniff.
 */
export function ApiController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(`api/${path}`),
    UseGuards(AuthGuard),
    UseInterceptors(NoSniffInterceptor),
    ApiTags(path),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired bearer token' }),
  );
}
