import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OlpError } from '../protocol/index.js';

/** The OLP error for an HTTP status that did not come with one (framework and transport errors). */
export function olpErrorForStatus(status: number, message?: string): OlpError {
  if (status >= 500)
    return new OlpError(500, 'INTERNAL_ERROR', 'the packet could not be taken; send it again later');
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

/** Maps anything thrown on an OLP endpoint to the OlpError it is answered with. */
export function toOlpError(exception: unknown): OlpError {
  if (exception instanceof OlpError) return exception;
  if (exception instanceof HttpException) return olpErrorForStatus(exception.getStatus(), exception.message);
  return olpErrorForStatus(500);
}

/** Answers every failure of an OLP endpoint in the OLP reply shape; faults of the receiver become 500. */
@Catch()
export class OlpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OlpEndpoint');

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = toOlpError(exception);
    if (error.status >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    void host.switchToHttp().getResponse<FastifyReply>().status(error.status).send(error.toReply());
  }
}

/**
 * Some refusals happen in Fastify before any Nest guard or filter sees the request: a body past
 * Fastify's bodyLimit (413), invalid JSON (400), a content type without a parser (415). Nest
 * answers those in its own shape; this onSend hook rewrites the error replies of the routes
 * `isOlpRoute` names into the OLP shape, so a peer always gets `{"ok":false,"error":[…]}`.
 */
export function keepOlpReplyShape(
  fastify: FastifyInstance,
  isOlpRoute: (req: FastifyRequest) => boolean,
): void {
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || !isOlpRoute(req)) return payload;
    if (typeof payload !== 'string' || isOlpReply(payload)) return payload;
    const error = olpErrorForStatus(reply.statusCode, messageOf(payload));
    reply.header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify(error.toReply());
  });
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

function isOlpReply(payload: string): boolean {
  const value = parse(payload);
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

function messageOf(payload: string): string | undefined {
  const message = (parse(payload) as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
