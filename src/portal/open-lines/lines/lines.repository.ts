import { Injectable } from '@nestjs/common';
import type { Line } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';

@Injectable()
export class LinesRepository {
  constructor(private readonly db: DatabaseService) {}

  create(opts: { name: string; at: Date }): Promise<Line> {
    return this.db.client.line.create({ data: { name: opts.name, createdAt: opts.at } });
  }

  listAll(): Promise<Line[]> {
    return this.db.client.line.findMany({ orderBy: { id: 'asc' } });
  }

  findById(id: number): Promise<Line | null> {
    return this.db.client.line.findUnique({ where: { id } });
  }
}
