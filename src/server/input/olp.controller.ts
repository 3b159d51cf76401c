import { Controller, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { OlpReply } from '../../protocol/index.js';
import { OlpExceptionFilter } from '../../common/olp-http.js';
import type { OlpRequest } from './olp-packet.js';
import { OlpSignatureGuard } from './olp-signature.guard.js';
import { OlpRouter } from './olp.router.js';

/** `POST /olp/v1/portal`: every portal-to-server method of OLP/1. */
@ApiExcludeController()
@Controller('olp/v1')
@UseFilters(OlpExceptionFilter)
export class OlpController {
  constructor(private readonly router: OlpRouter) {}

  @Post('portal')
  @HttpCode(200)
  @UseGuards(OlpSignatureGuard)
  async portal(@Req() req: OlpRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<OlpReply> {
    const answer = await this.router.dispatch(req.olp!);
    void res.status(answer.status);
    return answer.body;
  }
}
