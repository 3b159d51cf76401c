import { Module } from '@nestjs/common';
import { HooksModule } from '../hooks/hooks.module.js';
import { InputModule } from '../input/input.module.js';
import { OutboundModule } from '../outbound/outbound.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { Housekeeping } from './housekeeping.js';
import { WorkerLoop } from './worker-loop.js';

@Module({
  imports: [QueueModule, OutboundModule, InputModule, HooksModule],
  providers: [Housekeeping, WorkerLoop],
  exports: [Housekeeping],
})
export class WorkersModule {}
