import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service.js';

export interface StoredFileRow {
  id: string;
  sha256: string;
  name: string;
  mime: string;
  size: number;
  sourceUrl: string | null;
  createdAt: Date;
}

@Injectable()
export class StoredFilesRepository {
  constructor(private readonly database: DatabaseService) {}

  async create(row: StoredFileRow): Promise<StoredFileRow> {
    return this.database.client.storedFile.create({ data: row });
  }

  async findById(id: string): Promise<StoredFileRow | null> {
    return this.database.client.storedFile.findUnique({ where: { id } });
  }

  async findBySha256(sha256: string): Promise<StoredFileRow[]> {
    return this.database.client.storedFile.findMany({ where: { sha256 }, orderBy: { createdAt: 'asc' } });
  }
}
