import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service.js';

export interface ExternalUserRow {
  id: number;
  key: string;
  connector: string;
  externalId: string;
  name: string;
  lastName: string | null;
  url: string | null;
  gender: string | null;
  email: string | null;
  phone: string | null;
  avatarFileId: string | null;
  dataHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export type ExternalUserData = Omit<ExternalUserRow, 'id' | 'createdAt' | 'updatedAt'>;

/** Customers of the channels (external_users), keyed "connector|user id". */
@Injectable()
export class ExternalUsersRepository {
  constructor(private readonly database: DatabaseService) {}

  async findById(id: number): Promise<ExternalUserRow | null> {
    return this.database.client.externalUser.findUnique({ where: { id } });
  }

  async findByKey(key: string): Promise<Pick<ExternalUserRow, 'id' | 'dataHash' | 'avatarFileId'> | null> {
    return this.database.client.externalUser.findUnique({
      where: { key },
      select: { id: true, dataHash: true, avatarFileId: true },
    });
  }

  /** Creates the user or replaces its data; returns its id. */
  async save(data: ExternalUserData, now: Date): Promise<number> {
    const { key, ...fields } = data;
    const row = await this.database.client.externalUser.upsert({
      where: { key },
      create: { ...data, createdAt: now, updatedAt: now },
      update: { ...fields, updatedAt: now },
      select: { id: true },
    });
    return row.id;
  }
}
