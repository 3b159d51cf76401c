import { Module } from '@nestjs/common';
import { PortalsModule } from '../portals/portals.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { AccountTakeover } from './account-takeover.service.js';
import { AccountsRepository } from './accounts.repository.js';

@Module({
  imports: [PortalsModule, QueueModule],
  providers: [AccountsRepository, AccountTakeover],
  exports: [AccountTakeover],
})
export class AccountsModule {}
