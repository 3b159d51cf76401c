import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { WorkerOwner } from '../../common/work/worker-owner.js';
import { ServerConfig } from '../config.js';
import { ServerWorkerOwnerStore } from './worker-owner.store.js';

/**
 * This server process as the owner of its worker claims (one per process, from StorageModule);
 * started by the first worker that claims (the queue's or the outbound one's).
 */
@Injectable()
export class ServerWorkerOwner extends WorkerOwner implements OnModuleDestroy {
  constructor(store: ServerWorkerOwnerStore, clock: Clock, config: ServerConfig) {
    super(store, clock, config.workerOwner, new Logger(ServerWorkerOwner.name));
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
