import { Module } from '@nestjs/common';
import { LinesModule } from '../../lines/lines.module.js';
import { TelegramFileLinks } from './file-links.js';
import { TelegramApi } from './telegram-api.js';
import { TelegramFilesController } from './telegram-files.controller.js';
import { TelegramFiles } from './telegram-files.service.js';

/** What the Telegram connector takes from the server, and the route of its file links. */
@Module({
  imports: [LinesModule],
  controllers: [TelegramFilesController],
  providers: [TelegramApi, TelegramFileLinks, TelegramFiles],
  exports: [TelegramApi, TelegramFileLinks],
})
export class TelegramModule {}
