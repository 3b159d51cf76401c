import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { WorkerOwner } from '../../common/work/worker-owner.js';
import { PortalConfig } from '../config.js';
import { WorkerOwnerRepository } from './worker-owner.repository.js';

/**
 * This portal process as the owner of its worker claims (one per process, from StorageModule);
 * started by the first worker that claims. Today the inbox worker's.
 */
@Injectable()
export class PortalWorkerOwner extends WorkerOwner implements OnModuleDestroy {
  constructor(repository: WorkerOwnerRepository, clock: Clock, config: PortalConfig) {
    super(repository, clock, config.workerOwner, new Logger(PortalWorkerOwner.name));
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
