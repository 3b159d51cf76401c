import { Module } from '@nestjs/common';
import { LinesModule } from '../lines/lines.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { HookReceiptsRepository } from './hook-receipts.repository.js';
import { HookService } from './hook.service.js';
import { HooksController } from './hooks.controller.js';

@Module({
  imports: [LinesModule, QueueModule],
  controllers: [HooksController],
  providers: [HookService, HookReceiptsRepository],
  exports: [HookService, HookReceiptsRepository],
})
export class HooksModule {}
