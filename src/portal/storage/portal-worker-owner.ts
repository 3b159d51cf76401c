import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { WorkerOwner } from '../../common/work/worker-owner.js';
import { PortalConfig } from '../config.js';
import { WorkerOwnerRepository } from './worker-owner.repository.js';

/**
 * This portal process as the owner of its worker claims; started by the first worker that claims.
 * Provided by the rooms whose workers claim (today the inbox's, in InputModule).
 */
@Injectable()
export class PortalWorkerOwner extends WorkerOwner implements OnModuleDestroy {
  private readonly logger = new Logger(PortalWorkerOwner.name);

  constructor(repository: WorkerOwnerRepository, clock: Clock, config: PortalConfig) {
    super(repository, clock, config.workerOwner, new Logger(PortalWorkerOwner.name));
  }

  async onModuleDestroy(): Promise<void> {
    // Not fatal: a row left behind is dead once its heartbeat is past the window.
    await this.stop().catch((err: unknown) =>
      this.logger.warn(`could not remove worker owner ${this.id}: ${String(err)}`),
    );
  }
}
