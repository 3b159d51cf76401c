import { Global, Module } from '@nestjs/common';
import { DATABASE_HEALTH } from '../../common/health.js';
import { Clock } from '../../common/clock.js';
import { DatabaseService } from './database.service.js';
import { PortalWorkerOwner } from './portal-worker-owner.js';
import { WorkerOwnerRepository } from './worker-owner.repository.js';
import { WriteBatcher } from './write-batcher.js';

/** Database access for every room; repositories live next to the rooms that own their rows. */
@Global()
@Module({
  providers: [
    {
      provide: DatabaseService,
      inject: [DatabaseService.name],
      useFactory: async (db: DatabaseService) => {
        await db.connect();
        return db;
      },
    },
    { provide: DatabaseService.name, useClass: DatabaseService },
    { provide: DATABASE_HEALTH, useExisting: DatabaseService },
    {
      provide: WriteBatcher,
      inject: [DatabaseService],
      useFactory: (db: DatabaseService) => WriteBatcher.for(db),
    },
    Clock,
    WorkerOwnerRepository,
    PortalWorkerOwner,
  ],
  exports: [DATABASE_HEALTH, DatabaseService, WriteBatcher, Clock, PortalWorkerOwner],
})
export class StorageModule {}
