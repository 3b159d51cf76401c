import { All, Controller, type RawBodyRequest, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OlpExceptionFilter } from '../../common/olp-http.js';
import { HookService } from './hook.service.js';

/** `/hook?h=<line hash>`: every channel's webhooks (any method, since some channels verify with GET). */
@ApiExcludeController()
@Controller()
@UseFilters(OlpExceptionFilter)
export class HooksController {
  constructor(private readonly hooks: HookService) {}

  @All('hook')
  async hook(@Req() req: RawBodyRequest<FastifyRequest>, @Res() res: FastifyReply): Promise<void> {
    const reply = await this.hooks.receive({
      method: req.method,
      headers: req.headers,
      query: req.query as Record<string, string | undefined>,
      rawBody: req.rawBody,
      body: req.body,
    });
    await res
      .status(reply.status)
      .headers(reply.headers ?? {})
      .send(reply.body ?? '');
  }
}
