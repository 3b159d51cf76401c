import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service.js';

export interface FileLinkRow {
  token: string;
  fileId: string;
  messageId: number;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Links under which the connector server fetches operators' files (table file_links). */
@Injectable()
export class FileLinksRepository {
  constructor(private readonly db: DatabaseService) {}

  async create(row: Omit<FileLinkRow, 'revokedAt'>): Promise<void> {
    await this.db.client.fileLink.create({ data: row });
  }

  /** The link's file, unless the link was revoked or never existed. */
  async findLive(token: string): Promise<FileLinkRow | null> {
    return this.db.client.fileLink.findFirst({ where: { token, revokedAt: null } });
  }

  forMessage(messageId: number): Promise<FileLinkRow[]> {
    return this.db.client.fileLink.findMany({ where: { messageId }, orderBy: { createdAt: 'asc' } });
  }

  async revokeForMessage(opts: { messageId: number; at: Date }): Promise<number> {
    const { count } = await this.db.client.fileLink.updateMany({
      where: { messageId: opts.messageId, revokedAt: null },
      data: { revokedAt: opts.at },
    });
    return count;
  }
}
