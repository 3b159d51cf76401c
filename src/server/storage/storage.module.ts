import { Global, Module } from '@nestjs/common';
import { SecretBox } from '../crypto/secret-box.js';
import { DatabaseService } from './database.service.js';

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
    SecretBox,
  ],
  exports: [DatabaseService, SecretBox],
})
export class StorageModule {}
