import { Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository.js';

/** Which line holds which external account; input/AccountTakeover acts on it. */
@Module({ providers: [AccountsRepository], exports: [AccountsRepository] })
export class AccountsModule {}
