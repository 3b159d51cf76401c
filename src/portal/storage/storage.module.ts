import { Global, Module } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DatabaseService } from './database.service.js';

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
    Clock,
  ],
  exports: [DatabaseService, Clock],
})
export class StorageModule {}
