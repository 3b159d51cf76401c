import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OlpError } from '../../protocol/index.js';

/** Answers every failure of an OLP endpoint in the OLP reply shape; faults of the portal become 500. */
@Catch()
export class OlpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OlpInput');

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = toOlpError(exception);
    if (error.status >= 500) {
      this.logger.error(
        `OLP input failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    void host.switchToHttp().getResponse<FastifyReply>().status(error.status).send(error.toReply());
  }
}

/** Maps anything thrown on an OLP endpoint to the OlpError it is answered with. */
export function toOlpError(exception: unknown): OlpError {
  if (exception instanceof OlpError) return exception;
  if (exception instanceof HttpException) return olpErrorForStatus(exception.getStatus(), exception.message);
  return olpErrorForStatus(500);
}

/** The OLP error for an HTTP status that did not come with one (framework and transport errors). */
export function olpErrorForStatus(status: number, message?: string): OlpError {
  if (status >= 500) {
    return new OlpError(500, 'INTERNAL_ERROR', 'the portal could not take the packet; send it again later');
  }
  switch (status) {
    case 401:
      return new OlpError(401, 'SIGNATURE_INVALID', message ?? 'the packet is not signed');
    case 404:
      return new OlpError(404, 'UNKNOWN_COMMAND', message ?? 'not found');
    case 413:
      return new OlpError(413, 'PACKET_TOO_LARGE', message ?? 'the body is too large');
    default:
      return new OlpError(status, 'MALFORMED_PACKET', message ?? 'the body is not a JSON object', 'body');
  }
}
