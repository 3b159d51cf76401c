import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TelegramFiles } from './telegram-files.service.js';

/** `GET /files/telegram?t=<signed reference>`: a Telegram file for the portal, without the bot token. */
@ApiExcludeController()
@Controller('files/telegram')
export class TelegramFilesController {
  constructor(private readonly files: TelegramFiles) {}

  @Get()
  async file(@Query('t') token: string | undefined, @Res() res: FastifyReply): Promise<void> {
    const outcome = await this.files.open(token ?? '');
    if (outcome.kind === 'refused') {
      await res
        .status(outcome.status)
        .send({ ok: false, error: [{ code: 'FILE_UNAVAILABLE', message: outcome.message }] });
      return;
    }
    res.header('content-type', outcome.type).header('cache-control', 'private, no-store');
    if (outcome.size !== undefined) res.header('content-length', String(outcome.size));
    if (outcome.name)
      res.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(outcome.name)}`);
    await res.send(outcome.body);
  }
}
