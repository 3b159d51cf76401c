import { Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentUser, Public, type Principal } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { isoDate } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import { OperatorStreamService } from './operator-stream.service.js';
import { StreamTokenService } from './stream-token.service.js';

const streamQuery = z.object({
  token: z.string().max(4096).optional().describe('A stream token from POST /api/stream/token'),
});
type StreamQuery = z.output<typeof streamQuery>;

const streamTokenResponse = z.object({ token: z.string(), expiresAt: isoDate });

@ApiController('stream')
export class StreamController {
  constructor(
    private readonly stream: OperatorStreamService,
    private readonly tokens: StreamTokenService,
  ) {}

  @Post('token')
  @ApiOperation({ summary: 'A short-lived token for GET /api/stream?token=… (EventSource sends no headers)' })
  @ApiCreatedResponse({ standardSchema: streamTokenResponse })
  async token(@CurrentUser() user: Principal): Promise<z.output<typeof streamTokenResponse>> {
    const { token, expiresAt } = await this.tokens.issue(user);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  // Public to the guard: it authenticates itself, from the header or the query's stream token.
  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Server-sent events for operators (chat.created, message.*, session changes); resume with Last-Event-ID',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  open(
    @Headers('authorization') authorization: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query(validated(streamQuery)) query: StreamQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream.serve({ authorization, lastEventId, queryToken: query.token, reply });
  }
}
