import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LoginThrottledException } from './login-throttle.js';

/** Sends a refused sign-in as 429 with Retry-After (seconds), which HttpException cannot carry. */
@Catch(LoginThrottledException)
export class RetryAfterFilter implements ExceptionFilter {
  catch(err: LoginThrottledException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply
      .status(err.getStatus())
      .header('retry-after', String(err.retryAfterSeconds))
      .send(err.getResponse());
  }
}
