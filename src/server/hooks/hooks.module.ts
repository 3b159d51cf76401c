import { Module } from '@nestjs/common';
import { LinesModule } from '../lines/lines.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { HookDeadLettersRepository } from './hook-dead-letters.repository.js';
import { HookReceiptsRepository } from './hook-receipts.repository.js';
import { HookService } from './hook.service.js';
import { HooksController } from './hooks.controller.js';

@Module({
  imports: [LinesModule, QueueModule],
  controllers: [HooksController],
  providers: [HookService, HookReceiptsRepository, HookDeadLettersRepository],
  exports: [HookService, HookReceiptsRepository, HookDeadLettersRepository],
})
export class HooksModule {}
