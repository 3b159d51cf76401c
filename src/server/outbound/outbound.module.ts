import { Module } from '@nestjs/common';
import { LinesModule } from '../lines/lines.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { OutboundWorker } from './outbound-worker.js';
import { OutboundRepository } from './outbound.repository.js';
import { OutboundService } from './outbound.service.js';

@Module({
  imports: [LinesModule, QueueModule],
  providers: [OutboundRepository, OutboundService, OutboundWorker],
  exports: [OutboundService, OutboundWorker, OutboundRepository],
})
export class OutboundModule {}
