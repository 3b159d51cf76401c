import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service.js';

export interface BotframeworkChatKey {
  connector: string;
  lineId: string;
  externalChatId: string;
}

export interface BotframeworkSenderRow extends BotframeworkChatKey {
  /** JSON of BotframeworkSenderData. */
  data: string;
  dataHash: string;
  updatedAt: Date;
}

@Injectable()
export class BotframeworkSendersRepository {
  constructor(private readonly database: DatabaseService) {}

  async find(key: BotframeworkChatKey): Promise<BotframeworkSenderRow | null> {
    return this.database.client.botframeworkSender.findUnique({
      where: { connector_lineId_externalChatId: key },
      select: {
        connector: true,
        lineId: true,
        externalChatId: true,
        data: true,
        dataHash: true,
        updatedAt: true,
      },
    });
  }

  /** Creates or replaces the row of one chat. */
  async save(row: BotframeworkSenderRow): Promise<void> {
    const { connector, lineId, externalChatId, data, dataHash, updatedAt } = row;
    await this.database.client.botframeworkSender.upsert({
      where: { connector_lineId_externalChatId: { connector, lineId, externalChatId } },
      create: row,
      update: { data, dataHash, updatedAt },
    });
  }
}
