import { Module } from '@nestjs/common';
import { PortalsModule } from '../portals/portals.module.js';
import { DeadLetters } from './dead-letters.service.js';
import { PortalClient } from './portal-client.js';
import { PortalQueue } from './portal-queue.service.js';
import { QueueWorker } from './queue-worker.js';
import { QueueRepository } from './queue.repository.js';

@Module({
  imports: [PortalsModule],
  providers: [QueueRepository, PortalQueue, PortalClient, QueueWorker, DeadLetters],
  exports: [QueueRepository, PortalQueue, PortalClient, QueueWorker, DeadLetters],
})
export class QueueModule {}
