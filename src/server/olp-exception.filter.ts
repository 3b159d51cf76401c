import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OlpError, type OlpErrorCode } from '../protocol/index.js';

const CODE_BY_STATUS: Record<number, OlpErrorCode> = {
  400: 'MALFORMED_PACKET',
  404: 'UNKNOWN_COMMAND',
  413: 'PACKET_TOO_LARGE',
};

/** Answers every failure in the OLP/1 reply shape (the OLP entry and the hook entry): the refusal's own status and code, 500 for our faults. */
@Catch()
export class OlpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OlpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let error: OlpError;
    if (exception instanceof OlpError) {
      error = exception;
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      error = new OlpError(status, CODE_BY_STATUS[status] ?? 'MALFORMED_PACKET', exception.message);
    } else {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
      error = new OlpError(500, 'INTERNAL_ERROR', 'the server failed to handle the packet');
    }
    void reply.status(error.status).send(error.toReply());
  }
}
