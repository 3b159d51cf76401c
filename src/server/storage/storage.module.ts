import { Global, Module } from '@nestjs/common';
import { DATABASE_HEALTH } from '../../common/health.js';
import { SecretBox } from '../crypto/secret-box.js';
import { DatabaseService } from './database.service.js';
import { ServerWorkerOwner } from './server-worker-owner.js';
import { ServerWorkerOwnerStore } from './worker-owner.store.js';

/** Database access and encryption at rest for every room; repositories live with the rooms that own their rows. */
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
    SecretBox,
    ServerWorkerOwnerStore,
    ServerWorkerOwner,
  ],
  exports: [DATABASE_HEALTH, DatabaseService, SecretBox, ServerWorkerOwner],
})
export class StorageModule {}
